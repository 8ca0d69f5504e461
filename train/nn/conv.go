package nn

import "gonas/train/kernels"

// ConvOpts are a convolution's stride, dilation, groups and padding. Zero
// strides, dilations and groups mean 1.
type ConvOpts struct {
	SH, SW int
	DH, DW int
	Groups int
	Pad    Pads
}

// Conv2d convolves x [N, Cin, H, W] with w [Cout, Cin/groups, KH, KW] and adds
// the optional bias b [Cout] (nil for none), giving [N, Cout, OH, OW].
// Each image is a GEMM W[Cout, Cin/g*KH*KW] x cols[Cin/g*KH*KW, OH*OW] per
// group writing NCHW directly; 1x1 stride-1 unpadded convs skip im2col, and
// depthwise convs (groups == Cin == Cout) run kernels.Depthwise.
func Conv2d(c *Ctx, x, w, b *Tensor, o ConvOpts) *Tensor {
	if !c.check("conv2d", x, w) || b != nil && !c.check("conv2d bias", b) {
		return c.fail("conv2d: bad input")
	}
	if len(x.Shape) != 4 || len(w.Shape) != 4 {
		return c.fail("conv2d: input %v and weight %v must be 4-D", x.Shape, w.Shape)
	}
	o.SH, o.SW, o.DH, o.DW, o.Groups = one(o.SH), one(o.SW), one(o.DH), one(o.DW), one(o.Groups)
	N, Cin, H, W := x.Dims4()
	Cout, KH, KW, G := w.Shape[0], w.Shape[2], w.Shape[3], o.Groups
	p := o.Pad
	switch {
	case o.SH < 0 || o.SW < 0 || o.DH < 0 || o.DW < 0 || G < 0:
		return c.fail("conv2d: negative stride, dilation or groups in %+v", o)
	case p.T < 0 || p.L < 0 || p.B < 0 || p.R < 0:
		return c.fail("conv2d: negative padding %+v", p)
	case Cin%G != 0 || Cout%G != 0 || w.Shape[1] != Cin/G:
		return c.fail("conv2d: weight %v does not fit %d input channels in %d groups", w.Shape, Cin, G)
	case b != nil && (len(b.Shape) != 1 || b.Shape[0] != Cout):
		return c.fail("conv2d: bias %v does not match %d output channels", b.Shape, Cout)
	}
	OH, OW := OutSize(H, KH, o.SH, o.DH, p.T, p.B), OutSize(W, KW, o.SW, o.DW, p.L, p.R)
	if OH <= 0 || OW <= 0 || KH <= 0 || KW <= 0 {
		return c.fail("conv2d: kernel %dx%d %+v does not fit input %v", KH, KW, o, x.Shape)
	}
	g := kernels.ConvGeom{KH: KH, KW: KW, SH: o.SH, SW: o.SW, PT: p.T, PL: p.L, DH: o.DH, DW: o.DW, H: H, W: W, OH: OH, OW: OW}
	cv := convRun{c: c, g: g, n: N, cin: Cin, cout: Cout, groups: G}
	y := c.newOut([]int{N, Cout, OH, OW}, false, x, w, b)
	cv.forward(x.Data, w.Data, y.Data)
	if b != nil {
		hw := OH * OW
		forPlanes(N, Cout, len(y.Data), func(img, c0, c1 int) {
			for ch := c0; ch < c1; ch++ {
				bv, row := b.Data[ch], y.Data[(img*Cout+ch)*hw:][:hw]
				for i := range row {
					row[i] += bv
				}
			}
		})
	}
	var keepX *Tensor
	if w.requiresGrad {
		keepX = x
	}
	c.record(y, func(dy []float32) {
		var dx, dw []float32
		if x.requiresGrad {
			dx = c.gradOf(x)
		}
		if w.requiresGrad {
			dw = c.gradOf(w)
		}
		cv.backward(x.Data, w.Data, dy, dx, dw)
		if b != nil && b.requiresGrad {
			biasGrad(dy, N, Cout, OH*OW, c.gradOf(b))
		}
	}, keepX)
	return y
}

// biasGrad adds the per-channel sums of dy [n, ch, hw] to db, images in order.
func biasGrad(dy []float32, n, ch, hw int, db []float32) {
	parallel(ch, n*ch*hw, func(lo, hi int) {
		for co := lo; co < hi; co++ {
			var s float64
			for img := 0; img < n; img++ {
				s += sum32(dy[(img*ch+co)*hw:][:hw])
			}
			db[co] += float32(s)
		}
	})
}

// convRun holds one convolution's sizes for its forward and backward.
type convRun struct {
	c                    *Ctx
	g                    kernels.ConvGeom
	n, cin, cout, groups int
}

func (r *convRun) depthwise() bool { return r.groups == r.cin && r.cout == r.cin }

func (r *convRun) pointwise() bool {
	g := r.g
	return g.KH == 1 && g.KW == 1 && g.SH == 1 && g.SW == 1 && g.PT == 0 && g.PL == 0 && g.OH == g.H && g.OW == g.W
}

