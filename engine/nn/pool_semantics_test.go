package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// poolGeoms are the pooling windows the semantics test covers: the DARTS
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

// refMaxPlane is the plain-loop max pool of one h x w plane: per output,
// the plane index of the first maximum in row-major window order, a NaN
// beating every number and the first NaN winning (-0 and +0 tie).
func refMaxPlane(xs []float32, h, w, oh, ow int, o PoolOpts) []int {
	arg := make([]int, oh*ow)
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			best := -1
			for iy := max(oy*o.SH-o.Pad.T, 0); iy < min(oy*o.SH-o.Pad.T+o.KH, h); iy++ {
				for ix := max(ox*o.SW-o.Pad.L, 0); ix < min(ox*o.SW-o.Pad.L+o.KW, w); ix++ {
					v, i := xs[iy*w+ix], iy*w+ix
					if best < 0 || v > xs[best] || v != v && xs[best] == xs[best] {
						best = i
					}
				}
			}
			arg[oy*ow+ox] = best
		}
	}
	return arg
}

// TestMaxPoolSemantics compares MaxPool2d, value and gradient routing,
// with refMaxPlane on inputs full of ties, signed zeros, infinities and
// NaNs. Values and gradients must be bit-identical.
func TestMaxPoolSemantics(t *testing.T) {
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
			ys := append([]float32(nil), y.Data...) // backward releases y
			_, _, oh, ow := y.Dims4()
			dy := make([]float32, len(ys))
			for i := range dy {
				dy[i] = float32(r.IntN(9) - 4)
			}
			if err := c.BackwardFrom(y, dy); err != nil {
				t.Fatal(err)
			}
			dx := make([]float32, len(x.Data))
			for pl := 0; pl < 2*3; pl++ {
				xs := x.Data[pl*9*8:][:9*8]
				for o, a := range refMaxPlane(xs, 9, 8, oh, ow, pg.o) {
					if i := pl*oh*ow + o; math.Float32bits(ys[i]) != math.Float32bits(xs[a]) {
						t.Fatalf("y[%d] = %v, want %v", i, ys[i], xs[a])
					}
					dx[pl*9*8+a] += dy[pl*oh*ow+o]
				}
			}
			for i := range dx {
				if x.Grad[i] != dx[i] {
					t.Fatalf("dx[%d] = %v, want %v", i, x.Grad[i], dx[i])
				}
			}
		})
	}
}
