package nn

import "testing"

// convCase builds a gradient-check row for Conv2d on x [n, cin, h, w] and
// weight [cout, cin/groups, kh, kw].
func convCase(name string, d dims4, cout, kh, kw int, o ConvOpts, bias, xGrad, wGrad bool) opCase {
	g := one(o.Groups)
	ins := []in{{shape: []int{d.n, d.c, d.h, d.w}, grad: xGrad}, {shape: []int{cout, d.c / g, kh, kw}, grad: wGrad}}
	if bias {
		ins = append(ins, in{shape: []int{cout}, grad: true})
	}
	return opCase{
		name: name,
		ins:  ins,
		run: func(c *Ctx, x []*Tensor) *Tensor {
			var b *Tensor
			if bias {
				b = x[2]
			}
			return Conv2d(c, x[0], x[1], b, o)
		},
		ref: func(x [][]float64) []float64 {
			var b []float64
			if bias {
				b = x[2]
			}
			in := x[0]
			if o.ReLUIn {
				in = make([]float64, len(x[0]))
				for i, v := range x[0] {
					in[i] = max(v, 0)
				}
			}
			return refConv(in, x[1], b, d, cout, kh, kw, o)
		},
	}
}

func TestConv2dGrad(t *testing.T) {
	sq := func(s, p, dl, g int) ConvOpts {
		return ConvOpts{SH: s, SW: s, DH: dl, DW: dl, Groups: g, Pad: Pads{p, p, p, p}}
	}
	cases := []opCase{
		convCase("dense3x3", dims4{2, 3, 7, 5}, 4, 3, 3, sq(1, 1, 1, 1), true, true, true),
		convCase("stride2-uneven-pad", dims4{2, 3, 7, 5}, 4, 3, 3, ConvOpts{SH: 2, SW: 2, Pad: Pads{1, 0, 2, 1}}, false, true, true),
		convCase("stride2x1", dims4{2, 2, 7, 5}, 3, 3, 2, ConvOpts{SH: 2, SW: 1, Pad: Pads{0, 1, 1, 0}}, true, true, true),
		convCase("dilation2", dims4{2, 3, 7, 5}, 2, 3, 3, sq(1, 2, 2, 1), false, true, true),
		convCase("dilation2-stride2", dims4{1, 2, 9, 7}, 3, 5, 5, sq(2, 4, 2, 1), false, true, true),
		convCase("groups2", dims4{2, 4, 7, 5}, 6, 3, 3, sq(2, 1, 1, 2), true, true, true),
		convCase("depthwise3x3", dims4{2, 4, 7, 5}, 4, 3, 3, sq(1, 1, 1, 4), false, true, true),
		convCase("depthwise5x5-s2-d2", dims4{2, 3, 9, 7}, 3, 5, 5, sq(2, 4, 2, 3), false, true, true),
		convCase("depthwise-multiplier", dims4{2, 2, 7, 5}, 4, 3, 3, sq(1, 1, 1, 2), false, true, true),
		convCase("pointwise", dims4{2, 3, 7, 5}, 5, 1, 1, ConvOpts{}, true, true, true),
		convCase("pointwise-groups", dims4{2, 4, 7, 5}, 6, 1, 1, ConvOpts{Groups: 2}, false, true, true),
		convCase("1x1-stride2", dims4{2, 3, 7, 5}, 2, 1, 1, ConvOpts{SH: 2, SW: 2}, false, true, true),
		convCase("1x3-gdas-frc", dims4{2, 8, 6, 6}, 8, 1, 3, ConvOpts{SH: 1, SW: 2, Groups: 8, Pad: Pads{0, 1, 0, 1}}, false, true, true),
		convCase("3x1-gdas-frc", dims4{2, 8, 6, 3}, 8, 3, 1, ConvOpts{SH: 2, SW: 1, Groups: 4, Pad: Pads{1, 0, 1, 0}}, false, true, true),
		convCase("weight-grad-only", dims4{2, 3, 7, 5}, 4, 3, 3, sq(2, 1, 1, 1), true, false, true),
		convCase("input-grad-only", dims4{2, 3, 7, 5}, 4, 3, 3, sq(2, 1, 1, 1), false, true, false),
		convCase("depthwise-input-grad-only", dims4{2, 3, 7, 5}, 3, 3, 3, sq(1, 1, 1, 3), false, true, false),
		convCase("pointwise-weight-grad-only", dims4{2, 3, 7, 5}, 4, 1, 1, ConvOpts{}, false, false, true),
		// checkOp uses 3 threads: four images are split over them (each
		// GEMM serial, the weight gradient in per-chunk sums); with two
		// images each GEMM is split instead.
		convCase("dense3x3-batch4", dims4{4, 3, 5, 4}, 4, 3, 3, sq(1, 1, 1, 1), true, true, true),
		convCase("pointwise-batch5", dims4{5, 3, 4, 3}, 4, 1, 1, ConvOpts{}, false, true, true),
		convCase("depthwise-batch4", dims4{4, 3, 5, 4}, 3, 3, 3, sq(1, 1, 1, 3), false, true, true),
		// Weights larger than the activations: one weight-gradient chunk,
		// images in turn.
		convCase("big-weights", dims4{2, 6, 3, 3}, 8, 3, 3, sq(1, 1, 1, 1), false, true, true),
		convCase("big-weights-batch4", dims4{4, 6, 2, 2}, 8, 3, 3, sq(1, 1, 1, 1), false, true, true),
		// relu(x) convolved: each path (im2col, pointwise, depthwise),
		// images split or in turn.
		convCase("relu-dense3x3", dims4{2, 3, 7, 5}, 4, 3, 3, reluIn(sq(1, 1, 1, 1)), true, true, true),
		convCase("relu-pointwise-batch5", dims4{5, 3, 4, 3}, 4, 1, 1, reluIn(ConvOpts{}), false, true, true),
		convCase("relu-1x1-stride2", dims4{2, 3, 7, 5}, 2, 1, 1, reluIn(ConvOpts{SH: 2, SW: 2}), false, true, true),
		convCase("relu-depthwise5x5-s2-d2", dims4{2, 3, 9, 7}, 3, 5, 5, reluIn(sq(2, 4, 2, 3)), false, true, true),
		convCase("relu-depthwise-input-grad-only", dims4{4, 3, 5, 4}, 3, 3, 3, reluIn(sq(1, 1, 1, 3)), false, true, false),
		convCase("relu-dense-input-grad-only", dims4{4, 3, 5, 4}, 2, 3, 3, reluIn(sq(1, 1, 1, 1)), false, true, false),
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkOp(t, tc) })
	}
}

