package nn

import (
	"math"
	"testing"
)

func bnCase(name string, d dims4, affine, eval bool) opCase {
	shape := []int{d.n, d.c, d.h, d.w}
	if d.h == 0 {
		shape = []int{d.n, d.c}
		d.h, d.w = 1, 1
	}
	ins := []in{
		{shape: shape, grad: true, init: uniform(-2, 3)},
		{shape: []int{d.c}, init: uniform(-0.5, 0.5)}, // running mean
		{shape: []int{d.c}, init: uniform(0.5, 2)},    // running var
	}
	if affine {
		ins = append(ins, in{shape: []int{d.c}, grad: true, init: uniform(0.5, 1.5)}, in{shape: []int{d.c}, grad: true})
	}
	const eps = 1e-5
	return opCase{
		name: name, ins: ins, eval: eval,
		run: func(c *Ctx, x []*Tensor) *Tensor {
			var w, b *Tensor
			if affine {
				w, b = x[3], x[4]
			}
			return BatchNorm(c, x[0], w, b, x[1], x[2], BNOpts{Eps: eps, Momentum: 0.1})
		},
		ref: func(x [][]float64) []float64 {
			var w, b []float64
			if affine {
				w, b = x[3], x[4]
			}
			return refBN(x[0], w, b, x[1], x[2], d, eps, !eval)
		},
	}
}

func TestBatchNormGrad(t *testing.T) {
	for _, tc := range []opCase{
		bnCase("train-affine", dims4{3, 4, 5, 3}, true, false),
		bnCase("train-plain", dims4{2, 3, 7, 5}, false, false),
		bnCase("train-2d", dims4{5, 3, 0, 0}, true, false),
		bnCase("eval-affine", dims4{3, 4, 5, 3}, true, true),
		bnCase("eval-plain", dims4{2, 3, 7, 5}, false, true),
	} {
		t.Run(tc.name, func(t *testing.T) { checkOp(t, tc) })
	}
}

// TestBatchNormRunningStats checks the PyTorch update: running_mean moves
// towards the batch mean, running_var towards the unbiased batch variance.
func TestBatchNormRunningStats(t *testing.T) {
	c := NewCtx(1, 2)
	x := NewTensor(2, 2, 3, 1)
	copy(x.Data, []float32{1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60})
	rm, rv := NewTensor(2), NewTensor(2)
	rm.Data[0], rm.Data[1], rv.Data[0], rv.Data[1] = 0.5, -1, 1, 2
	BatchNorm(c, x, nil, nil, rm, rv, BNOpts{Eps: 1e-5, Momentum: 0.1})
	if c.Err() != nil {
		t.Fatal(c.Err())
	}
	// Channel 0: {1,2,3,4,5,6}, mean 3.5, unbiased var 3.5.
	// Channel 1: {10..60 by 10}, mean 35, unbiased var 350.
	want := [][2]float64{{0.9*0.5 + 0.1*3.5, 0.9*1 + 0.1*3.5}, {0.9*-1 + 0.1*35, 0.9*2 + 0.1*350}}
	for ch, w := range want {
		if math.Abs(float64(rm.Data[ch])-w[0]) > 1e-5 || math.Abs(float64(rv.Data[ch])-w[1]) > 1e-4 {
			t.Errorf("channel %d: running mean %g var %g, want %g %g", ch, rm.Data[ch], rv.Data[ch], w[0], w[1])
		}
	}
	// Eval mode leaves them alone.
	c.SetTrain(false)
	before := append([]float32(nil), rm.Data...)
	BatchNorm(c, x, nil, nil, rm, rv, BNOpts{Eps: 1e-5, Momentum: 0.1})
	if rm.Data[0] != before[0] || rm.Data[1] != before[1] {
		t.Error("eval mode changed the running mean")
	}
	// One value per channel cannot be normalised in training.
	c.SetTrain(true)
	BatchNorm(c, NewTensor(1, 2, 1, 1), nil, nil, rm, rv, BNOpts{Eps: 1e-5})
	if c.Err() == nil {
		t.Error("no error for one value per channel in training")
	}
}

func poolCase(name string, d dims4, o PoolOpts, avg, includePad bool) opCase {
	return opCase{
		name: name,
		ins:  []in{{shape: []int{d.n, d.c, d.h, d.w}, grad: true}},
		run: func(c *Ctx, x []*Tensor) *Tensor {
			if avg {
				return AvgPool2d(c, x[0], o, includePad)
			}
			return MaxPool2d(c, x[0], o)
		},
		ref: func(x [][]float64) []float64 { return refPool(x[0], d, o, avg, includePad) },
	}
}

func TestPoolGrad(t *testing.T) {
	p1 := Pads{1, 1, 1, 1}
	var cases []opCase
	for _, k := range []struct {
		name      string
		avg, incl bool
	}{{"max", false, false}, {"avg-exclude-pad", true, false}, {"avg-include-pad", true, true}} {
		cases = append(cases,
			poolCase(k.name+"-3x3-s1-p1", dims4{2, 3, 7, 5}, PoolOpts{KH: 3, KW: 3, SH: 1, SW: 1, Pad: p1}, k.avg, k.incl),
			poolCase(k.name+"-3x3-s2-p1", dims4{2, 3, 7, 5}, PoolOpts{KH: 3, KW: 3, SH: 2, SW: 2, Pad: p1}, k.avg, k.incl),
			poolCase(k.name+"-2x2-s2", dims4{2, 2, 7, 5}, PoolOpts{KH: 2, KW: 2, SH: 2, SW: 2}, k.avg, k.incl),
			poolCase(k.name+"-3x2-asym", dims4{1, 2, 7, 6}, PoolOpts{KH: 3, KW: 2, SH: 2, SW: 1, Pad: Pads{1, 0, 0, 1}}, k.avg, k.incl),
			poolCase(k.name+"-aux-5x5-s3", dims4{2, 2, 8, 8}, PoolOpts{KH: 5, KW: 5, SH: 3, SW: 3}, k.avg, k.incl),
		)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkOp(t, tc) })
	}
}

func TestPoolErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    PoolOpts
	}{
		{"pad over half", PoolOpts{KH: 3, KW: 3, Pad: Pads{2, 2, 2, 2}}},
		{"zero kernel", PoolOpts{}},
		{"too big", PoolOpts{KH: 9, KW: 9}},
	} {
		c := NewCtx(1, 1)
		MaxPool2d(c, NewTensor(1, 1, 5, 5), tc.o)
		if c.Err() == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
