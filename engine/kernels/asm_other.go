//go:build !amd64

package kernels

// Outside amd64 there is no assembly: the predicates are false, so the
// wrappers below are never called.

func rowsAsm(isa) bool { return false }
func vaddAsm(isa) bool { return false }

func copyRowsAVX512p(dst []float32, ds int, src []float32, ss int, rows, n int) {
	panic("unreachable")
}
func addRowsAVX512p(dst []float32, ds int, src []float32, ss int, rows, n int) {
	panic("unreachable")
}
func vaddp(dst, src []float32) { panic("unreachable") }

func dwTapsAsm(y []float32, ys, rows, n int, base []float32, bs int, offs []int, w []float32, accum bool) {
	panic("unreachable")
}

func dwGradWAsm(dy []float32, rows, n, dyStride int, base []float32, xStride int, offs []int, out []float32) {
	panic("unreachable")
}

func transPackp(dst []float32, ds int, src []float32, ld, rows, kc int) { panic("unreachable") }

func packBRowsp(dst []float32, ps int, src []float32, ld, kc, panels int) { panic("unreachable") }

func deinterleave2p(even, odd, src []float32, blocks int)  { panic("unreachable") }
func interleaveAdd2p(dst, even, odd []float32, blocks int) { panic("unreachable") }

func reluAsm(x, y []float32)                                         { panic("unreachable") }
func reluMaskAsm(dy, y, dx []float32, add bool)                      { panic("unreachable") }
func bnApplyAsm(x, y []float32, a, b float32)                        { panic("unreachable") }
func bnBackAsm(dy, x, dx []float32, k, mu, a, b float32, accum bool) { panic("unreachable") }
func bnMomentsAsm(x []float32, k float64) (s, q float64)             { panic("unreachable") }
func bnSumDotAsm(dy, x []float32, k float64) (s, d float64)          { panic("unreachable") }

func maxRowsAsm(dst []float32, ds int, a []float32, as int, b []float32, bs int, rows, n int) {
	panic("unreachable")
}
