package kernels

import (
	"fmt"
	"math/rand/v2"
)

// testGeoms returns convolution geometries covering kernels 1..5, strides
// 1..3, dilations 1..2, symmetric and asymmetric padding (bottom/right
// padding comes from the output size), odd sizes and 1x1 planes.
func testGeoms(rng *rand.Rand, n int) []ConvGeom {
	gs := []ConvGeom{
		mkGeom(16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
		mkGeom(32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
		mkGeom(32, 32, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1),
		mkGeom(17, 9, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1),
		mkGeom(17, 17, 5, 5, 2, 2, 2, 2, 1, 1, 1, 1),
		mkGeom(16, 16, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2), // dilated 3x3
		mkGeom(15, 15, 5, 5, 2, 2, 4, 4, 3, 3, 2, 2), // dilated 5x5 stride 2
		mkGeom(8, 8, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1),
		mkGeom(8, 8, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1),
		mkGeom(1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
		mkGeom(7, 40, 3, 7, 1, 1, 0, 3, 2, 0, 1, 1), // asymmetric
		mkGeom(5, 5, 3, 3, 1, 1, 3, 0, 0, 3, 1, 1),  // padding wider than the plane reach
	}
	for len(gs) < n {
		k := []int{1, 2, 3, 5}[rng.IntN(4)]
		k2 := []int{1, 2, 3, 5}[rng.IntN(4)]
		h, w := 1+rng.IntN(20), 1+rng.IntN(40)
		g := mkGeom(h, w, k, k2, 1+rng.IntN(3), 1+rng.IntN(3),
			rng.IntN(3), rng.IntN(3), rng.IntN(3), rng.IntN(3), 1+rng.IntN(2), 1+rng.IntN(2))
		if g.OH > 0 && g.OW > 0 {
			gs = append(gs, g)
		}
	}
	return gs
}

// mkGeom builds a geometry from input size, kernel, stride, top/left and
// bottom/right padding, and dilation.
func mkGeom(h, w, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw int) ConvGeom {
	return ConvGeom{
		KH: kh, KW: kw, SH: sh, SW: sw, PT: pt, PL: pl, DH: dh, DW: dw, H: h, W: w,
		OH: ConvOut(h, kh, sh, pt, pb, dh), OW: ConvOut(w, kw, sw, pl, pr, dw),
	}
}

func geomName(g ConvGeom) string {
	return fmt.Sprintf("%dx%d_k%dx%d_s%dx%d_p%d,%d_d%dx%d_o%dx%d", g.H, g.W, g.KH, g.KW, g.SH, g.SW, g.PT, g.PL, g.DH, g.DW, g.OH, g.OW)
}
