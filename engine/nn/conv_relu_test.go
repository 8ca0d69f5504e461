package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestConv2dReLUInMatchesReLUThenConv checks the fused ReLU against the
// plain ReLU followed by the convolution, bit for bit: output and every
// gradient, on each convolution path, with 1 and 3 threads, with the
// input's gradient fresh or accumulating (x also read by another op), and
// with zeros, negative zeros and infinities in x.
func TestConv2dReLUInMatchesReLUThenConv(t *testing.T) {
	sq := func(s, p, dl, g int) ConvOpts {
		return ConvOpts{SH: s, SW: s, DH: dl, DW: dl, Groups: g, Pad: Pads{p, p, p, p}}
	}
	cases := []struct {
		name       string
		d          dims4
		cout, k    int
		o          ConvOpts
		bias, wGrd bool
	}{
		{"dense3x3", dims4{4, 3, 7, 5}, 4, 3, sq(1, 1, 1, 1), true, true},
		{"dense-batch1", dims4{1, 3, 7, 5}, 4, 3, sq(2, 1, 1, 1), false, true},
		{"pointwise", dims4{5, 6, 4, 3}, 4, 1, ConvOpts{}, true, true},
		{"pointwise-dx-only", dims4{5, 6, 4, 3}, 4, 1, ConvOpts{}, false, false},
		{"1x1-stride2", dims4{3, 3, 8, 8}, 2, 1, ConvOpts{SH: 2, SW: 2}, false, true},
		{"grouped", dims4{3, 4, 7, 5}, 6, 3, sq(1, 1, 1, 2), false, true},
		{"depthwise3x3", dims4{3, 4, 9, 9}, 4, 3, sq(1, 1, 1, 4), false, true},
		{"depthwise5x5-dil2", dims4{3, 4, 9, 9}, 4, 5, sq(1, 4, 2, 4), false, true},
		{"depthwise-stride2", dims4{3, 4, 8, 8}, 4, 3, sq(2, 1, 1, 4), false, true},
		{"depthwise-direct", dims4{2, 3, 6, 6}, 3, 3, sq(1, 0, 1, 3), false, true},
		{"depthwise-dx-only", dims4{3, 4, 8, 8}, 4, 3, sq(1, 1, 1, 4), false, false},
	}
	for _, tc := range cases {
		for _, threads := range []int{1, 3} {
			for _, shared := range []bool{false, true} {
				name := fmt.Sprintf("%s/threads=%d/shared=%v", tc.name, threads, shared)
				t.Run(name, func(t *testing.T) {
					w := []int{tc.cout, tc.d.c / one(tc.o.Groups), tc.k, tc.k}
					plain := runReLUConv(t, tc.d, w, tc.o, tc.bias, tc.wGrd, shared, threads, false)
					fused := runReLUConv(t, tc.d, w, tc.o, tc.bias, tc.wGrd, shared, threads, true)
					for i := range plain {
						what := []string{"y", "dx", "dw", "db"}[i]
						if shared && what == "dx" {
							// Two gradients meet at x: the fused path masks
							// each and adds them, the plain one adds them
							// before the mask, in another rounding order.
							if j := firstFar(fused[i], plain[i], 1e-5); j >= 0 {
								t.Fatalf("%s [%d]: fused %v, ReLU then conv %v", what, j, fused[i][j], plain[i][j])
							}
							continue
						}
						if j := firstBitDiff(fused[i], plain[i]); j >= 0 {
							t.Fatalf("%s [%d]: fused %v, ReLU then conv %v", what, j, fused[i][j], plain[i][j])
						}
					}
				})
			}
		}
	}
}

// runReLUConv runs conv(relu(x)) (fused, or as ReLU then Conv2d) and its
// backward on fixed random inputs; with shared, two such convolutions read
// x (their outputs concatenated), so its gradient accumulates. It returns
// y, dx, dw and db.
func runReLUConv(t *testing.T, d dims4, wShape []int, o ConvOpts, bias, wGrad, shared bool, threads int, fused bool) [][]float32 {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, uint64(d.n*d.c)))
	x := NewTensor(d.n, d.c, d.h, d.w)
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64())
		switch rng.IntN(12) {
		case 0:
			x.Data[i] = 0
		case 1:
			x.Data[i] = float32(math.Copysign(0, -1))
		case 2:
			x.Data[i] = float32(math.Inf(-1))
		}
	}
	x.SetRequiresGrad(true)
	leaf := x
	w := NewTensor(wShape...)
	for i := range w.Data {
		w.Data[i] = float32(rng.NormFloat64())
	}
	w.SetRequiresGrad(wGrad)
	var b *Tensor
	if bias {
		b = NewTensor(wShape[0])
		for i := range b.Data {
			b.Data[i] = float32(rng.NormFloat64())
		}
		b.SetRequiresGrad(true)
	}
	c := NewCtx(1, threads)
	c.SetTrain(true)
	// An intermediate x, whose gradient buffer starts fresh (a leaf's
	// accumulates); x*1 is exact both ways.
	x = Scale(c, leaf, 1)
	var y *Tensor
	convs := 1
	if shared {
		convs = 2
	}
	var ys []*Tensor
	if fused {
		o.ReLUIn = true
		for range convs {
			ys = append(ys, Conv2d(c, x, w, b, o))
		}
	} else {
		r := ReLU(c, x)
		for range convs {
			ys = append(ys, Conv2d(c, r, w, b, o))
		}
	}
	y = ys[0]
	if shared {
		y = Concat(c, ys...)
	}
	dy := make([]float32, len(y.Data))
	for i := range dy {
		dy[i] = float32(rng.NormFloat64())
	}
	out := append([]float32(nil), y.Data...)
	if err := c.BackwardFrom(y, dy); err != nil {
		t.Fatal(err)
	}
	if err := c.Err(); err != nil {
		t.Fatal(err)
	}
	res := [][]float32{out, append([]float32(nil), leaf.Grad...), nil, nil}
	if wGrad {
		res[2] = append([]float32(nil), w.Grad...)
	}
	if bias {
		res[3] = append([]float32(nil), b.Grad...)
	}
	return res
}

func firstBitDiff(a, b []float32) int {
	if len(a) != len(b) {
		return 0
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}

// firstFar is the first index where a and b differ by more than tol
// relative to max(1, |b|), or are not both finite alike; -1 if none.
func firstFar(a, b []float32, tol float64) int {
	if len(a) != len(b) {
		return 0
	}
	for i := range a {
		d := math.Abs(float64(a[i]) - float64(b[i]))
		if !(d <= tol*max(1, math.Abs(float64(b[i])))) {
			return i
		}
	}
	return -1
}
