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
// window, whose plane index the forward keeps (an int32 per output) instead
// of the input.
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
	parallel(g.n*g.c, len(y.Data)*g.o.KH*g.o.KW, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			xs, ys := x.Data[p*hw:][:hw], y.Data[p*ohw:][:ohw]
			var as []int32
			if arg != nil {
				as = arg[p*ohw:][:ohw]
			}
			g.maxPlane(xs, ys, as)
		}
	})
	nd := c.record(y, func(dy []float32) {
		dx := c.gradOf(x)
		parallel(g.n*g.c, len(dy), func(lo, hi int) {
			for p := lo; p < hi; p++ {
				dxs, dys, as := dx[p*hw:][:hw], dy[p*ohw:][:ohw], arg[p*ohw:][:ohw]
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

// maxPlane pools one plane into ys, recording argmaxes in as (if not nil).
func (g *poolGeom) maxPlane(xs, ys []float32, as []int32) {
	for oy := 0; oy < g.oh; oy++ {
		for ox := 0; ox < g.ow; ox++ {
			y0, y1, x0, x1 := g.window(oy, ox)
			best := y0*g.w + x0
			bv := xs[best]
		scan:
			for iy := y0; iy < y1; iy++ {
				row := xs[iy*g.w+x0 : iy*g.w+x1]
				for j, v := range row {
					if v > bv {
						best, bv = iy*g.w+x0+j, v
					} else if v != v {
						best, bv = iy*g.w+x0+j, v
						break scan
					}
				}
			}
			ys[oy*g.ow+ox] = bv
			if as != nil {
				as[oy*g.ow+ox] = int32(best)
			}
		}
	}
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
	full := float32(g.o.KH * g.o.KW)
	div := func(y0, y1, x0, x1 int) float32 {
		if countIncludePad {
			return full
		}
		return float32((y1 - y0) * (x1 - x0))
	}
	parallel(g.n*g.c, len(y.Data)*g.o.KH*g.o.KW, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			xs, ys := x.Data[p*hw:][:hw], y.Data[p*ohw:][:ohw]
			for oy := 0; oy < g.oh; oy++ {
				for ox := 0; ox < g.ow; ox++ {
					y0, y1, x0, x1 := g.window(oy, ox)
					var s float32
					for iy := y0; iy < y1; iy++ {
						for _, v := range xs[iy*g.w+x0 : iy*g.w+x1] {
							s += v
						}
					}
					ys[oy*g.ow+ox] = s / div(y0, y1, x0, x1)
				}
			}
		}
	})
	c.record(y, func(dy []float32) {
		if !x.requiresGrad {
			return
		}
		dx := c.gradOf(x)
		parallel(g.n*g.c, len(dy)*g.o.KH*g.o.KW, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				dxs, dys := dx[p*hw:][:hw], dy[p*ohw:][:ohw]
				for oy := 0; oy < g.oh; oy++ {
					for ox := 0; ox < g.ow; ox++ {
						y0, y1, x0, x1 := g.window(oy, ox)
						d := dys[oy*g.ow+ox] / div(y0, y1, x0, x1)
						for iy := y0; iy < y1; iy++ {
							row := dxs[iy*g.w+x0 : iy*g.w+x1]
							for i := range row {
								row[i] += d
							}
						}
					}
				}
			}
		})
	})
	return y
}
