package kernels

// dwTaps sets, for r < rows, y[r*ys : r*ys+n] (accum: adds to it) to
// sum_t w[t]*base[r*bs + offs[t] + i]. Offsets are non-negative and at most
// maxOff; the slicing below bounds-checks every access before the assembly
// runs.
func dwTaps(y []float32, ys, rows, n int, base []float32, bs int, offs []int, maxOff int, w []float32, accum bool) {
	if n <= 0 || rows <= 0 {
		return
	}
	y = y[:(rows-1)*ys+n]
	if len(offs) == 0 {
		if !accum {
			for r := 0; r < rows; r++ {
				clear(y[r*ys : r*ys+n])
			}
		}
		return
	}
	base = base[:(rows-1)*bs+maxOff+n]
	w = w[:len(offs)]
	if rowsAsm(activeISA()) {
		dwTapsAsm(y, ys, rows, n, base, bs, offs, w, accum)
		return
	}
	for r := 0; r < rows; r++ {
		dwTapsRow(y[r*ys:r*ys+n], base[r*bs:], offs, w, accum)
	}
}

func dwTapsRow(y []float32, base []float32, offs []int, w []float32, accum bool) {
	n := len(y)
	if !accum {
		clear(y)
	}
	t := 0
	for ; t+3 <= len(offs); t += 3 {
		s0 := base[offs[t] : offs[t]+n]
		s1 := base[offs[t+1] : offs[t+1]+n]
		s2 := base[offs[t+2] : offs[t+2]+n]
		w0, w1, w2 := w[t], w[t+1], w[t+2]
		for i := range y {
			y[i] += w0*s0[i] + w1*s1[i] + w2*s2[i]
		}
	}
	for ; t < len(offs); t++ {
		s0 := base[offs[t] : offs[t]+n]
		w0 := w[t]
		for i := range y {
			y[i] += w0 * s0[i]
		}
	}
}

// dwGradW adds to out[t] the sum over the rows x n block of dy (row stride
// dyStride) times the block of base at offs[t] (row stride xStride).
func dwGradW(dy []float32, rows, n, dyStride int, base []float32, xStride int, offs []int, maxOff int, out []float32) {
	if rows <= 0 || n <= 0 || len(offs) == 0 {
		return
	}
	dy = dy[:(rows-1)*dyStride+n]
	base = base[:maxOff+(rows-1)*xStride+n]
	out = out[:len(offs)]
	if rowsAsm(activeISA()) {
		dwGradWAsm(dy, rows, n, dyStride, base, xStride, offs, out)
		return
	}
	for t, o := range offs {
		var s0, s1, s2, s3 float32
		for r := 0; r < rows; r++ {
			d := dy[r*dyStride : r*dyStride+n]
			x := base[o+r*xStride : o+r*xStride+n]
			i := 0
			for ; i+4 <= n; i += 4 {
				s0 += d[i] * x[i]
				s1 += d[i+1] * x[i+1]
				s2 += d[i+2] * x[i+2]
				s3 += d[i+3] * x[i+3]
			}
			for ; i < n; i++ {
				s0 += d[i] * x[i]
			}
		}
		out[t] += (s0 + s1) + (s2 + s3)
	}
}
