package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestDepthwiseReLUMatchesUnfused checks the depthwise kernels of relu(x)
// against the plain path they replace, bit for bit: ReLURow into a tensor,
// the plain forward and backward on it, and the ReLU's mask applied to the
// input gradient (ReLUMaskAdd on the stored ReLU output). Inputs include
// ±0, infinities and NaNs of both signs.
func TestDepthwiseReLUMatchesUnfused(t *testing.T) {
	paths(t, func(t *testing.T) {
		withThreads(t, []int{1, 2, 3}, func(t *testing.T, threads int) {
			rng := rand.New(rand.NewPCG(61, uint64(threads)))
			for _, g := range testGeoms(rng, 30) {
				for _, nc := range [][2]int{{1, 1}, {3, 5}} {
					n, c := nc[0], nc[1]
					name := fmt.Sprintf("%s n=%d c=%d", geomName(g), n, c)
					checkDepthwiseReLU(t, rng, name, n, c, g)
				}
			}
		})
	})
}

func checkDepthwiseReLU(t *testing.T, rng *rand.Rand, name string, n, c int, g ConvGeom) {
	t.Helper()
	in, out := c*g.H*g.W, c*g.OH*g.OW
	x := specialSlice(rng, n*in)
	for i := range x { // finite values where the ReLU passes them, so the sums stay comparable
		if v := x[i]; math.IsInf(float64(v), 1) || v != v && math.Float32bits(v)>>31 == 0 {
			x[i] = 1.5
		}
	}
	w, dy := randSlice(rng, c*g.KH*g.KW), randSlice(rng, n*out)
	r := make([]float32, len(x))
	ReLURow(x, r)

	want, got := nanSlice(n*out), nanSlice(n*out)
	DepthwiseBatch(r, w, n, c, g, want)
	DepthwiseReLUBatch(x, w, n, c, g, got)
	if i := bitsEqual(got, want); i >= 0 {
		t.Fatalf("%s forward: [%d] = %v, want %v", name, i, got[i], want[i])
	}

	dx0, dw0 := randSlice(rng, n*in), randSlice(rng, len(w))
	dr, dwWant := make([]float32, n*in), append([]float32(nil), dw0...)
	DepthwiseBackwardBatch(r, w, dy, n, c, g, dr, dwWant)
	// the plain path adds the masked gradient of each plane to dx0
	dxWant := append([]float32(nil), dx0...)
	for pl := 0; pl < n*c; pl++ {
		p := g.H * g.W
		ReLUMaskAdd(dr[pl*p:(pl+1)*p], r[pl*p:(pl+1)*p], dxWant[pl*p:(pl+1)*p])
	}
	dx, dw := append([]float32(nil), dx0...), append([]float32(nil), dw0...)
	DepthwiseReLUBackwardBatch(x, w, dy, n, c, g, dx, dw)
	if i := bitsEqual(dx, dxWant); i >= 0 {
		t.Fatalf("%s dx: [%d] = %v, want %v (x %v)", name, i, dx[i], dxWant[i], x[i])
	}
	if i := bitsEqual(dw, dwWant); i >= 0 {
		t.Fatalf("%s dw: [%d] = %v, want %v", name, i, dw[i], dwWant[i])
	}
	dx2 := append([]float32(nil), dx0...)
	DepthwiseReLUBackwardBatch(x, w, dy, n, c, g, dx2, nil)
	if i := bitsEqual(dx2, dxWant); i >= 0 {
		t.Fatalf("%s dx only: [%d] = %v, want %v", name, i, dx2[i], dxWant[i])
	}
}
