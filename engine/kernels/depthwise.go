package kernels

// DepthwiseBatch is Depthwise over n images of c channels (x, y in NCHW),
// all sharing w.
//
// Direct loops: each plane is zero-padded (and split by column phase for
// stride > 1) once, then one call of a row kernel sums the KH*KW shifted
// rows of every output row (AVX-512 with masked tails and 3x3 / 5x5
// unrolled, or Go). The n*c planes are split over Threads() goroutines.
// It panics on a bad geometry or short slices.
func DepthwiseBatch(x, w []float32, n, c int, g ConvGeom, y []float32) {
	depthwiseBatch(x, w, n, c, g, y, false)
}

// DepthwiseReLUBatch is DepthwiseBatch of relu(x): each plane's ReLU is
// applied as it is padded, and relu(x) is never stored.
func DepthwiseReLUBatch(x, w []float32, n, c int, g ConvGeom, y []float32) {
	depthwiseBatch(x, w, n, c, g, y, true)
}

func depthwiseBatch(x, w []float32, n, c int, g ConvGeom, y []float32, relu bool) {
	checkDepthwise("Depthwise", n, c, g, x, w, y, nil)
	j := newPlaneJob(jobDWFwd)
	j.x, j.w, j.c, j.g, j.y, j.relu = x, w, c, g, y, relu
	j.run(n*c, n*c*g.OH*g.OW*g.KH*g.KW)
}

func checkDepthwise(fn string, n, c int, g ConvGeom, x, w, y, dy []float32) {
	checkGeom(fn, c, g)
	if n < 0 {
		panic("kernels: " + fn + ": negative image count")
	}
	checkLen(fn, "x", x, n*c*g.H*g.W)
	checkLen(fn, "w", w, c*g.KH*g.KW)
	if y != nil {
		checkLen(fn, "y", y, n*c*g.OH*g.OW)
	}
	if dy != nil {
		checkLen(fn, "dy", dy, n*c*g.OH*g.OW)
	}
}

func depthwisePlanes(x, w []float32, c int, g ConvGeom, y []float32, relu bool, lo, hi int) {
	s := getDWScratch(g)
	defer dwScratchPool.put(s)
	p := &s.plan
	kk := g.KH * g.KW
	in, out := g.H*g.W, g.OH*g.OW
	for pl := lo; pl < hi; pl++ {
		ch := pl % c
		xp := p.padInput(x[pl*in:(pl+1)*in], s.xp, relu)
		wc := w[ch*kk : (ch+1)*kk]
		yc := y[pl*out : (pl+1)*out]
		dwTaps(yc, g.OW, g.OH, g.OW, xp, g.SH*p.wq, p.fwd, p.fwdMax, wc, false)
	}
}

// DepthwiseBackwardBatch is DepthwiseBackward over n images (NCHW) sharing
// w: dw sums over the images in image order.
//
// The data gradient is gathered: each dx row is the sum of the dy rows
// (padded once per plane) that reach it, weighted by the matching taps; all
// rows of one class (row mod stride) share one tap list, so a plane takes
// one row-kernel call per class. The weight gradient is one dot product per
// tap over the plane. With dw the channels are split over Threads()
// goroutines, without it the n*c planes; every dx and dw element has one
// writer, so the sums do not depend on the thread count.
func DepthwiseBackwardBatch(x, w, dy []float32, n, c int, g ConvGeom, dx, dw []float32) {
	depthwiseBackwardBatch(x, w, dy, n, c, g, dx, dw, false)
}

// DepthwiseReLUBackwardBatch is the backward of DepthwiseReLUBatch: dw
// from relu(x), recomputed per plane, and dx the gradient with respect to
// x itself (masked where the ReLU passes nothing), added to dx.
func DepthwiseReLUBackwardBatch(x, w, dy []float32, n, c int, g ConvGeom, dx, dw []float32) {
	depthwiseBackwardBatch(x, w, dy, n, c, g, dx, dw, true)
}

func depthwiseBackwardBatch(x, w, dy []float32, n, c int, g ConvGeom, dx, dw []float32, relu bool) {
	checkDepthwise("DepthwiseBackward", n, c, g, x, w, nil, dy)
	if dx != nil {
		checkLen("DepthwiseBackward", "dx", dx, n*c*g.H*g.W)
	}
	if dw != nil {
		checkLen("DepthwiseBackward", "dw", dw, c*g.KH*g.KW)
	}
	if dx == nil && dw == nil {
		return
	}
	work := n * c * g.OH * g.OW * g.KH * g.KW
	j := newPlaneJob(jobDWBwd)
	j.x, j.w, j.dy, j.n, j.c, j.g, j.dx, j.dw, j.relu = x, w, dy, n, c, g, dx, dw, relu
	if dw == nil {
		j.kind = jobDWBwdData
		j.run(n*c, work)
		return
	}
	j.run(c, work)
}

