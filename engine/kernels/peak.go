package kernels

import (
	"runtime"
	"sync"
	"time"
)

// PeakGFLOPS measures the fp32 FMA throughput of the machine: threads
// goroutines, each locked to its own OS thread, run chains of independent
// VFMADD231PS (zmm with AVX-512, ymm with AVX2, scalar Go otherwise) for
// about dur, and the result is the total GFLOP/s. It is the denominator of
// every "fraction of peak" figure. It ignores ForceGeneric: it measures the
// hardware, not the code path in use.
func PeakGFLOPS(threads int, dur time.Duration) float64 {
	if threads < 1 {
		threads = 1
	}
	if dur <= 0 {
		dur = 100 * time.Millisecond
	}
	loop, flopsPerIter := peakLoop()
	const chunk = 1 << 16 // iterations between clock reads
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		iters = make([]int64, threads)
	)
	for i := 0; i < threads; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			loop(1024) // warm the vector unit up before the clock starts
			<-start
			t0 := time.Now()
			for time.Since(t0) < dur {
				loop(chunk)
				iters[i] += chunk
			}
		}(i)
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	elapsed := time.Since(t0).Seconds()
	var total int64
	for _, n := range iters {
		total += n
	}
	return float64(total) * float64(flopsPerIter) / elapsed / 1e9
}

// peakLoopGo is the scalar fallback: eight independent multiply-add chains
// (16 flops per iteration).
func peakLoopGo(n int) {
	var a0, a1, a2, a3, a4, a5, a6, a7 float32
	x, y := float32(0.999), float32(1e-3)
	for i := 0; i < n; i++ {
		a0 = a0*x + y
		a1 = a1*x + y
		a2 = a2*x + y
		a3 = a3*x + y
		a4 = a4*x + y
		a5 = a5*x + y
		a6 = a6*x + y
		a7 = a7*x + y
	}
	peakSink = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7
}

var peakSink float32
