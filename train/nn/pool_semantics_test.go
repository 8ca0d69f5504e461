package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonas/train/kernels"
)

// poolGeoms are the pooling windows the semantics tests cover: the DARTS
// 3x3 pools, stride 2, 2x2, the auxiliary head's 5x5 stride 3, and an
// asymmetric window and padding.
var poolGeoms = []struct {
	name string
	o    PoolOpts
}{
	{"3x3-s1-p1", PoolOpts{KH: 3, KW: 3, SH: 1, SW: 1, Pad: Pads{1, 1, 1, 1}}},
	{"3x3-s2-p1", PoolOpts{KH: 3, KW: 3, SH: 2, SW: 2, Pad: Pads{1, 1, 1, 1}}},
	{"2x2-s2", PoolOpts{KH: 2, KW: 2, SH: 2, SW: 2}},
	{"5x5-s3", PoolOpts{KH: 5, KW: 5, SH: 3, SW: 3}},
	{"3x2-asym", PoolOpts{KH: 3, KW: 2, SH: 2, SW: 1, Pad: Pads{1, 0, 0, 1}}},
}

func kernelGeom(x *Tensor, y *Tensor, o PoolOpts) kernels.ConvGeom {
	return kernels.ConvGeom{KH: o.KH, KW: o.KW, SH: o.SH, SW: o.SW, PT: o.Pad.T, PL: o.Pad.L, DH: 1, DW: 1,
		H: x.Shape[2], W: x.Shape[3], OH: y.Shape[2], OW: y.Shape[3]}
}

// TestMaxPoolMatchesKernels compares MaxPool2d, value and gradient routing,
// with the window-scan kernels.MaxPool on inputs full of ties, signed
// zeros, infinities and NaNs: the first maximum in window order wins, a
// NaN beats every number and the first NaN wins. Values and gradients must
// be bit-identical.
func TestMaxPoolMatchesKernels(t *testing.T) {
	nan := float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	vals := []float32{-1, 0, negZero, 1, 2, 2, float32(math.Inf(1)), float32(math.Inf(-1)), nan, -nan}
	for _, pg := range poolGeoms {
		t.Run(pg.name, func(t *testing.T) {
			smallGrain(t)
			r := rand.New(rand.NewPCG(uint64(len(pg.name)), 3))
			x := NewTensor(2, 3, 9, 8)
			for i := range x.Data {
				x.Data[i] = vals[r.IntN(len(vals))]
				if r.IntN(4) == 0 { // fewer NaNs: most windows compare numbers
					x.Data[i] = float32(r.IntN(3))
				}
			}
			x.SetRequiresGrad(true)
			c := NewCtx(1, 3)
			y := MaxPool2d(c, x, pg.o)
			if c.Err() != nil {
				t.Fatal(c.Err())
			}
			g := kernelGeom(x, y, pg.o)
			planes := 2 * 3
			want := make([]float32, len(y.Data))
			idx := make([]int32, len(y.Data))
			kernels.MaxPool(x.Data, planes, g, want, idx)
			for i := range want {
				if math.Float32bits(y.Data[i]) != math.Float32bits(want[i]) {
					t.Fatalf("y[%d] = %v, kernels %v", i, y.Data[i], want[i])
				}
			}
			dy := make([]float32, len(y.Data))
			for i := range dy {
				dy[i] = float32(r.IntN(9) - 4)
			}
			if err := c.BackwardFrom(y, dy); err != nil {
				t.Fatal(err)
			}
			dx := make([]float32, len(x.Data))
			kernels.MaxPoolBackward(dy, idx, planes, g, dx)
			for i := range dx {
				if x.Grad[i] != dx[i] {
					t.Fatalf("dx[%d] = %v, kernels %v", i, x.Grad[i], dx[i])
				}
			}
		})
	}
}

// TestAvgPoolMatchesKernels compares AvgPool2d (count_include_pad false)
// with kernels.AvgPool and its adjoint, within rounding (the separable sums
// add in another order).
func TestAvgPoolMatchesKernels(t *testing.T) {
	for _, pg := range poolGeoms {
		t.Run(pg.name, func(t *testing.T) {
			smallGrain(t)
			r := rand.New(rand.NewPCG(uint64(len(pg.name)), 4))
			x := randLeaf(r, []int{2, 3, 9, 8})
			c := NewCtx(1, 3)
			y := AvgPool2d(c, x, pg.o, false)
			if c.Err() != nil {
				t.Fatal(c.Err())
			}
			g := kernelGeom(x, y, pg.o)
			want := make([]float32, len(y.Data))
			kernels.AvgPool(x.Data, 6, g, want)
			nearKernels(t, "y", y.Data, want)
			dy := randLeaf(r, y.Shape).Data
			if err := c.BackwardFrom(y, dy); err != nil {
				t.Fatal(err)
			}
			dx := make([]float32, len(x.Data))
			kernels.AvgPoolBackward(dy, 6, g, dx)
			nearKernels(t, "dx", x.Grad, dx)
		})
	}
}

func nearKernels(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-6*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("%s[%d] = %v, kernels %v", what, i, got[i], want[i])
		}
	}
}
