package kernels

// copyRows copies the rows x n block src (row stride ss) to dst (row stride
// ds); addRows adds it. Slicing up front bounds-checks the whole block.
func copyRows(dst []float32, ds int, src []float32, ss int, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	dst = dst[:(rows-1)*ds+n]
	src = src[:(rows-1)*ss+n]
	if rowsAsm(activeISA()) {
		copyRowsAVX512p(dst, ds, src, ss, rows, n)
		return
	}
	for r := 0; r < rows; r++ {
		copy(dst[r*ds:r*ds+n], src[r*ss:r*ss+n])
	}
}

func addRows(dst []float32, ds int, src []float32, ss int, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	dst = dst[:(rows-1)*ds+n]
	src = src[:(rows-1)*ss+n]
	if rowsAsm(activeISA()) {
		addRowsAVX512p(dst, ds, src, ss, rows, n)
		return
	}
	for r := 0; r < rows; r++ {
		addTo(dst[r*ds:r*ds+n], src[r*ss:r*ss+n])
	}
}

// addTo adds src to dst element-wise (len(src) <= len(dst)).
func addTo(dst, src []float32) {
	if len(src) == 0 {
		return
	}
	dst = dst[:len(src)]
	if vaddAsm(activeISA()) {
		vaddp(dst, src)
		return
	}
	for i, v := range src {
		dst[i] += v
	}
}