func reluIn(o ConvOpts) ConvOpts {
	o.ReLUIn = true
	return o
}

func TestConv2dErrors(t *testing.T) {
	cases := []struct {
		name string
		x, w []int
		b    []int
		o    ConvOpts
	}{
		{"3-D input", []int{3, 7, 5}, []int{4, 3, 3, 3}, nil, ConvOpts{}},
		{"channel mismatch", []int{1, 3, 7, 5}, []int{4, 2, 3, 3}, nil, ConvOpts{}},
		{"groups do not divide", []int{1, 3, 7, 5}, []int{4, 1, 3, 3}, nil, ConvOpts{Groups: 2}},
		{"kernel too big", []int{1, 3, 2, 2}, []int{4, 3, 3, 3}, nil, ConvOpts{}},
		{"negative pad", []int{1, 3, 7, 5}, []int{4, 3, 3, 3}, nil, ConvOpts{Pad: Pads{-1, 0, 0, 0}}},
		{"bias size", []int{1, 3, 7, 5}, []int{4, 3, 3, 3}, []int{3}, ConvOpts{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCtx(1, 1)
			var b *Tensor
			if tc.b != nil {
				b = NewTensor(tc.b...)
			}
			Conv2d(c, NewTensor(tc.x...), NewParam(tc.w...), b, tc.o)
			if c.Err() == nil {
				t.Fatal("no error")
			}
			// Later ops return at once and Backward reports the error.
			y := ReLU(c, NewTensor(2))
			if err := c.Backward(y); err == nil {
				t.Fatal("backward after error: no error")
			}
			if c.Err() != nil || c.LiveBytes() != 0 {
				t.Fatalf("backward did not reset: err %v, live %d", c.Err(), c.LiveBytes())
			}
		})
	}
}