// dwBackwardPlane does plane pl (image pl/c, channel pl%c), of relu(x) with
// relu: the plane's input gradient goes through the ReLU's mask.
func dwBackwardPlane(s *dwScratch, x, w, dy []float32, c, pl int, dx, dw []float32, relu bool) {
	p := &s.plan
	g := p.g
	kk := g.KH * g.KW
	ch := pl % c
	in, out := g.H*g.W, g.OH*g.OW
	dyc := dy[pl*out : (pl+1)*out]
	if dw != nil && out > 0 {
		xp := p.padInput(x[pl*in:(pl+1)*in], s.xp, relu)
		dwGradW(dyc, g.OH, g.OW, g.OW, xp, g.SH*p.wq, p.fwd, p.fwdMax, dw[ch*kk:(ch+1)*kk])
	}
	if dx == nil || out == 0 {
		return
	}
	wc := w[ch*kk : (ch+1)*kk]
	dxc := dx[pl*in : (pl+1)*in]
	if relu {
		// The gradient of relu(x) into a clear plane, masked into dx.
		dxr := s.dxr[:in]
		clear(dxr)
		defer ReLUMaskAdd(dxr, x[pl*in:(pl+1)*in], dxc)
		dxc = dxr
	}
	dyp := p.padGrad(dyc, s.dyp)
	for i, t := range p.bwdTap {
		s.w[i] = wc[t]
	}
	for rho := 0; rho < g.SH; rho++ {
		// dx rows iy with (iy + PT) mod SH == rho; padded row r = iy + PT
		// reads from base row m = (r - rho) / SH.
		iy0 := ((rho-g.PT)%g.SH + g.SH) % g.SH
		if iy0 >= g.H {
			continue
		}
		m0 := (iy0 + g.PT - rho) / g.SH
		rows := (g.H - iy0 + g.SH - 1) / g.SH
		if g.SW == 2 {
			dwBackwardRowsSW2(s, dyp, rho, iy0, m0, rows, dxc)
			continue
		}
		for q := 0; q < g.SW; q++ {
			cl := rho*g.SW + q
			t0, t1 := p.bwdStart[cl], p.bwdStart[cl+1]
			if t0 == t1 {
				continue
			}
			offs, ws, maxOff := p.bwdOff[t0:t1], s.w[t0:t1], p.bwdMax[cl]
			if g.SW == 1 {
				dwTaps(dxc[iy0*g.W:], g.SH*g.W, rows, g.W, dyp[m0*p.wd:], p.wd, offs, maxOff, ws, true)
				continue
			}
			// Column phase q: all rows of the class into tmp, then add
			// every SW-th dx column.
			c0, c1 := validRange(q-g.PL, g.SW, g.W, p.wq)
			if c0 >= c1 {
				continue
			}
			nc := c1 - c0
			dwTaps(s.tmp, nc, rows, nc, dyp[m0*p.wd+c0:], p.wd, offs, maxOff, ws, false)
			ix0 := c0*g.SW + q - g.PL
			for i := 0; i < rows; i++ {
				iy := iy0 + i*g.SH
				row := dxc[iy*g.W+ix0 : iy*g.W+ix0+(nc-1)*g.SW+1]
				for j, v := range s.tmp[i*nc : (i+1)*nc] {
					row[j*g.SW] += v
				}
			}
		}
	}
}

// dwBackwardRowsSW2 is the data gradient of the rows of class rho for
// column stride 2: both column phases of every row go into tmp, then one
// interleaving pass adds them to the dx rows.
func dwBackwardRowsSW2(s *dwScratch, dyp []float32, rho, iy0, m0, rows int, dxc []float32) {
	p := &s.plan
	g := p.g
	ph := rows * p.wq
	for q := 0; q < 2; q++ {
		cl := rho*2 + q
		t0, t1 := p.bwdStart[cl], p.bwdStart[cl+1]
		dwTaps(s.tmp[q*ph:], p.wq, rows, p.wq, dyp[m0*p.wd:], p.wd, p.bwdOff[t0:t1], p.bwdMax[cl], s.w[t0:t1], false)
	}
	pe, po := g.PL&1, (g.PL+1)&1
	for i := 0; i < rows; i++ {
		iy := iy0 + i*g.SH
		even := s.tmp[pe*ph+i*p.wq+g.PL>>1 : pe*ph+(i+1)*p.wq]
		odd := s.tmp[po*ph+i*p.wq+(g.PL+1)>>1 : po*ph+(i+1)*p.wq]
		interleaveAdd2(dxc[iy*g.W:(iy+1)*g.W], even, odd)
	}
}
