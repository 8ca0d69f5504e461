package nn

import "slices"

// Add sums xs elementwise. Their shapes must agree up to trailing 1s (see
// sumShape): a Linear output [N, C] adds to a [N, C, 1, 1] map, as the
// spec allows. Its backward needs no inputs, so they are not kept alive.
func Add(c *Ctx, xs ...*Tensor) *Tensor {
	if len(xs) == 0 {
		return c.fail("add: no inputs")
	}
	if !c.check("add", xs...) {
		return c.fail("add: bad input")
	}
	shape, ok := sumShape(xs)
	if !ok {
		return c.fail("add: shapes %v do not match", shapesOf(xs))
	}
	y := c.newOut(shape, false, xs...)
	n := len(y.Data)
	parallel(n, n*len(xs), func(lo, hi int) {
		ys := y.Data[lo:hi]
		a := xs[0].Data[lo:hi]
		if len(xs) == 2 { // a cell node: one pass instead of a copy and an add
			b := xs[1].Data[lo:hi]
			a, b = a[:len(ys)], b[:len(ys)]
			for i := range ys {
				ys[i] = a[i] + b[i]
			}
			return
		}
		copy(ys, a)
		for _, x := range xs[1:] {
			for i, v := range x.Data[lo:hi] {
				ys[i] += v
			}
		}
	})
	c.record(y, func(dy []float32) {
		for _, x := range xs {
			if x.requiresGrad {
				g, fresh := c.gradOut(x)
				addOrCopy(dy, g, fresh)
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
	c.record(y, func(dy []float32) {
		g, fresh := c.gradOut(x)
		axpyOrScale(s, dy, g, fresh)
	})
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
	c.record(y, func(dy []float32) {
		g, fresh := c.gradOut(x)
		addOrCopy(dy, g, fresh)
	})
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
// DARTS mixed op. Shapes follow Add's rule. w gets the gradient <dy, xs[i]> when it requires one (the
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
	shape, ok := sumShape(xs)
	if !ok {
		return c.fail("weightedsum: shapes %v do not match", shapesOf(xs))
	}
	y := c.newOut(shape, false, append([]*Tensor{w}, xs...)...)
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
				g, fresh := c.gradOut(x)
				axpyOrScale(wv[k], dy, g, fresh)
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

// sumShape is the shape of an elementwise sum of xs: they must be equal
// once trailing 1s are dropped, so [N, C] matches [N, C, 1, 1] (a Linear
// output and a 1x1 map hold the same values in the same order) but not
// [N, 1, C]. The result is the longest of the shapes (the first of them),
// so a 4-D operand keeps the sum 4-D.
func sumShape(xs []*Tensor) ([]int, bool) {
	best := xs[0].Shape
	for _, x := range xs[1:] {
		if !slices.Equal(trimOnes(x.Shape), trimOnes(xs[0].Shape)) {
			return nil, false
		}
		if len(x.Shape) > len(best) {
			best = x.Shape
		}
	}
	return append([]int(nil), best...), true
}

// trimOnes drops trailing 1s after the first dimension.
func trimOnes(s []int) []int {
	for len(s) > 1 && s[len(s)-1] == 1 {
		s = s[:len(s)-1]
	}
	return s
}

func shapesOf(xs []*Tensor) [][]int {
	out := make([][]int, len(xs))
	for i, x := range xs {
		out[i] = x.Shape
	}
	return out
}
