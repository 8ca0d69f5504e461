package kernels

// Slice wrappers around the generated assembly. Callers have already
// bounds-checked every access (see rows.go, relurows.go, bnrows.go,
// sgemm_pack.go, depthwise_rows.go and interleave.go); here the slices only
// provide the base pointers.

// rowsAsm reports whether the AVX-512 row, ReLU, batch-norm, packing and
// depthwise kernels serve level i; vaddAsm whether the AVX2 vector add does.
func rowsAsm(i isa) bool { return i == isaAVX512 }
func vaddAsm(i isa) bool { return i >= isaAVX2 }

func copyRowsAVX512p(dst []float32, ds int, src []float32, ss int, rows, n int) {
	copyRowsAVX512(&dst[0], ds, &src[0], ss, rows, n)
}

func addRowsAVX512p(dst []float32, ds int, src []float32, ss int, rows, n int) {
	addRowsAVX512(&dst[0], ds, &src[0], ss, rows, n)
}

func vaddp(dst, src []float32) { vaddAVX2(&dst[0], &src[0], len(src)) }

func dwTapsAsm(y []float32, ys, rows, n int, base []float32, bs int, offs []int, w []float32, accum bool) {
	a := 0
	if accum {
		a = 1
	}
	switch len(offs) {
	case 9:
		dwTaps9AVX512(&y[0], ys, rows, n, &base[0], bs, &offs[0], &w[0], 9, a)
	case 25:
		dwTaps25AVX512(&y[0], ys, rows, n, &base[0], bs, &offs[0], &w[0], 25, a)
	default:
		dwTapsAVX512(&y[0], ys, rows, n, &base[0], bs, &offs[0], &w[0], len(offs), a)
	}
}

func dwGradWAsm(dy []float32, rows, n, dyStride int, base []float32, xStride int, offs []int, out []float32) {
	switch len(offs) {
	case 9:
		dwGradW9AVX512(&dy[0], rows, n, dyStride, &base[0], xStride, &offs[0], 9, &out[0])
	case 25:
		dwGradW25AVX512(&dy[0], rows, n, dyStride, &base[0], xStride, &offs[0], 25, &out[0])
	default:
		dwGradWAVX512(&dy[0], rows, n, dyStride, &base[0], xStride, &offs[0], len(offs), &out[0])
	}
}

func transPackp(dst []float32, ds int, src []float32, ld, rows, kc int) {
	transPackAVX512(&dst[0], ds, &src[0], ld, rows, kc)
}

func packBRowsp(dst []float32, ps int, src []float32, ld, kc, panels int) {
	packBRowsAVX512(&dst[0], ps, &src[0], ld, kc, panels)
}

func deinterleave2p(even, odd, src []float32, blocks int) {
	_, _, _ = even[16*blocks-1], odd[16*blocks-1], src[32*blocks-1]
	deinterleave2AVX512(&even[0], &odd[0], &src[0], blocks)
}

func interleaveAdd2p(dst, even, odd []float32, blocks int) {
	_, _, _ = even[16*blocks-1], odd[16*blocks-1], dst[32*blocks-1]
	interleaveAdd2AVX512(&dst[0], &even[0], &odd[0], blocks)
}

func reluAsm(x, y []float32) { reluAVX512(&x[0], &y[0], len(x)) }

func reluMaskAsm(dy, y, dx []float32, add bool) {
	if add {
		reluMaskAddAVX512(&dy[0], &y[0], &dx[0], len(dy))
		return
	}
	reluMaskAVX512(&dy[0], &y[0], &dx[0], len(dy))
}

func bnApplyAsm(x, y []float32, a, b float32) { bnApplyAVX512(&x[0], &y[0], len(x), a, b) }

func bnBackAsm(dy, x, dx []float32, k, mu, a, b float32, accum bool) {
	if accum {
		bnBackAddAVX512(&dy[0], &x[0], &dx[0], len(dy), k, mu, a, b)
		return
	}
	bnBackAVX512(&dy[0], &x[0], &dx[0], len(dy), k, mu, a, b)
}

func bnMomentsAsm(x []float32, k float64) (s, q float64) { return bnMomentsAVX512(&x[0], len(x), k) }

func bnSumDotAsm(dy, x []float32, k float64) (s, d float64) {
	return bnSumDotAVX512(&dy[0], &x[0], len(dy), k)
}

func maxRowsAsm(dst []float32, ds int, a []float32, as int, b []float32, bs int, rows, n int) {
	maxRowsAVX512(&dst[0], ds, &a[0], as, &b[0], bs, rows, n)
}
