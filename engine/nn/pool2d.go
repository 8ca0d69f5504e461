package nn

import "gonas/engine/kernels"

// PoolOpts are a pooling window, stride (0 means the kernel size, as in
// PyTorch) and padding. Padding may be at most half the kernel, as PyTorch
// requires, so every window sees at least one input.
type PoolOpts struct {
	KH, KW int
	SH, SW int
	Pad    Pads
}

type poolGeom struct {
	n, c, h, w, oh, ow int
	o                  PoolOpts
}

func (c *Ctx) poolSetup(op string, x *Tensor, o PoolOpts) (poolGeom, bool) {
	if !c.check(op, x) {
		return poolGeom{}, false
	}
	if len(x.Shape) != 4 {
		c.fail("%s: input %v must be 4-D", op, x.Shape)
		return poolGeom{}, false
	}
	if o.SH == 0 {
		o.SH = o.KH
	}
	if o.SW == 0 {
		o.SW = o.KW
	}
	p := o.Pad
	if o.KH <= 0 || o.KW <= 0 || o.SH <= 0 || o.SW <= 0 {
		c.fail("%s: kernel %dx%d and stride %dx%d must be positive", op, o.KH, o.KW, o.SH, o.SW)
		return poolGeom{}, false
	}
	if p.T < 0 || p.L < 0 || p.B < 0 || p.R < 0 || 2*max(p.T, p.B) > o.KH || 2*max(p.L, p.R) > o.KW {
		c.fail("%s: padding %+v must be between 0 and half the kernel %dx%d", op, p, o.KH, o.KW)
		return poolGeom{}, false
	}
	n, ch, h, w := x.Dims4()
	g := poolGeom{n: n, c: ch, h: h, w: w, o: o,
		oh: OutSize(h, o.KH, o.SH, 1, p.T, p.B), ow: OutSize(w, o.KW, o.SW, 1, p.L, p.R)}
	if g.oh <= 0 || g.ow <= 0 {
		c.fail("%s: window %dx%d does not fit input %v", op, o.KH, o.KW, x.Shape)
		return poolGeom{}, false
	}
	return g, true
}

// kgeom is g as a kernels geometry.
func (g *poolGeom) kgeom() kernels.ConvGeom {
	o := g.o
	return kernels.ConvGeom{KH: o.KH, KW: o.KW, SH: o.SH, SW: o.SW, PT: o.Pad.T, PL: o.Pad.L, DH: 1, DW: 1,
		H: g.h, W: g.w, OH: g.oh, OW: g.ow}
}

// MaxPool2d takes the maximum over each window (kernels.MaxPool): padded
// positions are ignored and a NaN wins. The gradient goes to the first
// maximum of each window (in row-major window order), whose plane index the
// forward keeps (an int32 per output) instead of the input.
func MaxPool2d(c *Ctx, x *Tensor, o PoolOpts) *Tensor {
	g, ok := c.poolSetup("maxpool2d", x, o)
	if !ok {
		return c.fail("maxpool2d: bad input")
	}
	y := c.newOut([]int{g.n, g.c, g.oh, g.ow}, false, x)
	var arg []int32
	if y.requiresGrad {
		arg = c.pool.getIdx(len(y.Data))
	}
	kg := g.kgeom()
	kernels.MaxPool(x.Data, g.n*g.c, kg, y.Data, arg)
	nd := c.record(y, func(dy []float32) {
		dx, fresh := c.gradOut(x)
		if fresh {
			pclear(dx)
		}
		kernels.MaxPoolBackward(dy, arg, g.n*g.c, kg, dx)
	})
	if arg != nil {
		c.keepIdx(nd, arg)
	}
	return y
}

// AvgPool2d averages each window (kernels.AvgPool, AvgPoolCountPad). With
// countIncludePad the divisor is the full window KH*KW (padding counts as
// zeros); without, the number of real inputs in the window (the DARTS pools
// use false).
func AvgPool2d(c *Ctx, x *Tensor, o PoolOpts, countIncludePad bool) *Tensor {
	g, ok := c.poolSetup("avgpool2d", x, o)
	if !ok {
		return c.fail("avgpool2d: bad input")
	}
	y := c.newOut([]int{g.n, g.c, g.oh, g.ow}, false, x)
	kg := g.kgeom()
	fwd, bwd := kernels.AvgPool, kernels.AvgPoolBackward
	if countIncludePad {
		fwd, bwd = kernels.AvgPoolCountPad, kernels.AvgPoolCountPadBackward
	}
	fwd(x.Data, g.n*g.c, kg, y.Data)
	c.record(y, func(dy []float32) {
		if !x.requiresGrad {
			return
		}
		dx, fresh := c.gradOut(x)
		if fresh {
			pclear(dx)
		}
		bwd(dy, g.n*g.c, kg, dx)
	})
	return y
}
