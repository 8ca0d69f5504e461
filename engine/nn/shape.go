package nn

// Concat joins xs along the channel axis (axis 1).
func Concat(c *Ctx, xs ...*Tensor) *Tensor { return ConcatAxis(c, 1, xs...) }

// ConcatAxis joins xs along axis; the other dimensions must agree. Its
// backward needs no inputs.
func ConcatAxis(c *Ctx, axis int, xs ...*Tensor) *Tensor {
	if len(xs) == 0 {
		return c.fail("concat: no inputs")
	}
	if !c.check("concat", xs...) {
		return c.fail("concat: bad input")
	}
	s0 := xs[0].Shape
	if axis < 0 || axis >= len(s0) {
		return c.fail("concat: axis %d out of range for shape %v", axis, s0)
	}
	shape := append([]int(nil), s0...)
	shape[axis] = 0
	for _, x := range xs {
		if len(x.Shape) != len(s0) {
			return c.fail("concat: shapes %v and %v differ in rank", s0, x.Shape)
		}
		for d := range s0 {
			if d != axis && x.Shape[d] != s0[d] {
				return c.fail("concat: shapes %v and %v differ outside axis %d", s0, x.Shape, axis)
			}
		}
		shape[axis] += x.Shape[axis]
	}
	outer := numel(s0[:axis])
	row := numel(shape[axis:])
	sizes := make([]int, len(xs)) // per-outer-index block of each input
	for k, x := range xs {
		sizes[k] = numel(x.Shape[axis:])
	}
	y := c.newOut(shape, false, xs...)
	parallel(outer, len(y.Data), func(lo, hi int) {
		for o := lo; o < hi; o++ {
			off := o * row
			for k, x := range xs {
				in := sizes[k]
				copy(y.Data[off:off+in], x.Data[o*in:(o+1)*in])
				off += in
			}
		}
	})
	c.record(y, func(dy []float32) {
		// An input given twice gets a fresh buffer for its first
		// occurrence only; for each o the first writes before the second
		// adds.
		grads := make([][]float32, len(xs))
		fresh := make([]bool, len(xs))
		for k, x := range xs {
			if x.requiresGrad {
				grads[k], fresh[k] = c.gradOut(x)
			}
		}
		parallel(outer, len(dy), func(lo, hi int) {
			for o := lo; o < hi; o++ {
				off := o * row
				for k, in := range sizes {
					if dx := grads[k]; dx != nil {
						dx = dx[o*in : (o+1)*in]
						if fresh[k] {
							copy(dx, dy[off:off+in])
						} else {
							for i, d := range dy[off : off+in] {
								dx[i] += d
							}
						}
					}
					off += in
				}
			}
		})
	})
	return y
}

// SliceChannels takes channels [start, start+n) of x (axis 1).
func SliceChannels(c *Ctx, x *Tensor, start, n int) *Tensor { return Narrow(c, x, 1, start, n) }

// Narrow takes indices [start, start+n) of x along axis.
func Narrow(c *Ctx, x *Tensor, axis, start, n int) *Tensor {
	if !c.check("narrow", x) {
		return c.fail("narrow: bad input")
	}
	if axis < 0 || axis >= len(x.Shape) {
		return c.fail("narrow: axis %d out of range for shape %v", axis, x.Shape)
	}
	if start < 0 || n <= 0 || start+n > x.Shape[axis] {
		return c.fail("narrow: range [%d,%d) outside %d entries of axis %d", start, start+n, x.Shape[axis], axis)
	}
	shape := append([]int(nil), x.Shape...)
	shape[axis] = n
	outer, inner := numel(x.Shape[:axis]), numel(x.Shape[axis+1:])
	rowX, rowY := x.Shape[axis]*inner, n*inner
	y := c.newOut(shape, false, x)
	parallel(outer, len(y.Data), func(lo, hi int) {
		for o := lo; o < hi; o++ {
			copy(y.Data[o*rowY:(o+1)*rowY], x.Data[o*rowX+start*inner:])
		}
	})
	c.record(y, func(dy []float32) {
		dx := c.gradOf(x)
		parallel(outer, len(dy), func(lo, hi int) {
			for o := lo; o < hi; o++ {
				dxs := dx[o*rowX+start*inner:]
				for i, d := range dy[o*rowY : (o+1)*rowY] {
					dxs[i] += d
				}
			}
		})
	})
	return y
}

// Gather picks elements idx of the flattened x into a vector [len(idx)];
// the gradient scatters back (adding where an index repeats).
func Gather(c *Ctx, x *Tensor, idx ...int) *Tensor {
	if !c.check("gather", x) {
		return c.fail("gather: bad input")
	}
	if len(idx) == 0 {
		return c.fail("gather: no indices")
	}
	for _, i := range idx {
		if i < 0 || i >= len(x.Data) {
			return c.fail("gather: index %d outside %d elements", i, len(x.Data))
		}
	}
	ix := append([]int(nil), idx...)
	y := c.newOut([]int{len(ix)}, false, x)
	for k, i := range ix {
		y.Data[k] = x.Data[i]
	}
	c.record(y, func(dy []float32) {
		dx := c.gradOf(x)
		for k, i := range ix {
			dx[i] += dy[k]
		}
	})
	return y
}

