package nn

import "gonas/engine/kernels"

// Linear is y = x W^T + b on x flattened to [N, In] (any trailing shape),
// with w [Out, In] and the optional bias b [Out]; y is [N, Out].
func Linear(c *Ctx, x, w, b *Tensor) *Tensor {
	if !c.check("linear", x, w) || b != nil && !c.check("linear bias", b) {
		return c.fail("linear: bad input")
	}
	if len(x.Shape) < 2 || len(w.Shape) != 2 {
		return c.fail("linear: input %v needs a batch dimension and weight %v must be 2-D", x.Shape, w.Shape)
	}
	n := x.Shape[0]
	out, in := w.Shape[0], w.Shape[1]
	if n == 0 || numel(x.Shape[1:]) != in {
		return c.fail("linear: input %v does not flatten to %d features", x.Shape, in)
	}
	if b != nil && len(b.Data) != out {
		return c.fail("linear: bias %v does not match %d outputs", b.Shape, out)
	}
	y := c.newOut([]int{n, out}, false, x, w, b)
	kernels.Sgemm(false, true, n, out, in, 1, x.Data, in, w.Data, in, 0, y.Data, out)
	if b != nil {
		for i := 0; i < n; i++ {
			row := y.Data[i*out : (i+1)*out]
			for j, bv := range b.Data {
				row[j] += bv
			}
		}
	}
	var keepX *Tensor
	if w.requiresGrad {
		keepX = x
	}
	c.record(y, func(dy []float32) {
		if x.requiresGrad {
			kernels.Sgemm(false, false, n, in, out, 1, dy, out, w.Data, in, 1, c.gradOf(x), in)
		}
		if w.requiresGrad {
			kernels.Sgemm(true, false, out, in, n, 1, dy, out, x.Data, in, 1, c.gradOf(w), in)
		}
		if b != nil && b.requiresGrad {
			db := c.gradOf(b)
			for j := 0; j < out; j++ {
				var s float64
				for i := 0; i < n; i++ {
					s += float64(dy[i*out+j])
				}
				db[j] += float32(s)
			}
		}
	}, keepX)
	return y
}
