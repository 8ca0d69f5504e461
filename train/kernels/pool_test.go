package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPoolsMatchReference: pooling does the same operations in the same
// order as the reference loops, so results must match bit for bit.
func TestPoolsMatchReference(t *testing.T) {
	withThreads(t, []int{1, 2, 3}, func(t *testing.T, threads int) {
		rng := rand.New(rand.NewPCG(7, uint64(threads)))
		geoms, chans := testGeoms(rng, 60), []int{1, 6, 130}
		if testing.Short() {
			geoms, chans = geoms[:30], []int{1, 6, 33}
		}
		for _, g := range geoms {
			for _, c := range chans {
				name := geomName(g)
				x := randSlice(rng, c*g.H*g.W)
				out := c * g.OH * g.OW
				y, yWant := nanSlice(out), nanSlice(out)
				idx, idxWant := make([]int32, out), make([]int32, out)
				MaxPool(x, c, g, y, idx)
				refMaxPool(x, c, g, yWant, idxWant)
				if i := bitsEqual(y, yWant); i >= 0 {
					t.Fatalf("MaxPool %s c=%d: y[%d] = %g, want %g", name, c, i, y[i], yWant[i])
				}
				for i := range idx {
					if idx[i] != idxWant[i] {
						t.Fatalf("MaxPool %s c=%d: idx[%d] = %d, want %d", name, c, i, idx[i], idxWant[i])
					}
				}
				MaxPool(x, c, g, y, nil) // idx is optional
				if i := bitsEqual(y, yWant); i >= 0 {
					t.Fatalf("MaxPool without idx %s: y[%d] differs", name, i)
				}

				dy := randSlice(rng, out)
				dx0 := randSlice(rng, c*g.H*g.W)
				dx, dxWant := append([]float32(nil), dx0...), append([]float32(nil), dx0...)
				MaxPoolBackward(dy, idx, c, g, dx)
				refMaxPoolBackward(dy, idxWant, c, g, dxWant)
				if i := bitsEqual(dx, dxWant); i >= 0 {
					t.Fatalf("MaxPoolBackward %s c=%d: dx[%d] = %g, want %g", name, c, i, dx[i], dxWant[i])
				}

				AvgPool(x, c, g, y)
				refAvgPool(x, c, g, yWant)
				if i := bitsEqual(y, yWant); i >= 0 {
					t.Fatalf("AvgPool %s c=%d: y[%d] = %g, want %g", name, c, i, y[i], yWant[i])
				}
				dx, dxWant = append([]float32(nil), dx0...), append([]float32(nil), dx0...)
				AvgPoolBackward(dy, c, g, dx)
				refAvgPoolBackward(dy, c, g, dxWant)
				if i := bitsEqual(dx, dxWant); i >= 0 {
					t.Fatalf("AvgPoolBackward %s c=%d: dx[%d] = %g, want %g", name, c, i, dx[i], dxWant[i])
				}
			}
		}
	})
}

// TestPoolSemantics pins the documented corner cases with hand-made
// values: padding is never part of a window, averages divide by the
// in-plane count, the first maximum wins, NaN propagates, -Inf is a value.
func TestPoolSemantics(t *testing.T) {
	g := mkGeom(2, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1) // 2x3 plane, 3x3 window, pad 1
	x := []float32{
		1, 5, 5,
		-2, 0, 3,
	}
	y := make([]float32, 6)
	idx := make([]int32, 6)
	MaxPool(x, 1, g, y, idx)
	wantY := []float32{5, 5, 5, 5, 5, 5}
	wantIdx := []int32{1, 1, 1, 1, 1, 1}
	for i := range y {
		if y[i] != wantY[i] || idx[i] != wantIdx[i] {
			t.Fatalf("MaxPool[%d] = %g@%d, want %g@%d", i, y[i], idx[i], wantY[i], wantIdx[i])
		}
	}
	AvgPool(x, 1, g, y)
	// corner (0,0) sees x[0,0..1], x[1,0..1]: (1+5-2+0)/4 = 1
	if y[0] != 1 {
		t.Fatalf("AvgPool corner = %g, want 1 (count_include_pad false)", y[0])
	}
	// middle top (0,1) sees all 6: 12/6 = 2
	if y[1] != 2 {
		t.Fatalf("AvgPool middle = %g, want 2", y[1])
	}

	inf := float32(math.Inf(-1))
	nan := float32(math.NaN())
	g1 := mkGeom(1, 3, 1, 3, 1, 1, 0, 0, 0, 0, 1, 1)
	MaxPool([]float32{inf, inf, inf}, 1, g1, y[:1], idx[:1])
	if y[0] != inf || idx[0] != 0 {
		t.Fatalf("MaxPool of -Inf = %g@%d, want -Inf@0", y[0], idx[0])
	}
	MaxPool([]float32{1, nan, 7}, 1, g1, y[:1], idx[:1])
	if y[0] == y[0] || idx[0] != 1 {
		t.Fatalf("MaxPool with NaN = %g@%d, want NaN@1", y[0], idx[0])
	}
	// A window entirely in the padding: 0 and no gradient.
	g2 := mkGeom(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1) // 1x1 kernel, pad 1: 3x3 output
	y3, idx3 := make([]float32, 9), make([]int32, 9)
	MaxPool([]float32{4}, 1, g2, y3, idx3)
	if y3[0] != 0 || idx3[0] != -1 || y3[4] != 4 || idx3[4] != 0 {
		t.Fatalf("MaxPool padding-only windows: y=%v idx=%v", y3, idx3)
	}
	dx := []float32{0}
	MaxPoolBackward([]float32{1, 1, 1, 1, 1, 1, 1, 1, 1}, idx3, 1, g2, dx)
	if dx[0] != 1 {
		t.Fatalf("MaxPoolBackward through padding-only windows: dx = %g, want 1", dx[0])
	}
}
