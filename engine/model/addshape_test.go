package model

import (
	"math"
	"testing"

	"gonas/engine/nn"
	"gonas/internal/spec"
)

// TestAddLinearAndMap runs a spec that adds a Linear output ([N, C] in the
// engine) to a global-pool output ([N, C, 1, 1]): the spec gives both the
// per-image shape C x 1 x 1, so the engine must accept the pair. The logits
// are compared with a float64 evaluation of the same weights, and backward
// must reach every parameter.
func TestAddLinearAndMap(t *testing.T) {
	b := spec.NewBuilder(spec.Shape{C: 3, H: 4, W: 4})
	g := b.GAP("gap", 0)
	l1 := b.Linear("l1", g, 3)
	out := b.Linear("fc", b.Add("sum", g, l1), 2)
	net, err := b.Finish(2, out, 0)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(net, 1)
	if err != nil {
		t.Fatal(err)
	}
	x, labels := batch(2, net.Input, 2, 3)
	c := nn.NewCtx(1, 2)
	logits, _, err := m.Forward(c, x)
	if err != nil {
		t.Fatal(err)
	}
	w1, b1 := m.Params.Get("l1.weight").Data, m.Params.Get("l1.bias").Data
	wf, bf := m.Params.Get("fc.weight").Data, m.Params.Get("fc.bias").Data
	for n := 0; n < 2; n++ {
		gap := make([]float64, 3)
		for ch := range gap {
			for _, v := range x.Data[(n*3+ch)*16 : (n*3+ch+1)*16] {
				gap[ch] += float64(v) / 16
			}
		}
		sum := make([]float64, 3)
		for o := range sum {
			sum[o] = gap[o] + float64(b1[o])
			for i := range gap {
				sum[o] += float64(w1[o*3+i]) * gap[i]
			}
		}
		for o := 0; o < 2; o++ {
			want := float64(bf[o])
			for i := range sum {
				want += float64(wf[o*3+i]) * sum[i]
			}
			if got := float64(logits.Data[n*2+o]); math.Abs(got-want) > 1e-5 {
				t.Fatalf("logit %d,%d = %v, want %v", n, o, got, want)
			}
		}
	}
	if err := c.Backward(nn.SoftmaxCrossEntropy(c, logits, labels, 0)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"l1.weight", "l1.bias", "fc.weight", "fc.bias"} {
		nonzero := false
		for _, v := range m.Params.Get(name).Grad {
			nonzero = nonzero || v != 0
		}
		if !nonzero {
			t.Errorf("%s got no gradient", name)
		}
	}
}
