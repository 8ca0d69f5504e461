package nn

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

// window is the clipped input range [y0, y1) x [x0, x1) of output (oy, ox).
func (g *poolGeom) window(oy, ox int) (y0, y1, x0, x1 int) {
	y0 = oy*g.o.SH - g.o.Pad.T
	x0 = ox*g.o.SW - g.o.Pad.L
	return max(y0, 0), min(y0+g.o.KH, g.h), max(x0, 0), min(x0+g.o.KW, g.w)
}

// MaxPool2d takes the maximum over each window; padded positions are
// ignored and a NaN wins. The gradient goes to the first maximum of each
// window (in row-major window order), whose plane index the forward keeps
// (an int32 per output) instead of the input.
func MaxPool2d(c *Ctx, x *Tensor, o PoolOpts) *Tensor {
	g, ok := c.poolSetup("maxpool2d", x, o)
	if !ok {
		return c.fail("maxpool2d: bad input")
	}
	y := c.newOut([]int{g.n, g.c, g.oh, g.ow}, false, x)
	hw, ohw := g.h*g.w, g.oh*g.ow
	var arg []int32
	if y.requiresGrad {
		arg = c.pool.getIdx(len(y.Data))
	}
	p := g.plan()
	parallel(g.n*g.c, len(x.Data)*(g.o.KW+1)+len(y.Data)*g.o.KH, func(lo, hi int) {
		s := p.scratch()
		defer poolScratchPool.Put(s)
		for pl := lo; pl < hi; pl++ {
			var as []int32
			if arg != nil {
				as = arg[pl*ohw:][:ohw]
			}
			p.maxPlane(x.Data[pl*hw:][:hw], y.Data[pl*ohw:][:ohw], as, s)
		}
	})
	nd := c.record(y, func(dy []float32) {
		dx, fresh := c.gradOut(x)
		parallel(g.n*g.c, len(dy)+len(dx), func(lo, hi int) {
			for pl := lo; pl < hi; pl++ {
				dxs, dys, as := dx[pl*hw:][:hw], dy[pl*ohw:][:ohw], arg[pl*ohw:][:ohw]
				if fresh {
					clear(dxs)
				}
				for i, d := range dys {
					dxs[as[i]] += d
				}
			}
		})
	})
	if arg != nil {
		c.keepIdx(nd, arg)
	}
	return y
}

// AvgPool2d averages each window. With countIncludePad the divisor is the
// full window KH*KW (padding counts as zeros); without, the number of real
// inputs in the window (the DARTS pools use false).
func AvgPool2d(c *Ctx, x *Tensor, o PoolOpts, countIncludePad bool) *Tensor {
	g, ok := c.poolSetup("avgpool2d", x, o)
	if !ok {
		return c.fail("avgpool2d: bad input")
	}
	y := c.newOut([]int{g.n, g.c, g.oh, g.ow}, false, x)
	hw, ohw := g.h*g.w, g.oh*g.ow
	p := g.plan()
	work := len(x.Data)*g.o.KW + len(y.Data)*g.o.KH
	parallel(g.n*g.c, work, func(lo, hi int) {
		s := p.scratch()
		defer poolScratchPool.Put(s)
		for pl := lo; pl < hi; pl++ {
			p.avgPlane(x.Data[pl*hw:][:hw], y.Data[pl*ohw:][:ohw], countIncludePad, s)
		}
	})
	c.record(y, func(dy []float32) {
		if !x.requiresGrad {
			return
		}
		dx, fresh := c.gradOut(x)
		parallel(g.n*g.c, work, func(lo, hi int) {
			s := p.scratch()
			defer poolScratchPool.Put(s)
			for pl := lo; pl < hi; pl++ {
				if fresh {
					clear(dx[pl*hw:][:hw])
				}
				p.avgBackPlane(dy[pl*ohw:][:ohw], dx[pl*hw:][:hw], countIncludePad, s)
			}
		})
	})
	return y
}
