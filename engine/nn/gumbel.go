package nn

import (
	"math"
	"sort"
)

// StraightThrough returns a tensor whose values are hard (computed as
// (hard - soft) + soft, as PyTorch's one_hot - probs.detach() + probs) and
// whose gradient flows unchanged into soft.
func StraightThrough(c *Ctx, soft *Tensor, hard []float32) *Tensor {
	if !c.check("straight-through", soft) {
		return c.fail("straight-through: bad input")
	}
	if len(hard) != len(soft.Data) {
		return c.fail("straight-through: %d hard values for shape %v", len(hard), soft.Shape)
	}
	y := c.newOut(append([]int(nil), soft.Shape...), false, soft)
	for i, s := range soft.Data {
		y.Data[i] = (hard[i] - s) + s
	}
	c.record(y, func(dy []float32) { addTo(dy, c.gradOf(soft)) })
	return y
}

// maxTries bounds the resampling of Gumbel noise that gave inf or NaN.
const maxTries = 100

// gumbel fills g with -log(E), E ~ Exp(1), drawn in order from the
// context's random source.
func (c *Ctx) gumbel(g []float32) bool {
	for i := range g {
		g[i] = float32(-math.Log(c.rng.ExpFloat64()))
		if math.IsInf(float64(g[i]), 0) || g[i] != g[i] {
			return false
		}
	}
	return true
}

func finite(xs []float32) bool {
	for _, v := range xs {
		if math.IsInf(float64(v), 0) || v != v {
			return false
		}
	}
	return true
}

// perturbed computes softmax((log_softmax(logits) + g)/tau) over the last
// axis with fresh Gumbel noise g, resampling when g or the result is not
// finite (GDAS). It returns the probabilities and the perturbed logits
// (log_softmax(logits)+g)/tau as plain values.
func (c *Ctx) perturbed(op string, logits *Tensor, tau float64) (*Tensor, []float32) {
	if !c.check(op, logits) {
		return c.fail("%s: bad input", op), nil
	}
	if !(tau > 0) || math.IsInf(tau, 0) {
		return c.fail("%s: temperature %g must be positive and finite", op, tau), nil
	}
	if len(logits.Data) == 0 {
		return c.fail("%s: empty logits", op), nil
	}
	g, err := FromData(make([]float32, len(logits.Data)), logits.Shape...)
	if err != nil {
		return c.fail("%s: %v", op, err), nil
	}
	for range maxTries {
		if !c.gumbel(g.Data) {
			continue
		}
		ls := LogSoftmax(c, logits)
		z := Add(c, ls, g)
		c.Release(ls)
		zs := Scale(c, z, float32(1/tau))
		c.Release(z)
		probs := Softmax(c, zs)
		if c.err == nil && finite(probs.Data) {
			vals := append([]float32(nil), zs.Data...)
			c.Release(zs)
			return probs, vals
		}
		c.Release(zs)
		c.Release(probs)
		if c.err != nil {
			return c.fail("%s: bad input", op), nil
		}
	}
	return c.fail("%s: Gumbel sample not finite after %d tries", op, maxTries), nil
}

// GumbelSoftmaxST draws one GDAS sample per row of logits (over the last
// axis): g = -log(Exp(1)), probs = softmax((log_softmax(logits) + g)/tau),
// index = argmax(probs), and returns hard weights one_hot(index) - probs.detach()
// + probs (the straight-through estimator) with the chosen index of each row.
func GumbelSoftmaxST(c *Ctx, logits *Tensor, tau float64) (*Tensor, []int) {
	probs, _ := c.perturbed("gumbel-softmax", logits, tau)
	if c.err != nil {
		return probs, nil
	}
	r, k := rows(probs)
	hard := make([]float32, len(probs.Data))
	idx := make([]int, r)
	for i := range r {
		row := probs.Data[i*k : (i+1)*k]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		idx[i] = best
		hard[i*k+best] = 1
	}
	y := StraightThrough(c, probs, hard)
	c.Release(probs)
	return y, idx
}

// GumbelTopK draws ROME's Gumbel-top-k sample per row of logits (over the
// last axis): p = softmax(logits), B = softmax((log p + g)/tau), and the k
// entries with the largest perturbed log p + g are chosen (the same as
// sampling k distinct entries without replacement with probabilities p). It
// returns the straight-through mask (1 on the chosen entries, gradient that
// of B) and each row's chosen indices, strongest first.
func GumbelTopK(c *Ctx, logits *Tensor, k int, tau float64) (*Tensor, [][]int) {
	if c.err == nil && logits != nil && len(logits.Shape) > 0 {
		if n := logits.Shape[len(logits.Shape)-1]; k <= 0 || k > n {
			return c.fail("gumbel-top-k: k=%d outside 1..%d", k, n), nil
		}
	}
	soft, z := c.perturbed("gumbel-top-k", logits, tau)
	if c.err != nil {
		return soft, nil
	}
	r, n := rows(soft)
	hard := make([]float32, len(soft.Data))
	idx := make([][]int, r)
	order := make([]int, n)
	for i := range r {
		row := z[i*n : (i+1)*n]
		for j := range order {
			order[j] = j
		}
		sort.SliceStable(order, func(a, b int) bool { return row[order[a]] > row[order[b]] })
		idx[i] = append([]int(nil), order[:k]...)
		for _, j := range idx[i] {
			hard[i*n+j] = 1
		}
	}
	y := StraightThrough(c, soft, hard)
	c.Release(soft)
	return y, idx
}