// Pad2d pads x [N, C, H, W] spatially with zeros; negative amounts crop
// (FactorizedReduce's shifted path is Pad2d with Pads{-1, -1, 0, 0}).
func Pad2d(c *Ctx, x *Tensor, p Pads) *Tensor {
	if !c.check("pad2d", x) {
		return c.fail("pad2d: bad input")
	}
	if len(x.Shape) != 4 {
		return c.fail("pad2d: input %v must be 4-D", x.Shape)
	}
	n, ch, h, w := x.Dims4()
	oh, ow := h+p.T+p.B, w+p.L+p.R
	if oh <= 0 || ow <= 0 {
		return c.fail("pad2d: padding %+v leaves nothing of input %v", p, x.Shape)
	}
	// Rows/cols of the output that come from the input.
	y0, y1 := max(p.T, 0), min(oh, h+p.T)
	x0, x1 := max(p.L, 0), min(ow, w+p.L)
	y := c.newOut([]int{n, ch, oh, ow}, y0 > 0 || x0 > 0 || y1 < oh || x1 < ow, x)
	hw, ohw := h*w, oh*ow
	if y1 > y0 && x1 > x0 {
		parallel(n*ch, len(y.Data), func(lo, hi int) {
			for pl := lo; pl < hi; pl++ {
				xs, ys := x.Data[pl*hw:][:hw], y.Data[pl*ohw:][:ohw]
				for oy := y0; oy < y1; oy++ {
					iy := oy - p.T
					copy(ys[oy*ow+x0:oy*ow+x1], xs[iy*w+x0-p.L:])
				}
			}
		})
	}
	c.record(y, func(dy []float32) {
		if y1 <= y0 || x1 <= x0 {
			return
		}
		dx := c.gradOf(x)
		parallel(n*ch, len(dy), func(lo, hi int) {
			for pl := lo; pl < hi; pl++ {
				dxs, dys := dx[pl*hw:][:hw], dy[pl*ohw:][:ohw]
				for oy := y0; oy < y1; oy++ {
					iy := oy - p.T
					row := dxs[iy*w+x0-p.L:]
					for i, d := range dys[oy*ow+x0 : oy*ow+x1] {
						row[i] += d
					}
				}
			}
		})
	})
	return y
}

// ChannelShuffle interleaves the channels of x [N, C, ...] from groups
// groups, as PC-DARTS's channel_shuffle: output channel j*groups+i is input
// channel i*(C/groups)+j.
func ChannelShuffle(c *Ctx, x *Tensor, groups int) *Tensor {
	if !c.check("shuffle", x) {
		return c.fail("shuffle: bad input")
	}
	if len(x.Shape) < 2 || groups <= 0 || x.Shape[1]%groups != 0 {
		return c.fail("shuffle: %v cannot be split into %d channel groups", x.Shape, groups)
	}
	n, ch := x.Shape[0], x.Shape[1]
	hw := numel(x.Shape[2:])
	cpg := ch / groups
	src := func(o int) int { return (o%groups)*cpg + o/groups }
	y := c.newOut(append([]int(nil), x.Shape...), false, x)
	forPlanes(n, ch, len(y.Data), func(img, c0, c1 int) {
		for o := c0; o < c1; o++ {
			copy(y.Data[(img*ch+o)*hw:][:hw], x.Data[(img*ch+src(o))*hw:])
		}
	})
	c.record(y, func(dy []float32) {
		dx := c.gradOf(x)
		forPlanes(n, ch, len(dy), func(img, c0, c1 int) {
			for o := c0; o < c1; o++ {
				dxs := dx[(img*ch+src(o))*hw:][:hw]
				for i, d := range dy[(img*ch+o)*hw:][:hw] {
					dxs[i] += d
				}
			}
		})
	})
	return y
}

// Zero returns zeros shaped like x [N, C, H, W] subsampled by stride
// (ceil(H/stride) x ceil(W/stride)), DARTS's `none` op. No gradient flows.
func Zero(c *Ctx, x *Tensor, stride int) *Tensor {
	if !c.check("zero", x) {
		return c.fail("zero: bad input")
	}
	if len(x.Shape) != 4 || stride <= 0 {
		return c.fail("zero: input %v must be 4-D and stride %d positive", x.Shape, stride)
	}
	n, ch, h, w := x.Dims4()
	return c.newOut([]int{n, ch, (h + stride - 1) / stride, (w + stride - 1) / stride}, true)
}

// Noise is RobustDARTS's noise op: in training, standard normal values of
// Zero's output shape for x, drawn from the context's random source in
// order (deterministic for a seed, and no gradient flows to x); in eval
// mode their mean, zeros.
func Noise(c *Ctx, x *Tensor, stride int) *Tensor {
	y := Zero(c, x, stride)
	if c.err != nil || !c.train {
		return y
	}
	for i := range y.Data {
		y.Data[i] = float32(c.rng.NormFloat64())
	}
	return y
}

// GlobalAvgPool averages each channel plane of x [N, C, H, W] into [N, C, 1, 1].
func GlobalAvgPool(c *Ctx, x *Tensor) *Tensor {
	if !c.check("gap", x) {
		return c.fail("gap: bad input")
	}
	if len(x.Shape) != 4 {
		return c.fail("gap: input %v must be 4-D", x.Shape)
	}
	n, ch, h, w := x.Dims4()
	hw := h * w
	y := c.newOut([]int{n, ch, 1, 1}, false, x)
	parallel(n*ch, len(x.Data), func(lo, hi int) {
		for p := lo; p < hi; p++ {
			y.Data[p] = float32(sum32(x.Data[p*hw:][:hw]) / float64(hw))
		}
	})
	c.record(y, func(dy []float32) {
		dx := c.gradOf(x)
		parallel(n*ch, len(dx), func(lo, hi int) {
			for p := lo; p < hi; p++ {
				d := dy[p] / float32(hw)
				row := dx[p*hw:][:hw]
				for i := range row {
					row[i] += d
				}
			}
		})
	})
	return y
}
