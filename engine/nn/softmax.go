package nn

import "math"

// rows splits x into rows over its last axis: count and length.
func rows(x *Tensor) (int, int) {
	if len(x.Shape) == 0 {
		return 1, 1
	}
	k := x.Shape[len(x.Shape)-1]
	if k == 0 {
		return 0, 0
	}
	return len(x.Data) / k, k
}

// Softmax normalises exp(x) over the last axis (a vector's only axis).
func Softmax(c *Ctx, x *Tensor) *Tensor {
	if !c.check("softmax", x) {
		return c.fail("softmax: bad input")
	}
	r, k := rows(x)
	y := c.newOut(append([]int(nil), x.Shape...), false, x)
	parallel(r, len(x.Data)*8, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			softmaxRow(x.Data[i*k:(i+1)*k], y.Data[i*k:(i+1)*k])
		}
	})
	c.record(y, func(dy []float32) {
		dx := c.gradOf(x)
		for i := 0; i < r; i++ {
			ys, dys, dxs := y.Data[i*k:(i+1)*k], dy[i*k:(i+1)*k], dx[i*k:(i+1)*k]
			var s float64
			for j, d := range dys {
				s += float64(d) * float64(ys[j])
			}
			for j, d := range dys {
				dxs[j] += ys[j] * (d - float32(s))
			}
		}
	}, y)
	return y
}

// LogSoftmax is log(softmax(x)) over the last axis, computed stably.
func LogSoftmax(c *Ctx, x *Tensor) *Tensor {
	if !c.check("logsoftmax", x) {
		return c.fail("logsoftmax: bad input")
	}
	r, k := rows(x)
	y := c.newOut(append([]int(nil), x.Shape...), false, x)
	for i := 0; i < r; i++ {
		xs, ys := x.Data[i*k:(i+1)*k], y.Data[i*k:(i+1)*k]
		lse := logSumExp(xs)
		for j, v := range xs {
			ys[j] = float32(float64(v) - lse)
		}
	}
	c.record(y, func(dy []float32) {
		dx := c.gradOf(x)
		for i := 0; i < r; i++ {
			ys, dys, dxs := y.Data[i*k:(i+1)*k], dy[i*k:(i+1)*k], dx[i*k:(i+1)*k]
			var s float64
			for _, d := range dys {
				s += float64(d)
			}
			for j, d := range dys {
				dxs[j] += d - float32(math.Exp(float64(ys[j]))*s)
			}
		}
	}, y)
	return y
}

func logSumExp(xs []float32) float64 {
	m := math.Inf(-1)
	for _, v := range xs {
		m = max(m, float64(v))
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, v := range xs {
		s += math.Exp(float64(v) - m)
	}
	return m + math.Log(s)
}

func softmaxRow(xs, ys []float32) {
	lse := logSumExp(xs)
	for j, v := range xs {
		ys[j] = float32(math.Exp(float64(v) - lse))
	}
}

// SoftmaxCrossEntropy is the mean over the batch of the cross-entropy between
// softmax(logits) ([N, K], or [N, K, 1, 1]) and labels, with PyTorch's label
// smoothing: the target is (1-smoothing) on the label plus smoothing/K on
// every class. It returns a one-element tensor.
func SoftmaxCrossEntropy(c *Ctx, logits *Tensor, labels []int, smoothing float64) *Tensor {
	if !c.check("cross-entropy", logits) {
		return c.fail("cross-entropy: bad input")
	}
	if len(logits.Shape) < 2 || logits.Shape[0] == 0 {
		return c.fail("cross-entropy: logits %v need a batch dimension", logits.Shape)
	}
	n := logits.Shape[0]
	k := len(logits.Data) / n
	if len(labels) != n {
		return c.fail("cross-entropy: %d labels for a batch of %d", len(labels), n)
	}
	for i, l := range labels {
		if l < 0 || l >= k {
			return c.fail("cross-entropy: label %d of sample %d outside %d classes", l, i, k)
		}
	}
	if smoothing < 0 || smoothing > 1 {
		return c.fail("cross-entropy: label smoothing %g outside [0, 1]", smoothing)
	}
	lab := append([]int(nil), labels...)
	y := c.newOut([]int{}, false, logits)
	probs := c.temp(n*k, false)
	on, off := 1-smoothing+smoothing/float64(k), smoothing/float64(k)
	var total float64
	for i := 0; i < n; i++ {
		xs := logits.Data[i*k : (i+1)*k]
		lse := logSumExp(xs)
		var l float64
		for j, v := range xs {
			lp := float64(v) - lse
			probs[i*k+j] = float32(math.Exp(lp))
			t := off
			if j == lab[i] {
				t = on
			}
			if t != 0 {
				l -= t * lp
			}
		}
		total += l
	}
	y.Data[0] = float32(total / float64(n))
	nd := c.record(y, func(dy []float32) {
		dx := c.gradOf(logits)
		s := dy[0] / float32(n)
		for i := 0; i < n; i++ {
			for j := 0; j < k; j++ {
				t := float32(off)
				if j == lab[i] {
					t = float32(on)
				}
				dx[i*k+j] += s * (probs[i*k+j] - t)
			}
		}
	})
	c.keep(nd, probs)
	return y
}
