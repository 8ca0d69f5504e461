//go:build !amd64

package kernels

// detectISA: outside amd64 only the pure-Go kernels exist.
func detectISA() isa { return isaGeneric }

// asmGemmKernel: no assembly outside amd64.
func asmGemmKernel(isa) *microKernel { return nil }

// peakLoop: the scalar Go loop outside amd64.
func peakLoop() (func(int), int) { return peakLoopGo, 16 }
