package nn

import (
	"math/rand/v2"
	"testing"
)

// TestFreshGradTwice covers ops that take the same intermediate twice: the
// first occurrence writes h's fresh gradient buffer, the second adds to it.
func TestFreshGradTwice(t *testing.T) {
	shape := []int{2, 3, 4, 5}
	cases := []struct {
		name string
		run  func(c *Ctx, h *Tensor) *Tensor
		want func(proj []float32) []float32 // d/dh of sum(proj .* y)
	}{
		{"add", func(c *Ctx, h *Tensor) *Tensor { return Add(c, h, h) },
			func(p []float32) []float32 { return mapf(p, func(v float32) float32 { return 2 * v }) }},
		{"weightedsum", func(c *Ctx, h *Tensor) *Tensor {
			w, _ := FromData([]float32{0.5, -2}, 2)
			return WeightedSum(c, []*Tensor{h, h}, w)
		}, func(p []float32) []float32 { return mapf(p, func(v float32) float32 { return 0.5*v + -2*v }) }},
		{"concat", func(c *Ctx, h *Tensor) *Tensor { return Concat(c, h, h) },
			func(p []float32) []float32 {
				// y is [2, 6, 4, 5]: image n's first and second halves.
				per := 3 * 4 * 5
				out := make([]float32, 2*per)
				for n := range 2 {
					for i := range per {
						out[n*per+i] = p[n*2*per+i] + p[n*2*per+per+i]
					}
				}
				return out
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			smallGrain(t)
			x := randLeaf(rand.New(rand.NewPCG(1, 2)), shape)
			c := NewCtx(1, 2)
			y := tc.run(c, Scale(c, x, 1))
			proj := randLeaf(rand.New(rand.NewPCG(3, 4)), y.Shape).Data
			if err := c.BackwardFrom(y, proj); err != nil {
				t.Fatal(err)
			}
			for i, w := range tc.want(proj) {
				if x.Grad[i] != w {
					t.Fatalf("grad[%d] = %g, want %g", i, x.Grad[i], w)
				}
			}
		})
	}
}

// TestFreshGradManyConsumers feeds one tensor to several ops: its gradient
// buffer is written by the last consumer's backward (the first replayed)
// and added to by the others. The input's gradient must be bit-identical
// to the one a leaf gets, whose zeroed buffer every consumer adds to.
func TestFreshGradManyConsumers(t *testing.T) {
	smallGrain(t)
	r := rand.New(rand.NewPCG(5, 6))
	x := randLeaf(r, []int{2, 4, 6, 5})
	w1, wd := randLeaf(r, []int{4, 4, 1, 1}), randLeaf(r, []int{4, 1, 3, 3})
	w3 := randLeaf(r, []int{4, 4, 3, 3})
	graph := func(c *Ctx, h *Tensor) *Tensor {
		p1 := Pads{1, 1, 1, 1}
		ys := []*Tensor{
			ReLU(c, h),
			MaxPool2d(c, h, PoolOpts{KH: 3, KW: 3, SH: 1, SW: 1, Pad: p1}),
			AvgPool2d(c, h, PoolOpts{KH: 3, KW: 3, SH: 1, SW: 1, Pad: p1}, false),
			Conv2d(c, h, w1, nil, ConvOpts{}),
			Conv2d(c, h, wd, nil, ConvOpts{Groups: 4, Pad: p1}),
			Conv2d(c, h, w3, nil, ConvOpts{Pad: p1}),
			BatchNorm(c, h, nil, nil, nil, nil, BNOpts{Eps: 1e-5}),
			DropPath(c, h, 0.3),
		}
		return Add(c, ys...)
	}
	var grads [2][]float32
	for k, through := range []bool{false, true} {
		x.ZeroGrad()
		c := NewCtx(9, 2)
		h := x
		if through {
			h = Scale(c, x, 1)
		}
		y := graph(c, h)
		if err := c.BackwardFrom(y, randLeaf(rand.New(rand.NewPCG(7, 8)), y.Shape).Data); err != nil {
			t.Fatal(err)
		}
		grads[k] = append([]float32(nil), x.Grad...)
	}
	for i := range grads[0] {
		if grads[0][i] != grads[1][i] {
			t.Fatalf("grad[%d] = %g through an intermediate, %g directly", i, grads[1][i], grads[0][i])
		}
	}
}

func randLeaf(r *rand.Rand, shape []int) *Tensor {
	t := NewTensor(shape...)
	for i := range t.Data {
		t.Data[i] = float32(r.Float64()*2 - 1)
	}
	t.SetRequiresGrad(true)
	return t
}

func mapf(p []float32, f func(float32) float32) []float32 {
	out := make([]float32, len(p))
	for i, v := range p {
		out[i] = f(v)
	}
	return out
}
