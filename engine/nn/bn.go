package nn

import (
	"math"

	"gonas/engine/kernels"
)

// BNOpts are a batch norm's epsilon and running-statistics momentum
// (PyTorch: running = (1-momentum)*running + momentum*batch).
type BNOpts struct {
	Eps      float64
	Momentum float64
}

// BatchNorm normalises x [N, C, ...] per channel. In training mode it uses
// the batch mean and biased variance and updates runMean and runVar (the
// variance unbiased, as PyTorch does); in eval mode it uses them. weight and
// bias ([C]) are nil for a non-affine norm. runMean and runVar ([C]) may be
// nil in training mode, which then tracks nothing.
func BatchNorm(c *Ctx, x, weight, bias, runMean, runVar *Tensor, o BNOpts) *Tensor {
	if !c.check("batchnorm", x) {
		return c.fail("batchnorm: bad input")
	}
	if len(x.Shape) < 2 {
		return c.fail("batchnorm: input %v needs a channel dimension", x.Shape)
	}
	N, C := x.Shape[0], x.Shape[1]
	hw := numel(x.Shape[2:])
	for _, p := range []*Tensor{weight, bias, runMean, runVar} {
		if p == nil {
			continue
		}
		if !c.check("batchnorm", p) {
			return c.fail("batchnorm: bad parameter")
		}
		if len(p.Data) != C {
			return c.fail("batchnorm: parameter %v does not match %d channels", p.Shape, C)
		}
	}
	if (weight == nil) != (bias == nil) {
		return c.fail("batchnorm: weight and bias must both be given or both nil")
	}
	if (runMean == nil) != (runVar == nil) {
		return c.fail("batchnorm: running mean and variance must both be given or both nil")
	}
	m := N * hw
	train := c.train
	if !train && runMean == nil {
		return c.fail("batchnorm: eval mode needs running statistics")
	}
	if train && m < 2 {
		return c.fail("batchnorm: expected more than 1 value per channel in training, got input %v", x.Shape)
	}
	y := c.newOut(append([]int(nil), x.Shape...), false, x, weight, bias)
	// mean and invstd as used to normalise; kept for backward.
	stats := c.temp(2*C, false)
	mean, invstd := stats[:C], stats[C:]
	eps := o.Eps
	parallel(C, 3*len(x.Data), func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			var mu, v float64
			if train {
				// Moments about the channel's first value (shifted, so
				// one pass is exact enough), in float64.
				k := float64(x.Data[ch*hw])
				var s, q float64
				for img := 0; img < N; img++ {
					si, qi := kernels.BNMoments(x.Data[(img*C+ch)*hw:][:hw], k)
					s, q = s+si, q+qi
				}
				d := s / float64(m)
				mu = k + d
				v = max(q/float64(m)-d*d, 0)
				if runMean != nil {
					mo := o.Momentum
					runMean.Data[ch] = float32((1-mo)*float64(runMean.Data[ch]) + mo*mu)
					runVar.Data[ch] = float32((1-mo)*float64(runVar.Data[ch]) + mo*v*float64(m)/float64(m-1))
				}
			} else {
				mu, v = float64(runMean.Data[ch]), float64(runVar.Data[ch])
			}
			is := 1 / math.Sqrt(v+eps)
			mean[ch], invstd[ch] = float32(mu), float32(is)
			scale, shift := float32(is), float32(-mu*is)
			if weight != nil {
				gw, gb := float64(weight.Data[ch]), float64(bias.Data[ch])
				scale, shift = float32(is*gw), float32(gb-mu*is*gw)
			}
			for img := 0; img < N; img++ {
				kernels.BNApply(x.Data[(img*C+ch)*hw:][:hw], y.Data[(img*C+ch)*hw:][:hw], scale, shift)
			}
		}
	})
	needX := train || weight != nil && weight.requiresGrad
	var keepX *Tensor
	if needX {
		keepX = x
	}
	nd := c.record(y, func(dy []float32) {
		var dx, dg, db []float32
		fresh := false
		if x.requiresGrad {
			dx, fresh = c.gradOut(x)
		}
		if weight != nil && weight.requiresGrad {
			dg, db = c.gradOf(weight), c.gradOf(bias)
		} else if bias != nil && bias.requiresGrad {
			db = c.gradOf(bias)
		}
		parallel(C, 3*len(dy), func(lo, hi int) {
			for ch := lo; ch < hi; ch++ {
				mu, is := mean[ch], invstd[ch]
				var sdy, sdyx float64
				if train || dg != nil || db != nil {
					for img := 0; img < N; img++ {
						dys := dy[(img*C+ch)*hw:][:hw]
						if needX {
							s, d := kernels.BNSumDot(dys, x.Data[(img*C+ch)*hw:][:hw], float64(mu))
							sdy, sdyx = sdy+s, sdyx+d
						} else {
							sdy += sum32(dys)
						}
					}
					sdyx *= float64(is)
				}
				if dg != nil {
					dg[ch] += float32(sdyx)
				}
				if db != nil {
					db[ch] += float32(sdy)
				}
				if dx == nil {
					continue
				}
				gamma := float32(1)
				if weight != nil {
					gamma = weight.Data[ch]
				}
				k := gamma * is
				if !train {
					for img := 0; img < N; img++ {
						dys, dxs := dy[(img*C+ch)*hw:][:hw], dx[(img*C+ch)*hw:][:hw]
						if fresh {
							for i, d := range dys {
								dxs[i] = d * k
							}
							continue
						}
						for i, d := range dys {
							dxs[i] += d * k
						}
					}
					continue
				}
				// dx = gamma*invstd*(dy - mean(dy) - xhat*mean(dy*xhat)),
				// with xhat = (x-mu)*invstd: dx = k*dy + a*(x-mu) + b.
				mdy, mdyx := sdy/float64(m), sdyx/float64(m)
				a32, b32 := float32(-float64(k)*mdyx*float64(is)), float32(-float64(k)*mdy)
				for img := 0; img < N; img++ {
					o := (img*C + ch) * hw
					kernels.BNBackward(dy[o:][:hw], x.Data[o:][:hw], dx[o:][:hw], k, mu, a32, b32, !fresh)
				}
			}
		})
	}, keepX)
	c.keep(nd, stats)
	return y
}
