package kernels

// minParallelFloats: a copy-like kernel over fewer floats than this runs on
// one goroutine.
const minParallelFloats = 1 << 15

// im2col implements Im2col. A 1x1 kernel with stride 1 and no padding
// needs no im2col at all: x is already the [c, H*W] matrix, so callers
// should pass it to Sgemm directly.
//
// For each (channel, ki, kj) the valid output rows and columns are computed
// once; stride-1 rows are block copies, everything else is zero-filled in
// bulk. Channels are split over Threads() goroutines for large inputs.
// It panics on a bad geometry or short slices.
func im2col(x []float32, c int, g ConvGeom, cols []float32) {
	checkGeom("Im2col", c, g)
	checkLen("Im2col", "x", x, c*g.H*g.W)
	checkLen("Im2col", "cols", cols, c*g.KH*g.KW*g.OH*g.OW)
	j := newPlaneJob(jobIm2col)
	j.x, j.g, j.cols = x, g, cols
	j.run(c, c*g.KH*g.KW*g.OH*g.OW)
}

func im2colChannels(x []float32, g ConvGeom, cols []float32, lo, hi int) {
	n := g.OH * g.OW
	plane := g.H * g.W
	for ch := lo; ch < hi; ch++ {
		xp := x[ch*plane : (ch+1)*plane]
		for ki := 0; ki < g.KH; ki++ {
			oy0, oy1 := validRange(ki*g.DH-g.PT, g.SH, g.H, g.OH)
			for kj := 0; kj < g.KW; kj++ {
				row := cols[((ch*g.KH+ki)*g.KW+kj)*n : ((ch*g.KH+ki)*g.KW+kj+1)*n]
				ox0, ox1 := validRange(kj*g.DW-g.PL, g.SW, g.W, g.OW)
				if oy0 >= oy1 || ox0 >= ox1 {
					clear(row)
					continue
				}
				if ox0 > 0 || ox1 < g.OW {
					clear(row) // one bulk clear beats a short one per row
				} else {
					clear(row[:oy0*g.OW])
					clear(row[oy1*g.OW:])
				}
				iy0 := oy0*g.SH - g.PT + ki*g.DH
				ix0 := ox0*g.SW - g.PL + kj*g.DW
				src := xp[iy0*g.W+ix0:]
				dst := row[oy0*g.OW+ox0:]
				if g.SW == 1 {
					copyRows(dst, g.OW, src, g.SH*g.W, oy1-oy0, ox1-ox0)
					continue
				}
				for oy := 0; oy < oy1-oy0; oy++ {
					d := dst[oy*g.OW : oy*g.OW+ox1-ox0]
					s := src[oy*g.SH*g.W:]
					for i := range d {
						d[i] = s[i*g.SW]
					}
				}
			}
		}
	}
}

// col2im implements Col2im: padded positions are dropped. Channels are split over
// Threads() goroutines (each dx plane has one writer, so the sums do not
// depend on the thread count). It panics on a bad geometry or short
// slices.
func col2im(cols []float32, c int, g ConvGeom, dx []float32) {
	checkGeom("Col2im", c, g)
	checkLen("Col2im", "dx", dx, c*g.H*g.W)
	checkLen("Col2im", "cols", cols, c*g.KH*g.KW*g.OH*g.OW)
	j := newPlaneJob(jobCol2im)
	j.cols, j.g, j.dx = cols, g, dx
	j.run(c, c*g.KH*g.KW*g.OH*g.OW)
}

func col2imChannels(cols []float32, g ConvGeom, dx []float32, lo, hi int) {
	n := g.OH * g.OW
	plane := g.H * g.W
	for ch := lo; ch < hi; ch++ {
		xp := dx[ch*plane : (ch+1)*plane]
		for ki := 0; ki < g.KH; ki++ {
			oy0, oy1 := validRange(ki*g.DH-g.PT, g.SH, g.H, g.OH)
			for kj := 0; kj < g.KW; kj++ {
				ox0, ox1 := validRange(kj*g.DW-g.PL, g.SW, g.W, g.OW)
				if oy0 >= oy1 || ox0 >= ox1 {
					continue
				}
				row := cols[((ch*g.KH+ki)*g.KW+kj)*n : ((ch*g.KH+ki)*g.KW+kj+1)*n]
				iy0 := oy0*g.SH - g.PT + ki*g.DH
				ix0 := ox0*g.SW - g.PL + kj*g.DW
				dst := xp[iy0*g.W+ix0:]
				src := row[oy0*g.OW+ox0:]
				if g.SW == 1 {
					addRows(dst, g.SH*g.W, src, g.OW, oy1-oy0, ox1-ox0)
					continue
				}
				for oy := 0; oy < oy1-oy0; oy++ {
					s := src[oy*g.OW : oy*g.OW+ox1-ox0]
					d := dst[oy*g.SH*g.W:]
					for i, v := range s {
						d[i*g.SW] += v
					}
				}
			}
		}
	}
}
