package nn

import "gonas/engine/kernels"

// ConvOpts are a convolution's stride, dilation, groups and padding. Zero
// strides, dilations and groups mean 1.
type ConvOpts struct {
	SH, SW int
	DH, DW int
	Groups int
	Pad    Pads
	// ReLUIn convolves relu(x) instead of x, without storing relu(x): the
	// ReLU is applied as each image or plane is read, and the gradient
	// reaching x is masked where the ReLU passes nothing (the ReLU's rule:
	// values with the sign bit set and zeros block it). Equal bit for bit
	// to ReLU followed by the convolution.
	ReLUIn bool
}

// Conv2d convolves x [N, Cin, H, W] with w [Cout, Cin/groups, KH, KW] and adds
// the optional bias b [Cout] (nil for none), giving [N, Cout, OH, OW].
// Each image is a GEMM W[Cout, Cin/g*KH*KW] x cols[Cin/g*KH*KW, OH*OW] per
// group writing NCHW directly, images split over the threads (convRun);
// 1x1 stride-1 unpadded convs skip im2col, and depthwise convs (groups ==
// Cin == Cout) run kernels.DepthwiseBatch and DepthwiseBackwardBatch.
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
	cv := convRun{c: c, g: g, n: N, cin: Cin, cout: Cout, groups: G, relu: o.ReLUIn}
	y := c.newOut([]int{N, Cout, OH, OW}, false, x, w, b)
	cv.forward(x.Data, w.Data, y.Data)
	if b != nil {
		hw := OH * OW
		forPlanes(N, Cout, len(y.Data), func(img, c0, c1 int) {
			for ch := c0; ch < c1; ch++ {
				row := y.Data[(img*Cout+ch)*hw:][:hw]
				kernels.BNApply(row, row, 1, b.Data[ch]) // row + bias, exactly
			}
		})
	}
	var keepX *Tensor
	if w.requiresGrad || o.ReLUIn && x.requiresGrad {
		keepX = x // dw reads it, and the ReLU's mask
	}
	c.record(y, func(dy []float32) {
		var dx, dw []float32
		fresh := false
		if x.requiresGrad {
			dx, fresh = c.gradOut(x)
		}
		if w.requiresGrad {
			dw = c.gradOf(w)
		}
		cv.backward(x.Data, w.Data, dy, dx, dw, fresh)
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
