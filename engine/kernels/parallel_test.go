package kernels

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// TestNestedParallelCalls: kernels called from inside Parallel run inline
// when no worker is idle, so nesting neither deadlocks nor changes results.
func TestNestedParallelCalls(t *testing.T) {
	withThreads(t, []int{2, 3}, func(t *testing.T, threads int) {
		rng := rand.New(rand.NewPCG(14, 14))
		m, n, k := 40, 300, 50
		a, b := randSlice(rng, m*k), randSlice(rng, k*n)
		want := make([]float32, m*n)
		Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, want, n)
		outs := make([][]float32, 8)
		done := make(chan struct{})
		go func() {
			Parallel(len(outs), func(lo, hi int) {
				for i := lo; i < hi; i++ {
					outs[i] = make([]float32, m*n)
					Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, outs[i], n)
				}
			})
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("nested Sgemm inside Parallel did not finish")
		}
		for i, o := range outs {
			if j := bitsEqual(o, want); j >= 0 {
				t.Fatalf("threads=%d: nested result %d differs at %d", threads, i, j)
			}
		}
	})
}

// TestParallelPartsCoversRange: every index is visited once, parts are
// numbered 0..Parts(n)-1 and calls from many goroutines at once are safe.
func TestParallelPartsCoversRange(t *testing.T) {
	withThreads(t, []int{1, 2, 5}, func(t *testing.T, threads int) {
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, n := range []int{0, 1, 3, 100} {
					seen := make([]int, n)
					parts := make([]bool, Parts(n))
					var mu sync.Mutex
					ParallelParts(n, func(part, lo, hi int) {
						mu.Lock()
						defer mu.Unlock()
						parts[part] = true
						for i := lo; i < hi; i++ {
							seen[i]++
						}
					})
					for i, s := range seen {
						if s != 1 {
							t.Errorf("n=%d: index %d visited %d times", n, i, s)
						}
					}
					for p, ok := range parts {
						if !ok {
							t.Errorf("n=%d: part %d never ran", n, p)
						}
					}
				}
			}()
		}
		wg.Wait()
	})
}
