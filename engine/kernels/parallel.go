package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
)

var threads atomic.Int32

func init() { threads.Store(int32(runtime.GOMAXPROCS(0))) }

// SetThreads sets how many goroutines the kernels use (at least 1).
func SetThreads(n int) {
	if n < 1 {
		n = 1
	}
	threads.Store(int32(n))
}

// Threads is the number of goroutines the kernels use.
func Threads() int { return int(threads.Load()) }

// Parts is the number of chunks Parallel and ParallelParts split [0, n)
// into: min(n, Threads()).
func Parts(n int) int {
	t := Threads()
	if t > n {
		t = n
	}
	if t < 0 {
		t = 0
	}
	return t
}

// Parallel runs fn(lo, hi) over [0, n) split into at most Threads() contiguous
// chunks. The split depends only on n and the thread count, so results that
// are per-index are deterministic. Called from inside another parallel
// kernel, the chunks run on the calling goroutine when no worker is idle.
func Parallel(n int, fn func(lo, hi int)) {
	ParallelParts(n, func(_, lo, hi int) { fn(lo, hi) })
}

// ParallelParts is Parallel that also passes the chunk index part in
// [0, Parts(n)), so callers can keep per-chunk partial results (for example
// gradient sums) and reduce them in chunk order, deterministically for a
// fixed thread count.
func ParallelParts(n int, fn func(part, lo, hi int)) {
	t := Parts(n)
	if t == 0 {
		return
	}
	if t == 1 {
		fn(0, 0, n)
		return
	}
	j := rangeJobPool.Get().(*rangeJob)
	j.fn, j.n, j.t = fn, n, t
	runParts(j, t, &j.wg)
	j.fn = nil
	rangeJobPool.Put(j)
}

type rangeJob struct {
	fn   func(part, lo, hi int)
	n, t int
	wg   sync.WaitGroup
}

func (j *rangeJob) runPart(p int) { j.fn(p, p*j.n/j.t, (p+1)*j.n/j.t) }

var rangeJobPool = sync.Pool{New: func() any { return new(rangeJob) }}
