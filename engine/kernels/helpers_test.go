package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// paths runs f once per code path the CPU supports: pure Go, AVX2 and
// AVX-512 kernels.
func paths(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer ForceGeneric(forceGeneric.Load())
	defer isaLimit.Store(isaLimit.Load())
	ForceGeneric(false)
	for i := isaGeneric; i <= hostISA; i++ {
		isaLimit.Store(int32(i))
		t.Run(i.String(), f)
	}
}

// withThreads runs f under each thread count, restoring the old one.
func withThreads(t *testing.T, counts []int, f func(t *testing.T, threads int)) {
	t.Helper()
	old := Threads()
	defer SetThreads(old)
	for _, n := range counts {
		SetThreads(n)
		f(t, n)
	}
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

func absSlice(s []float32) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = float32(math.Abs(float64(v)))
	}
	return out
}

func nanSlice(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(math.NaN())
	}
	return s
}

// closeTo reports the first index where got and want differ by more than
// tol*(scale[i]+1e-30) (scale nil: tol*(|want|+1)).
func closeTo(got, want, scale []float32, tol float64) (int, bool) {
	for i := range want {
		s := math.Abs(float64(want[i])) + 1
		if scale != nil {
			s = float64(scale[i]) + 1e-30
		}
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if !(d <= tol*s) {
			return i, false
		}
	}
	return -1, true
}
