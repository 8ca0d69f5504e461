package nn

import "testing"

// chain runs depth conv-BN-ReLU blocks without gradients, releasing each
// activation after its consumer as a network runner does, and returns the
// context's peak bytes.
func chain(depth int) (int64, *Ctx) {
	c := NewCtx(1, 2)
	c.SetGrad(false)
	c.SetTrain(false)
	w := NewParam(8, 8, 3, 3)
	rm, rv := NewTensor(8), NewTensor(8)
	for i := range rv.Data {
		rv.Data[i] = 1
	}
	x := NewTensor(2, 8, 16, 16)
	h := x
	for range depth {
		y := Conv2d(c, h, w, nil, ConvOpts{Pad: Pads{1, 1, 1, 1}})
		c.Release(h)
		z := BatchNorm(c, y, nil, nil, rm, rv, BNOpts{Eps: 1e-5})
		c.Release(y)
		h = ReLU(c, z)
		c.Release(z)
	}
	c.Release(h)
	return c.PeakBytes(), c
}

func TestNoGradPeakBounded(t *testing.T) {
	p5, c5 := chain(5)
	p40, c40 := chain(40)
	act := int64(2*8*16*16) * 4
	cols := int64(8*9*16*16) * 4
	if p40 != p5 {
		t.Errorf("peak grows with depth: %d bytes at depth 5, %d at depth 40", p5, p40)
	}
	// Two activations (an op's input and output) plus an im2col workspace
	// per thread (chain uses 2; images are split over the threads).
	if p40 > 2*act+2*cols {
		t.Errorf("peak %d bytes, want at most %d (two activations + 2 im2col)", p40, 2*act+2*cols)
	}
	if c40.LiveBytes() != 0 || c5.ReservedBytes() > 3*act+2*cols {
		t.Errorf("live %d after the chain, pool reserved %d", c40.LiveBytes(), c5.ReservedBytes())
	}
}

func TestBackwardReturnsToParams(t *testing.T) {
	c := NewCtx(1, 2)
	ps := NewParams()
	w1, w2 := NewParam(8, 3, 3, 3), NewParam(10, 8*4*4)
	g, b := NewParam(8), NewParam(8)
	for i := range w1.Data {
		w1.Data[i] = float32(i%9)/9 - 0.4
	}
	for i := range g.Data {
		g.Data[i] = 1
	}
	for _, e := range []struct {
		n string
		t *Tensor
	}{{"w1", w1}, {"w2", w2}, {"g", g}, {"b", b}} {
		if err := ps.Add(e.n, e.t, false); err != nil {
			t.Fatal(err)
		}
	}
	c.Account(ps.Bytes())
	x := NewTensor(4, 3, 8, 8)
	for i := range x.Data {
		x.Data[i] = float32(i%13) / 13
	}
	for step := range 3 {
		h := Conv2d(c, x, w1, nil, ConvOpts{Pad: Pads{1, 1, 1, 1}})
		h2 := BatchNorm(c, h, g, b, nil, nil, BNOpts{Eps: 1e-5})
		c.Release(h) // BN keeps it for backward
		h3 := ReLU(c, h2)
		c.Release(h2) // ReLU does not need it: freed now
		if !h2.Released() || h.Released() {
			t.Fatalf("step %d: BN output released %v, conv output released %v", step, h2.Released(), h.Released())
		}
		h4 := MaxPool2d(c, h3, PoolOpts{KH: 2, KW: 2})
		c.Release(h3)
		loss := SoftmaxCrossEntropy(c, Linear(c, h4, w2, nil), []int{1, 2, 3, 4}, 0)
		if c.LiveBytes() <= ps.Bytes() {
			t.Fatal("activations not counted")
		}
		if err := c.Backward(loss); err != nil {
			t.Fatal(err)
		}
		if got := c.LiveBytes(); got != ps.Bytes() {
			t.Fatalf("step %d: after backward live %d bytes, want the parameters' %d", step, got, ps.Bytes())
		}
	}
	if c.PeakBytes() <= ps.Bytes() {
		t.Fatalf("peak %d not above the parameters' %d", c.PeakBytes(), ps.Bytes())
	}
}
