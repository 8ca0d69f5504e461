//go:build !unix

package nn

// processCPU is unavailable here; benchmarks then skip their cpu metrics.
func processCPU() float64 { return 0 }