func (r *convRun) forward(x, w, y []float32) {
	g := r.g
	hw, ohw, kk := g.H*g.W, g.OH*g.OW, g.KH*g.KW
	cig, cog := r.cin/r.groups, r.cout/r.groups
	switch {
	case r.depthwise():
		forPlanes(r.n, r.cin, r.n*r.cin*ohw*kk, func(img, c0, c1 int) {
			kernels.Depthwise(x[(img*r.cin+c0)*hw:(img*r.cin+c1)*hw], w[c0*kk:c1*kk], c1-c0, g,
				y[(img*r.cout+c0)*ohw:(img*r.cout+c1)*ohw])
		})
	case r.pointwise():
		for img := 0; img < r.n; img++ {
			xi, yi := x[img*r.cin*hw:], y[img*r.cout*hw:]
			for gi := 0; gi < r.groups; gi++ {
				kernels.Sgemm(false, false, cog, hw, cig, 1, w[gi*cog*cig:], cig, xi[gi*cig*hw:], hw, 0, yi[gi*cog*hw:], hw)
			}
		}
	default:
		k := cig * kk
		cols := r.c.temp(r.cin*kk*ohw, false)
		for img := 0; img < r.n; img++ {
			r.im2col(x[img*r.cin*hw:(img+1)*r.cin*hw], cols)
			yi := y[img*r.cout*ohw:]
			for gi := 0; gi < r.groups; gi++ {
				kernels.Sgemm(false, false, cog, ohw, k, 1, w[gi*cog*k:], k, cols[gi*k*ohw:], ohw, 0, yi[gi*cog*ohw:], ohw)
			}
		}
		r.c.pool.put(cols)
	}
}

// im2col unrolls one image, channels split across threads.
func (r *convRun) im2col(x, cols []float32) {
	g := r.g
	hw, rows := g.H*g.W, g.KH*g.KW*g.OH*g.OW
	parallel(r.cin, r.cin*rows, func(lo, hi int) {
		kernels.Im2col(x[lo*hw:hi*hw], hi-lo, g, cols[lo*rows:hi*rows])
	})
}

// col2im accumulates one image's column gradient into dx.
func (r *convRun) col2im(cols, dx []float32) {
	g := r.g
	hw, rows := g.H*g.W, g.KH*g.KW*g.OH*g.OW
	parallel(r.cin, r.cin*rows, func(lo, hi int) {
		kernels.Col2im(cols[lo*rows:hi*rows], hi-lo, g, dx[lo*hw:hi*hw])
	})
}

// backward adds the input gradient to dx and the weight gradient to dw
// (either may be nil). Weight gradients are accumulated image by image in
// order, so they do not depend on the thread count.
func (r *convRun) backward(x, w, dy, dx, dw []float32) {
	g := r.g
	hw, ohw, kk := g.H*g.W, g.OH*g.OW, g.KH*g.KW
	cig, cog := r.cin/r.groups, r.cout/r.groups
	switch {
	case r.depthwise():
		// Without a weight gradient x was not kept; the kernel only reads x
		// for dw, but wants a slice of the right length.
		var blank []float32
		if dw == nil {
			blank = r.c.temp(r.cin*hw, false)
			defer r.c.pool.put(blank)
		}
		parallel(r.cin, r.n*r.cin*ohw*kk*2, func(c0, c1 int) {
			for img := 0; img < r.n; img++ {
				var xs, dxs, dws []float32
				if dw != nil {
					xs, dws = x[(img*r.cin+c0)*hw:(img*r.cin+c1)*hw], dw[c0*kk:c1*kk]
				} else {
					xs = blank[c0*hw : c1*hw]
				}
				if dx != nil {
					dxs = dx[(img*r.cin+c0)*hw : (img*r.cin+c1)*hw]
				}
				kernels.DepthwiseBackward(xs, w[c0*kk:c1*kk], dy[(img*r.cout+c0)*ohw:(img*r.cout+c1)*ohw], c1-c0, g, dxs, dws)
			}
		})
	case r.pointwise():
		for img := 0; img < r.n; img++ {
			dyi := dy[img*r.cout*hw:]
			for gi := 0; gi < r.groups; gi++ {
				if dw != nil {
					xi := x[img*r.cin*hw:]
					kernels.Sgemm(false, true, cog, cig, hw, 1, dyi[gi*cog*hw:], hw, xi[gi*cig*hw:], hw, 1, dw[gi*cog*cig:], cig)
				}
				if dx != nil {
					dxi := dx[img*r.cin*hw:]
					kernels.Sgemm(true, false, cig, hw, cog, 1, w[gi*cog*cig:], cig, dyi[gi*cog*hw:], hw, 1, dxi[gi*cig*hw:], hw)
				}
			}
		}
	default:
		k := cig * kk
		cols := r.c.temp(r.cin*kk*ohw, false)
		for img := 0; img < r.n; img++ {
			dyi := dy[img*r.cout*ohw:]
			if dw != nil {
				r.im2col(x[img*r.cin*hw:(img+1)*r.cin*hw], cols)
				for gi := 0; gi < r.groups; gi++ {
					kernels.Sgemm(false, true, cog, k, ohw, 1, dyi[gi*cog*ohw:], ohw, cols[gi*k*ohw:], ohw, 1, dw[gi*cog*k:], k)
				}
			}
			if dx != nil {
				for gi := 0; gi < r.groups; gi++ {
					kernels.Sgemm(true, false, k, ohw, cog, 1, w[gi*cog*k:], k, dyi[gi*cog*ohw:], ohw, 0, cols[gi*k*ohw:], ohw)
				}
				r.col2im(cols, dx[img*r.cin*hw:(img+1)*r.cin*hw])
			}
		}
		r.c.pool.put(cols)
	}
}
