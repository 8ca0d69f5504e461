package kernels

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// poolGeoms are pool geometries (dilation 1, padding at most half the
// kernel): the DARTS 3x3 pools at stride 1 and 2, odd and even kernels
// (7x5, 2x2, 4x4), the auxiliary head's 5x5 stride 3, asymmetric padding,
// 1x1 windows and planes smaller than the window, then random ones.
func poolGeoms(rng *rand.Rand, n int) []ConvGeom {
	gs := []ConvGeom{
		mkGeom(16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
		mkGeom(16, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
		mkGeom(15, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
		mkGeom(17, 13, 7, 5, 1, 1, 3, 2, 3, 2, 1, 1),
		mkGeom(17, 13, 7, 5, 2, 2, 3, 0, 1, 2, 1, 1),
		mkGeom(8, 8, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1),
		mkGeom(8, 8, 5, 5, 3, 3, 0, 0, 0, 0, 1, 1),
		mkGeom(7, 6, 3, 2, 2, 1, 1, 0, 0, 1, 1, 1),
		mkGeom(9, 9, 4, 4, 1, 1, 2, 2, 1, 1, 1, 1),
		mkGeom(5, 40, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1),
		mkGeom(1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
		mkGeom(2, 3, 7, 5, 1, 2, 3, 2, 3, 2, 1, 1),
	}
	for len(gs) < n {
		kh, kw := 1+rng.IntN(7), 1+rng.IntN(7)
		pad := func(k int) int { return rng.IntN(k/2 + 1) }
		g := mkGeom(1+rng.IntN(20), 1+rng.IntN(30), kh, kw, 1+rng.IntN(3), 1+rng.IntN(3),
			pad(kh), pad(kw), pad(kh), pad(kw), 1, 1)
		if g.OH > 0 && g.OW > 0 {
			gs = append(gs, g)
		}
	}
	return gs
}

// poolInput fills n floats: normal values, or (ties) a few small integers
// with infinities and, for max pools, NaNs and signed zeros. (The average
// pools' 3-wide row sum keeps the sign of an all -0 row where the reference
// gives +0; that is the engine's behaviour, so average inputs have no -0.)
func poolInput(rng *rand.Rand, n int, ties, max bool) []float32 {
	if !ties {
		return randSlice(rng, n)
	}
	vals := []float32{-1, 0, 1, 2, 2, float32(math.Inf(1)), float32(math.Inf(-1))}
	if max {
		vals = append(vals, float32(math.Copysign(0, -1)), float32(math.NaN()), -float32(math.NaN()))
	}
	x := make([]float32, n)
	for i := range x {
		x[i] = vals[rng.IntN(len(vals))]
		if rng.IntN(3) > 0 {
			x[i] = float32(rng.IntN(3)) // fewer specials: most windows compare numbers
		}
	}
	return x
}

// TestPoolsMatchReference: the pools do the same operations in the same
// order as the reference loops, so results must match bit for bit, values,
// argmax indices and gradients, for every thread count.
func TestPoolsMatchReference(t *testing.T) {
	withThreads(t, []int{1, 2, 3}, func(t *testing.T, threads int) {
		rng := rand.New(rand.NewPCG(7, uint64(threads)))
		geoms, chans := poolGeoms(rng, 60), []int{1, 6, 70}
		if testing.Short() {
			geoms, chans = geoms[:30], []int{1, 6, 17}
		}
		for _, g := range geoms {
			for _, c := range chans {
				for _, ties := range []bool{false, true} {
					checkMaxPool(t, rng, g, c, ties)
					checkAvgPool(t, rng, g, c, ties, false)
					checkAvgPool(t, rng, g, c, ties, true)
				}
			}
		}
	})
}

func checkMaxPool(t *testing.T, rng *rand.Rand, g ConvGeom, c int, ties bool) {
	t.Helper()
	name := geomName(g)
	x := poolInput(rng, c*g.H*g.W, ties, true)
	out := c * g.OH * g.OW
	y, yWant := nanSlice(out), nanSlice(out)
	idx, idxWant := make([]int32, out), make([]int32, out)
	MaxPool(x, c, g, y, idx)
	refMaxPool(x, c, g, yWant, idxWant)
	if i := bitsEqual(y, yWant); i >= 0 {
		t.Fatalf("MaxPool %s c=%d ties=%v: y[%d] = %g, want %g", name, c, ties, i, y[i], yWant[i])
	}
	for i := range idx {
		if idx[i] != idxWant[i] {
			t.Fatalf("MaxPool %s c=%d ties=%v: idx[%d] = %d, want %d", name, c, ties, i, idx[i], idxWant[i])
		}
	}
	y = nanSlice(out)
	MaxPool(x, c, g, y, nil) // idx is optional
	if i := bitsEqual(y, yWant); i >= 0 {
		t.Fatalf("MaxPool without idx %s: y[%d] differs", name, i)
	}
	dy, dx0 := randSlice(rng, out), randSlice(rng, c*g.H*g.W)
	dx, dxWant := append([]float32(nil), dx0...), append([]float32(nil), dx0...)
	MaxPoolBackward(dy, idx, c, g, dx)
	refMaxPoolBackward(dy, idxWant, c, g, dxWant)
	if i := bitsEqual(dx, dxWant); i >= 0 {
		t.Fatalf("MaxPoolBackward %s c=%d: dx[%d] = %g, want %g", name, c, i, dx[i], dxWant[i])
	}
}

func checkAvgPool(t *testing.T, rng *rand.Rand, g ConvGeom, c int, ties, countPad bool) {
	t.Helper()
	fwd, bwd := AvgPool, AvgPoolBackward
	if countPad {
		fwd, bwd = AvgPoolCountPad, AvgPoolCountPadBackward
	}
	name := geomName(g)
	x := poolInput(rng, c*g.H*g.W, ties, false)
	out := c * g.OH * g.OW
	y, yWant := nanSlice(out), nanSlice(out)
	fwd(x, c, g, y)
	refAvgPool(x, c, g, yWant, countPad)
	if i := bitsEqual(y, yWant); i >= 0 {
		t.Fatalf("AvgPool %s c=%d countPad=%v: y[%d] = %g, want %g", name, c, countPad, i, y[i], yWant[i])
	}
	dy, dx0 := randSlice(rng, out), randSlice(rng, c*g.H*g.W)
	dx, dxWant := append([]float32(nil), dx0...), append([]float32(nil), dx0...)
	bwd(dy, c, g, dx)
	refAvgPoolBackward(dy, c, g, dxWant, countPad)
	if i := bitsEqual(dx, dxWant); i >= 0 {
		t.Fatalf("AvgPoolBackward %s c=%d countPad=%v: dx[%d] = %g, want %g", name, c, countPad, i, dx[i], dxWant[i])
	}
}

// TestPoolSemantics pins the documented corner cases with hand-made
// values: padding is never part of a window, the two divisors, the first
// maximum wins (-0 and +0 tie), a NaN beats everything and the first NaN
// wins, -Inf is a value.
func TestPoolSemantics(t *testing.T) {
	g := mkGeom(2, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1) // 2x3 plane, 3x3 window, pad 1
	x := []float32{
		1, 5, 5,
		-2, 0, 3,
	}
	y := make([]float32, 6)
	idx := make([]int32, 6)
	MaxPool(x, 1, g, y, idx)
	for i := range y {
		if y[i] != 5 || idx[i] != 1 {
			t.Fatalf("MaxPool[%d] = %g@%d, want 5@1", i, y[i], idx[i])
		}
	}
	AvgPool(x, 1, g, y)
	// corner (0,0) sees x[0,0..1], x[1,0..1]: (1+5-2+0)/4 = 1; (0,1) all 6: 12/6
	if y[0] != 1 || y[1] != 2 {
		t.Fatalf("AvgPool = %v, want 1 and 2 first (count_include_pad false)", y)
	}
	AvgPoolCountPad(x, 1, g, y)
	if y[0] != float32(4)/9 || y[1] != float32(12)/9 {
		t.Fatalf("AvgPoolCountPad = %v, want 4/9 and 12/9 first", y)
	}

	negZero := float32(math.Copysign(0, -1))
	inf, nan := float32(math.Inf(-1)), float32(math.NaN())
	g1 := mkGeom(1, 3, 1, 3, 1, 1, 0, 0, 0, 0, 1, 1)
	for _, tc := range []struct {
		x    []float32
		want float32
		idx  int32
	}{
		{[]float32{inf, inf, inf}, inf, 0},
		{[]float32{1, nan, 7}, nan, 1},
		{[]float32{1, nan, -nan}, nan, 1},
		{[]float32{-1, negZero, 0}, negZero, 1},
		{[]float32{0, negZero, -1}, 0, 0},
		{[]float32{2, 1, 2}, 2, 0},
	} {
		MaxPool(tc.x, 1, g1, y[:1], idx[:1])
		if math.Float32bits(y[0]) != math.Float32bits(tc.x[tc.idx]) || idx[0] != tc.idx {
			t.Fatalf("MaxPool(%v) = %g@%d, want %g@%d", tc.x, y[0], idx[0], tc.want, tc.idx)
		}
	}
}

// TestPoolRejects: dilation and windows wholly in the padding panic.
func TestPoolRejects(t *testing.T) {
	for _, g := range []ConvGeom{
		mkGeom(8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 2, 1), // dilated
		mkGeom(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), // 1x1 kernel, pad 1
		{KH: 3, KW: 3, SH: 1, SW: 1, DH: 1, DW: 1, H: 4, W: 4, OH: 6, OW: 4},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "every window") {
					t.Errorf("MaxPool %s: panic %v, want one about windows", geomName(g), r)
				}
			}()
			MaxPool(make([]float32, g.H*g.W), 1, g, make([]float32, g.OH*g.OW), nil)
		}()
	}
}
