package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// miniNet is a small search-like network touching every stochastic and
// reducing op: conv (dense, depthwise, pointwise), BN, ReLU, pools, a Gumbel
// mixed op, drop-path, GAP, linear and the loss. It returns the loss and
// every gradient, flattened.
func miniNet(threads int) (float32, []float32) {
	c := NewCtx(11, threads)
	r := rand.New(rand.NewPCG(5, 5))
	fill := func(t *Tensor, s float64) *Tensor {
		for i := range t.Data {
			t.Data[i] = float32((r.Float64()*2 - 1) * s)
		}
		return t
	}
	x := fill(NewTensor(8, 3, 12, 10), 1)
	w1 := fill(NewParam(16, 3, 3, 3), 0.3)
	dw := fill(NewParam(16, 1, 3, 3), 0.3)
	pw := fill(NewParam(16, 16, 1, 1), 0.3)
	g, b := fill(NewParam(16), 1), fill(NewParam(16), 1)
	rm, rv := NewTensor(16), NewTensor(16)
	for i := range rv.Data {
		rv.Data[i] = 1
	}
	alpha := fill(NewParam(1, 4), 1)
	fcw, fcb := fill(NewParam(10, 16), 0.3), fill(NewParam(10), 0.3)
	params := []*Tensor{w1, dw, pw, g, b, alpha, fcw, fcb}

	h := Conv2d(c, x, w1, nil, ConvOpts{SH: 2, SW: 2, Pad: Pads{1, 1, 1, 1}})
	h = ReLU(c, BatchNorm(c, h, g, b, rm, rv, BNOpts{Eps: 1e-5, Momentum: 0.1}))
	ops := []*Tensor{
		MaxPool2d(c, h, PoolOpts{KH: 3, KW: 3, SH: 1, SW: 1, Pad: Pads{1, 1, 1, 1}}),
		AvgPool2d(c, h, PoolOpts{KH: 3, KW: 3, SH: 1, SW: 1, Pad: Pads{1, 1, 1, 1}}, false),
		Conv2d(c, Conv2d(c, h, dw, nil, ConvOpts{Groups: 16, Pad: Pads{1, 1, 1, 1}}), pw, nil, ConvOpts{}),
		Zero(c, h, 1),
	}
	soft := WeightedSum(c, ops, Softmax(c, alpha))
	hard, idx := GumbelSoftmaxST(c, alpha, 1)
	single := WeightedSum(c, ops[idx[0]:idx[0]+1], Gather(c, hard, idx[0]))
	y := DropPath(c, Add(c, soft, single), 0.25)
	logits := Linear(c, GlobalAvgPool(c, y), fcw, fcb)
	loss := SoftmaxCrossEntropy(c, logits, []int{0, 1, 2, 3, 4, 5, 6, 7}, 0.1)
	if c.Err() != nil {
		panic(c.Err())
	}
	l := loss.Item()
	if err := c.Backward(loss); err != nil {
		panic(err)
	}
	var grads []float32
	for _, p := range params {
		grads = append(grads, p.Grad...)
	}
	return l, append(grads, rm.Data...)
}

func TestDeterminism(t *testing.T) {
	smallGrain(t)
	l1, g1 := miniNet(2)
	l2, g2 := miniNet(2)
	if math.Float32bits(l1) != math.Float32bits(l2) {
		t.Fatalf("same seed and threads: loss %v then %v", l1, l2)
	}
	for i := range g1 {
		if math.Float32bits(g1[i]) != math.Float32bits(g2[i]) {
			t.Fatalf("same seed and threads: grad %d %v then %v", i, g1[i], g2[i])
		}
	}
	// Reductions are formed in a fixed order, so the thread count does not
	// change the result either.
	for _, th := range []int{1, 3} {
		l3, g3 := miniNet(th)
		if math.Float32bits(l1) != math.Float32bits(l3) {
			t.Fatalf("threads %d: loss %v, with 2 threads %v", th, l3, l1)
		}
		for i := range g1 {
			if math.Float32bits(g1[i]) != math.Float32bits(g3[i]) {
				t.Fatalf("threads %d: grad %d %v, with 2 threads %v", th, i, g3[i], g1[i])
			}
		}
	}
}

func TestGumbelSoftmaxFrequencies(t *testing.T) {
	// Gumbel-max: argmax(log p + g) is distributed as p, whatever tau.
	logits := []float32{0.5, -1, 2, 0, 1}
	a, _ := FromData(logits, 5)
	c := NewCtx(3, 1)
	c.SetGrad(false)
	const n = 20000
	counts := make([]int, 5)
	for range n {
		_, idx := GumbelSoftmaxST(c, a, 0.3)
		counts[idx[0]]++
		c.Reset()
	}
	p := softmax64(logits)
	for i, k := range counts {
		checkFreq(t, "index", i, k, n, p[i])
	}
}

func TestGumbelTopKFrequencies(t *testing.T) {
	// ROME §3.5: Gumbel-top-2 samples 2 distinct entries without replacement,
	// so P(i chosen) = p_i + sum_{j != i} p_j p_i / (1 - p_j).
	logits := []float32{1, -0.5, 0.3, 0, -2}
	a, _ := FromData(logits, 5)
	c := NewCtx(4, 1)
	c.SetGrad(false)
	const n = 20000
	counts := make([]int, 5)
	for range n {
		m, idx := GumbelTopK(c, a, 2, 2)
		for _, i := range idx[0] {
			counts[i]++
			if m.Data[i] < 0.999 {
				t.Fatalf("mask %v misses chosen %d", m.Data, i)
			}
		}
		c.Reset()
	}
	p := softmax64(logits)
	for i, k := range counts {
		want := p[i]
		for j := range p {
			if j != i {
				want += p[j] * p[i] / (1 - p[j])
			}
		}
		checkFreq(t, "edge", i, k, n, want)
	}
}

func softmax64(x []float32) []float64 {
	xs := make([]float64, len(x))
	for i, v := range x {
		xs[i] = float64(v)
	}
	return refSoftmaxRows(xs, len(xs), false)
}

func checkFreq(t *testing.T, what string, i, k, n int, p float64) {
	t.Helper()
	f := float64(k) / float64(n)
	sigma := math.Sqrt(p * (1 - p) / float64(n))
	if math.Abs(f-p) > 5*sigma {
		t.Errorf("%s %d: frequency %.4f, want %.4f (5 sigma = %.4f)", what, i, f, p, 5*sigma)
	}
}
