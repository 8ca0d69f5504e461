package kernels

// The values-only max pool of inference: the 3x3 windows with padding 1 of
// the DARTS pools, stride 1 or 2 (stride 2 on even planes), as whole-row
// vector passes (maxRows) over a plane: the horizontal pass takes each
// window's row maximum, the vertical pass the maximum over the window's
// rows. maxRows keeps the key path's rules (the first of equal maxima, a
// NaN above every number, the first NaN), so the values equal maxPlane's
// bit for bit (TestFastMaxPoolMatchesKeys).

// fastMaxPool tells whether maxPlaneFast handles geometry g.
func fastMaxPool(g ConvGeom) bool {
	if !rowsAsm(activeISA()) || g.KH != 3 || g.KW != 3 || g.PT != 1 || g.PL != 1 || g.DH != 1 || g.DW != 1 || g.SH != g.SW {
		return false
	}
	switch g.SH {
	case 1:
		return g.H >= 2 && g.W >= 2 && g.OH == g.H && g.OW == g.W
	case 2:
		return g.H >= 2 && g.W >= 2 && g.H%2 == 0 && g.W%2 == 0 && g.OH == g.H/2 && g.OW == g.W/2
	}
	return false
}

// maxRows sets rows rows of n values of dst (row stride ds) to the
// window-order maximum of the rows of a (earlier) and b (later).
func maxRows(dst []float32, ds int, a []float32, as int, b []float32, bs int, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	_, _, _ = dst[(rows-1)*ds+n-1], a[(rows-1)*as+n-1], b[(rows-1)*bs+n-1]
	maxRowsAsm(dst, ds, a, as, b, bs, rows, n)
}

// maxPlaneFast pools one plane xs into ys; g must satisfy fastMaxPool.
func (s *poolScratch) maxPlaneFast(xs, ys []float32) {
	g := &s.g
	h, w, ow := g.H, g.W, g.OW
	hs := grow(s.hs, h*ow) // row maxima, h rows of ow
	if g.SW == 1 {
		// hs[ox] = max(x[ox-1], x[ox], x[ox+1]) within the row.
		maxRows(hs[1:], w, xs, w, xs[1:], w, h, w-1)
		maxRows(hs[1:], w, hs[1:], w, xs[2:], w, h, w-2)
		maxRows(hs, w, xs, w, xs[1:], w, h, 1)
	} else {
		// Columns 2ox-1, 2ox, 2ox+1 are odd[ox-1], even[ox], odd[ox].
		even, odd := grow(s.t, h*ow), grow(s.ev, h*ow)
		s.t, s.ev = even, odd
		deinterleave2(even, odd, xs[:h*w])
		maxRows(hs[1:], ow, odd, ow, even[1:], ow, h, ow-1)
		maxRows(hs[1:], ow, hs[1:], ow, odd[1:], ow, h, ow-1)
		maxRows(hs, ow, even, ow, odd, ow, h, 1)
	}
	s.hs = hs
	if g.SH == 1 {
		maxRows(ys[ow:], ow, hs, ow, hs[ow:], ow, h-1, ow)
		maxRows(ys[ow:], ow, ys[ow:], ow, hs[2*ow:], ow, h-2, ow)
	} else if g.OH > 1 {
		// Rows 2oy-1, 2oy, 2oy+1.
		maxRows(ys[ow:], ow, hs[ow:], 2*ow, hs[2*ow:], 2*ow, g.OH-1, ow)
		maxRows(ys[ow:], ow, ys[ow:], ow, hs[3*ow:], 2*ow, g.OH-1, ow)
	}
	maxRows(ys, ow, hs, ow, hs[ow:], ow, 1, ow)
}
