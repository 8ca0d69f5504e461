package nn

import "gonas/engine/kernels"

// DropPath zeroes whole samples of x [N, ...] with probability p and scales
// the kept ones by 1/(1-p) (DARTS's drop_path: per-sample Bernoulli(keep)
// mask, x/keep*mask, computed as x*(mask/keep)). It draws N uniforms from the context's random source,
// sample by sample. In eval mode, or with p == 0, it returns x itself.
func DropPath(c *Ctx, x *Tensor, p float64) *Tensor {
	if !c.check("droppath", x) {
		return c.fail("droppath: bad input")
	}
	if p < 0 || p >= 1 {
		return c.fail("droppath: probability %g outside [0, 1)", p)
	}
	if !c.train || p == 0 {
		return c.alias(x)
	}
	if len(x.Shape) == 0 || x.Shape[0] == 0 {
		return c.fail("droppath: input %v needs a batch dimension", x.Shape)
	}
	n := x.Shape[0]
	per := len(x.Data) / n
	// scale[i] is mask[i]/keep: 1/keep for kept samples, 0 for dropped.
	scale := make([]float32, n)
	for i := range scale {
		if c.rng.Float64() < 1-p {
			scale[i] = float32(1 / (1 - p))
		}
	}
	y := c.newOut(append([]int(nil), x.Shape...), false, x)
	parallel(n, len(x.Data), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			scaleRow(x.Data[i*per:(i+1)*per], y.Data[i*per:(i+1)*per], scale[i])
		}
	})
	c.record(y, func(dy []float32) {
		dx, fresh := c.gradOut(x)
		parallel(n, len(dy), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				s := scale[i]
				dxs := dx[i*per : (i+1)*per]
				switch {
				case fresh && s == 0:
					clear(dxs)
				case fresh:
					scaleRow(dy[i*per:(i+1)*per], dxs, s)
				case s != 0:
					for j, d := range dy[i*per : (i+1)*per] {
						dxs[j] += d * s
					}
				}
			}
		})
	})
	return y
}

// scaleRow writes y[i] = x[i]*s (the vector kernel's x*s + 0, which only
// turns a -0 product into +0).
func scaleRow(x, y []float32, s float32) { kernels.BNApply(x, y, s, 0) }
