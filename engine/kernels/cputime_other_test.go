//go:build !unix

package kernels

// processCPU is unavailable here; reportFlops then skips cpu-GFLOP/s.
func processCPU() float64 { return 0 }
