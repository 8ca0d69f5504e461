package kernels

import "golang.org/x/sys/cpu"

// detectISA picks the widest micro-kernels this CPU runs. The AVX-512
// kernels also use BMI2 (BZHI) for their tail masks.
func detectISA() isa {
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasBMI2 && cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return isaAVX512
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return isaAVX2
	}
	return isaGeneric
}

var avx512Kernel = microKernel{
	name: "avx512", mr: avx512MR, nr: avx512NR,
	kc: 256, mc: 19 * avx512MR, nc: 32 * avx512NR, asmPack: true,
	fn: func(k int, a, b, c []float32, ldc int, alpha, beta float32) {
		sgemmAVX512x14(k, &a[0], &b[0], &c[0], ldc, alpha, beta, 0xffffffff)
	},
	edge: func(mm, nn, k int, a, b, c []float32, ldc int, alpha, beta float32) {
		avx512Rows[mm](k, &a[0], &b[0], &c[0], ldc, alpha, beta, uint32(1)<<nn-1)
	},
}

var avx2Kernel = microKernel{
	name: "avx2", mr: avx2MR, nr: avx2NR,
	kc: 256, mc: 16 * avx2MR, nc: 128 * avx2NR,
	fn: func(k int, a, b, c []float32, ldc int, alpha, beta float32) {
		sgemmKernelAVX2(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
	},
}

// asmGemmKernel returns the assembly GEMM micro-kernel for level i, or nil.
func asmGemmKernel(i isa) *microKernel {
	switch i {
	case isaAVX512:
		return &avx512Kernel
	case isaAVX2:
		return &avx2Kernel
	}
	return nil
}

// peakLoop is the FMA loop PeakGFLOPS runs and its flops per iteration.
func peakLoop() (func(int), int) {
	switch hostISA {
	case isaAVX512:
		return fmaPeakAVX512, peakFlopsAVX512
	case isaAVX2:
		return fmaPeakAVX2, peakFlopsAVX2
	}
	return peakLoopGo, 16
}
