package nn

import "math"

// ReLU is max(x, 0). Its backward reads only its own output.
func ReLU(c *Ctx, x *Tensor) *Tensor {
	if !c.check("relu", x) {
		return c.fail("relu: bad input")
	}
	y := c.newOut(append([]int(nil), x.Shape...), false, x)
	parallel(len(x.Data), len(x.Data), func(lo, hi int) {
		xs := x.Data[lo:hi]
		ys := y.Data[lo:hi][:len(xs)]
		for i, v := range xs {
			// Branch-free: keep v unless its sign bit is set (signs
			// of activations are unpredictable).
			b := math.Float32bits(v)
			ys[i] = math.Float32frombits(b &^ uint32(int32(b)>>31))
		}
	})
	c.record(y, func(dy []float32) {
		dx := c.gradOf(x)
		parallel(len(dy), len(dy), func(lo, hi int) {
			dys := dy[lo:hi]
			dxs, ys := dx[lo:hi][:len(dys)], y.Data[lo:hi][:len(dys)]
			for i, d := range dys {
				// y >= 0; the mask is all ones where y > 0 (its bits are
				// non-zero), without a branch.
				m := uint32(-int32(math.Float32bits(ys[i])) >> 31)
				dxs[i] += math.Float32frombits(math.Float32bits(d) & m)
			}
		})
	}, y)
	return y
}

// Add sums xs elementwise; all must have the same shape. Its backward needs
// no inputs, so they are not kept alive.
func Add(c *Ctx, xs ...*Tensor) *Tensor {
	if len(xs) == 0 {
		return c.fail("add: no inputs")
	}
	if !c.check("add", xs...) {
		return c.fail("add: bad input")
	}
	for _, x := range xs[1:] {
		if !sameShape(x.Shape, xs[0].Shape) {
			return c.fail("add: shapes %v and %v differ", xs[0].Shape, x.Shape)
		}
	}
	y := c.newOut(append([]int(nil), xs[0].Shape...), false, xs...)
	n := len(y.Data)
	parallel(n, n*len(xs), func(lo, hi int) {
		ys := y.Data[lo:hi]
		copy(ys, xs[0].Data[lo:hi])
		for _, x := range xs[1:] {
			for i, v := range x.Data[lo:hi] {
				ys[i] += v
			}
		}
	})
	c.record(y, func(dy []float32) {
		for _, x := range xs {
			if x.requiresGrad {
				addTo(dy, c.gradOf(x))
			}
		}
	})
	return y
}

// Scale multiplies x by the constant s.
func Scale(c *Ctx, x *Tensor, s float32) *Tensor {
	if !c.check("scale", x) {
		return c.fail("scale: bad input")
	}
	y := c.newOut(append([]int(nil), x.Shape...), false, x)
	parallel(len(x.Data), len(x.Data), func(lo, hi int) {
		ys := y.Data[lo:hi]
		for i, v := range x.Data[lo:hi] {
			ys[i] = s * v
		}
	})
	c.record(y, func(dy []float32) { axpy(s, dy, c.gradOf(x)) })
	return y
}

// AddConst adds the constant v to every element of x (with Scale, enough
// for coefficients such as sharpDARTS's 1 - max(w) + w_i).
func AddConst(c *Ctx, x *Tensor, v float32) *Tensor {
	if !c.check("addconst", x) {
		return c.fail("addconst: bad input")
	}
	y := c.newOut(append([]int(nil), x.Shape...), false, x)
	parallel(len(x.Data), len(x.Data), func(lo, hi int) {
		ys := y.Data[lo:hi]
		for i, xv := range x.Data[lo:hi] {
			ys[i] = xv + v
		}
	})
	c.record(y, func(dy []float32) { addTo(dy, c.gradOf(x)) })
	return y
}

// Mul multiplies x by the one-element tensor s, so that s gets a gradient
// (sum of dy*x) when it requires one.
func Mul(c *Ctx, x, s *Tensor) *Tensor {
	if !c.check("mul", x, s) {
		return c.fail("mul: bad input")
	}
	if len(s.Data) != 1 {
		return c.fail("mul: scale must have one element, got shape %v", s.Shape)
	}
	return WeightedSum(c, []*Tensor{x}, s)
}

// WeightedSum is sum_i w[i]*xs[i] with w a vector of len(xs) values: the
// DARTS mixed op. w gets the gradient <dy, xs[i]> when it requires one (the
// xs are then kept for backward); each xs[i] gets w[i]*dy.
func WeightedSum(c *Ctx, xs []*Tensor, w *Tensor) *Tensor {
	if len(xs) == 0 {
		return c.fail("weightedsum: no inputs")
	}
	if !c.check("weightedsum", append([]*Tensor{w}, xs...)...) {
		return c.fail("weightedsum: bad input")
	}
	if len(w.Data) != len(xs) {
		return c.fail("weightedsum: %d weights for %d inputs", len(w.Data), len(xs))
	}
	for _, x := range xs[1:] {
		if !sameShape(x.Shape, xs[0].Shape) {
			return c.fail("weightedsum: shapes %v and %v differ", xs[0].Shape, x.Shape)
		}
	}
	y := c.newOut(append([]int(nil), xs[0].Shape...), false, append([]*Tensor{w}, xs...)...)
	n := len(y.Data)
	wv := append([]float32(nil), w.Data...)
	parallel(n, n*len(xs), func(lo, hi int) {
		ys := y.Data[lo:hi]
		w0 := wv[0]
		for i, v := range xs[0].Data[lo:hi] {
			ys[i] = w0 * v
		}
		for k, x := range xs[1:] {
			wk := wv[k+1]
			for i, v := range x.Data[lo:hi] {
				ys[i] += wk * v
			}
		}
	})
	var saved []*Tensor
	if w.requiresGrad && c.grad {
		saved = xs
	}
	c.record(y, func(dy []float32) {
		for k, x := range xs {
			if x.requiresGrad {
				axpy(wv[k], dy, c.gradOf(x))
			}
		}
		if w.requiresGrad {
			dw := c.gradOf(w)
			for k, x := range xs {
				dw[k] += float32(dot(dy, x.Data))
			}
		}
	}, saved...)
	return y
}

// Sum adds up every element of x into a one-element tensor.
func Sum(c *Ctx, x *Tensor) *Tensor {
	if !c.check("sum", x) {
		return c.fail("sum: bad input")
	}
	y := c.newOut([]int{}, false, x)
	y.Data[0] = float32(sum(x.Data))
	c.record(y, func(dy []float32) {
		dx := c.gradOf(x)
		d := dy[0]
		parallel(len(dx), len(dx), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				dx[i] += d
			}
		})
	})
	return y
}

// Mean averages every element of x into a one-element tensor.
func Mean(c *Ctx, x *Tensor) *Tensor {
	if !c.check("mean", x) {
		return c.fail("mean: bad input")
	}
	if len(x.Data) == 0 {
		return c.fail("mean: empty input")
	}
	s := Sum(c, x)
	y := Scale(c, s, 1/float32(len(x.Data)))
	c.Release(s)
	return y
}
