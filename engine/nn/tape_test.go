package nn

import (
	"strings"
	"testing"
)

func TestReleaseFreesWhenNothingHolds(t *testing.T) {
	c := NewCtx(1, 1)
	p := NewParam(2, 3, 4, 4)
	w := NewParam(3, 6, 3, 3)
	for i := range p.Data {
		p.Data[i] = float32(i%7) - 3
	}
	for i := range w.Data {
		w.Data[i] = float32(i%5) - 2
	}
	pBytes := int64(len(p.Data) * 4)
	a := Scale(c, p, 2) // backward needs no data
	if got := c.LiveBytes(); got != pBytes {
		t.Fatalf("after scale live %d, want %d", got, pBytes)
	}
	b := Concat(c, a, a) // backward needs no data either
	c.Release(a)
	if got := c.LiveBytes(); got != 2*pBytes {
		t.Fatalf("after releasing the concat input live %d, want %d (only the concat output)", got, 2*pBytes)
	}
	y := Conv2d(c, b, w, nil, ConvOpts{Pad: Pads{1, 1, 1, 1}}) // keeps b for the weight gradient
	c.Release(b)
	c.Release(b) // harmless
	yBytes := int64(len(y.Data) * 4)
	if got := c.LiveBytes(); got != 2*pBytes+yBytes {
		t.Fatalf("conv input released early: live %d, want %d", got, 2*pBytes+yBytes)
	}
	if b.Released() {
		t.Fatal("conv input freed while the tape needs it")
	}
	loss := Sum(c, y)
	if err := c.Backward(loss); err != nil {
		t.Fatal(err)
	}
	if c.LiveBytes() != 0 || c.TapeLen() != 0 {
		t.Fatalf("after backward live %d tape %d", c.LiveBytes(), c.TapeLen())
	}
	if !y.Released() || !b.Released() {
		t.Fatal("backward did not release the op outputs")
	}
	if sum(p.Grad) == 0 || sum(w.Grad) == 0 {
		t.Fatal("no gradient reached the parameters")
	}
}

func TestUseAfterRelease(t *testing.T) {
	c := NewCtx(1, 1)
	c.SetGrad(false)
	x := NewTensor(1, 2, 3, 3)
	y := ReLU(c, x)
	c.Release(y)
	ReLU(c, y)
	if err := c.Err(); err == nil || !strings.Contains(err.Error(), "after release") {
		t.Fatalf("err = %v, want use after release", err)
	}
	c.Reset()
	if c.Err() != nil {
		t.Fatal("Reset did not clear the error")
	}
}

func TestAliasNeedsEveryRelease(t *testing.T) {
	c := NewCtx(1, 1)
	c.SetTrain(false)
	y := ReLU(c, NewTensor(2, 3))
	z := DropPath(c, y, 0.2) // identity in eval mode
	if z != y {
		t.Fatal("eval drop-path copied its input")
	}
	c.Release(y)
	if y.Released() {
		t.Fatal("freed while the alias is still held")
	}
	c.Release(z)
	if !y.Released() || c.LiveBytes() != 0 {
		t.Fatal("not freed after both handles were released")
	}
}

func TestNoGradRecordsNothing(t *testing.T) {
	c := NewCtx(1, 1)
	c.SetGrad(false)
	w := NewParam(4, 2, 3, 3)
	y := Conv2d(c, NewTensor(1, 2, 5, 5), w, nil, ConvOpts{})
	if y.RequiresGrad() || c.TapeLen() != 0 {
		t.Fatal("no-grad mode recorded a node")
	}
	if err := c.Backward(Sum(c, y)); err == nil {
		t.Fatal("backward without a graph: no error")
	}
}

