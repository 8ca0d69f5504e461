package kernels

import (
	"sync"
	"sync/atomic"
)

// Parallel kernels run their parts on a pool of long-lived worker
// goroutines. A part goes to a worker only if one is idle at that moment
// (the caller reserves it with a compare-and-swap on the idle count, so a
// worker that is just returning to its loop is not missed); otherwise the
// calling goroutine runs it itself. So a kernel called from
// inside another parallel kernel (Sgemm inside Parallel over images) runs
// inline instead of deadlocking or oversubscribing the cores, and starting
// the parts allocates nothing. Which goroutine runs a part never changes
// what the part computes: the split depends only on the sizes and Threads().

// parter is a parallel job; runPart(p) does part p.
type parter interface{ runPart(p int) }

type workItem struct {
	job  parter
	part int
	wg   *sync.WaitGroup
}

var (
	workCh    = make(chan workItem)
	workerN   atomic.Int32 // workers started
	idleN     atomic.Int32 // workers not running a part and not reserved
	workersMu sync.Mutex
)

func ensureWorkers(n int) {
	if int(workerN.Load()) >= n {
		return
	}
	workersMu.Lock()
	defer workersMu.Unlock()
	for int(workerN.Load()) < n {
		workerN.Add(1)
		idleN.Add(1)
		go worker()
	}
}

func worker() {
	for it := range workCh {
		it.job.runPart(it.part)
		it.wg.Done()
		idleN.Add(1)
	}
}

// runParts runs job.runPart(0 .. parts-1) and returns when all are done.
// wg must not be in use by anyone else; it is typically a field of job.
func runParts(job parter, parts int, wg *sync.WaitGroup) {
	if parts <= 1 {
		if parts == 1 {
			job.runPart(0)
		}
		return
	}
	ensureWorkers(Threads() - 1)
	for p := 1; p < parts; p++ {
		if reserveWorker() {
			wg.Add(1)
			workCh <- workItem{job, p, wg} // a reserved worker is on its way
			continue
		}
		job.runPart(p)
	}
	job.runPart(0)
	wg.Wait()
}

// reserveWorker claims an idle worker; the caller must then send it a part.
func reserveWorker() bool {
	for {
		n := idleN.Load()
		if n <= 0 {
			return false
		}
		if idleN.CompareAndSwap(n, n-1) {
			return true
		}
	}
}
