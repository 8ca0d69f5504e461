package kernels

// microKernel is one GEMM micro-kernel with the cache blocking tuned for it.
// fn computes the mr x nr tile c = alpha*A*B + beta*c from packed panels:
// a holds k steps of mr values, b k steps of nr values; beta == 0 must not
// read c. The driver guarantees len(a) >= k*mr, len(b) >= k*nr and
// len(c) >= (mr-1)*ldc + nr.
type microKernel struct {
	name   string
	mr, nr int
	// kc: depth of a packed block; mc, nc: rows and columns of the packed
	// A and B blocks (multiples of mr and nr).
	kc, mc, nc int
	// aInner: the loop over A micro-panels is the inner one (a B
	// micro-panel stays in L1 while A panels stream from L2); otherwise an
	// A micro-panel stays in L1 while B panels stream.
	aInner bool
	// asmPack: pack with the AVX-512 routines (needs nr == 32, mr <= 16).
	asmPack bool
	fn      func(k int, a, b, c []float32, ldc int, alpha, beta float32)
	// edge, when set, computes the top-left mm x nn corner of a tile
	// straight into c (mm <= mr, nn <= nr; len(c) >= (mm-1)*ldc + nn).
	// Without it edge tiles go through a scratch tile.
	edge func(mm, nn, k int, a, b, c []float32, ldc int, alpha, beta float32)
}

// gemmKernel is the micro-kernel the GEMM uses now.
func gemmKernel() *microKernel {
	if k := asmGemmKernel(activeISA()); k != nil {
		return k
	}
	return &genericKernel
}