func TestBackwardErrors(t *testing.T) {
	c := NewCtx(1, 1)
	p := NewParam(3)
	if err := c.Backward(Scale(c, p, 1)); err == nil {
		t.Error("non-scalar loss: no error")
	}
	if err := c.BackwardFrom(Scale(c, p, 1), []float32{1}); err == nil {
		t.Error("wrong gradient length: no error")
	}
	SoftmaxCrossEntropy(c, Scale(c, NewParam(2, 3), 1), []int{0, 3}, 0)
	if c.Err() == nil {
		t.Error("label out of range: no error")
	}
	c.Reset()
	Add(c, NewTensor(2), NewTensor(3))
	if c.Err() == nil {
		t.Error("add of different shapes: no error")
	}
	c.Reset()
	DropPath(c, NewTensor(2, 2), 1)
	if c.Err() == nil {
		t.Error("drop-path probability 1: no error")
	}
	c.Reset()
	GumbelTopK(c, NewTensor(4), 5, 1)
	if c.Err() == nil {
		t.Error("top-5 of 4: no error")
	}
	c.Reset()
	Pad2d(c, NewTensor(1, 1, 2, 2), Pads{-1, 0, -1, 0})
	if c.Err() == nil {
		t.Error("crop to nothing: no error")
	}
}

func TestRNGStateRoundTrip(t *testing.T) {
	c := NewCtx(42, 1)
	c.Rand().Float64()
	st, err := c.RNGState()
	if err != nil {
		t.Fatal(err)
	}
	a := c.Rand().Uint64()
	c.Rand().Uint64()
	if err := c.SetRNGState(st); err != nil {
		t.Fatal(err)
	}
	if b := c.Rand().Uint64(); a != b {
		t.Fatalf("after restore got %d, want %d", b, a)
	}
	if err := c.SetRNGState([]byte("junk")); err == nil {
		t.Fatal("bad state: no error")
	}
}

func TestParams(t *testing.T) {
	p := NewParams()
	if err := p.Add("a.weight", NewTensor(2, 3), false); err != nil {
		t.Fatal(err)
	}
	if err := p.Add("a.running_mean", NewTensor(3), true); err != nil {
		t.Fatal(err)
	}
	if err := p.Add("a.weight", NewTensor(1), false); err == nil {
		t.Error("duplicate name: no error")
	}
	if p.Count() != 6 || p.Len() != 2 || p.Bytes() != (6+6+3)*4 {
		t.Errorf("count %d len %d bytes %d", p.Count(), p.Len(), p.Bytes())
	}
	if !p.Get("a.weight").RequiresGrad() || p.Get("a.running_mean").RequiresGrad() || !p.IsBuffer("a.running_mean") {
		t.Error("gradient flags wrong")
	}
	if err := p.Set("a.weight", []float32{1, 2, 3, 4, 5, 6}); err != nil || p.Get("a.weight").Data[5] != 6 {
		t.Errorf("set: %v", err)
	}
	if err := p.Set("a.weight", []float32{1}); err == nil {
		t.Error("set with wrong length: no error")
	}
	if err := p.Set("nope", nil); err == nil {
		t.Error("set of unknown name: no error")
	}
	var names []string
	for n := range p.Learned() {
		names = append(names, n)
	}
	if len(names) != 1 || names[0] != "a.weight" {
		t.Errorf("learned = %v", names)
	}
	p.Get("a.weight").Grad[0] = 3
	p.ZeroGrad()
	if p.Get("a.weight").Grad[0] != 0 {
		t.Error("ZeroGrad left a gradient")
	}
}

// TestGradientsAccumulate checks that parameter gradients add up over
// several backward passes (ROME sums the weight gradients of K sub-models)
// until the caller zeroes them.
func TestGradientsAccumulate(t *testing.T) {
	w := NewParam(2, 3)
	for i := range w.Data {
		w.Data[i] = float32(i) - 2
	}
	x, _ := FromData([]float32{1, -2, 3, 0.5, 1, -1, 2, 2, -3}, 3, 3)
	step := func() {
		c := NewCtx(1, 1)
		if err := c.Backward(Sum(c, ReLU(c, Linear(c, x, w, nil)))); err != nil {
			t.Fatal(err)
		}
	}
	step()
	once := append([]float32(nil), w.Grad...)
	step()
	for i := range once {
		if w.Grad[i] != 2*once[i] {
			t.Fatalf("grad[%d] after two passes %g, after one %g", i, w.Grad[i], once[i])
		}
	}
}
