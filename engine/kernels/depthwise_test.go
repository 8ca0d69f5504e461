package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// checkClose fails when got and want differ by more than tol*bound.
func checkClose(t *testing.T, what string, got, want, bound []float32, tol float64) {
	t.Helper()
	if i, ok := closeTo(got, want, bound, tol); !ok {
		t.Fatalf("%s: [%d] = %g, want %g (bound %g)", what, i, got[i], want[i], bound[i])
	}
}

func addAbs(a, b []float32) []float32 {
	out := absSlice(a)
	for i, v := range absSlice(b) {
		out[i] += v
	}
	return out
}

// TestDepthwiseMatchesReference runs forward and backward (per image and
// batched) against the reference loops. The sums are reordered, so the
// check is a forward error bound from the same loops run on |x|, |w|, |dy|.
func TestDepthwiseMatchesReference(t *testing.T) {
	paths(t, func(t *testing.T) {
		withThreads(t, []int{1, 2, 3}, func(t *testing.T, threads int) {
			rng := rand.New(rand.NewPCG(6, uint64(threads)))
			geoms := testGeoms(rng, 50)
			if testing.Short() {
				geoms = geoms[:25]
			}
			for _, g := range geoms {
				for _, nc := range [][2]int{{1, 1}, {1, 5}, {3, 7}} {
					n, c := nc[0], nc[1]
					name := fmt.Sprintf("%s n=%d c=%d", geomName(g), n, c)
					runDepthwiseCase(t, rng, name, n, c, g)
				}
			}
		})
	})
}

func runDepthwiseCase(t *testing.T, rng *rand.Rand, name string, n, c int, g ConvGeom) {
	t.Helper()
	kk := g.KH * g.KW
	in, out := c*g.H*g.W, c*g.OH*g.OW
	x := randSlice(rng, n*in)
	w := randSlice(rng, c*kk)
	dy := randSlice(rng, n*out)
	tol := 2 * float64(kk*n*g.OH*g.OW+4) * 0x1p-23
	tolX := 2 * float64(kk+4) * 0x1p-23

	// forward
	want := make([]float32, n*out)
	bound := make([]float32, n*out)
	for i := 0; i < n; i++ {
		refDepthwise(x[i*in:], w, c, g, want[i*out:])
		refDepthwise(absSlice(x[i*in:(i+1)*in]), absSlice(w), c, g, bound[i*out:])
	}
	got := nanSlice(n * out)
	DepthwiseBatch(x, w, n, c, g, got)
	checkClose(t, name+" forward", got, want, bound, tolX)
	if n == 1 {
		got1 := nanSlice(out)
		Depthwise(x, w, c, g, got1)
		checkClose(t, name+" Depthwise", got1, want, bound, tolX)
	}

	// backward
	dx0, dw0 := randSlice(rng, n*in), randSlice(rng, c*kk)
	dxWant := append([]float32(nil), dx0...)
	dwWant := append([]float32(nil), dw0...)
	dxBound := make([]float32, n*in)
	dwBound := absSlice(dw0)
	for i := 0; i < n; i++ {
		refDepthwiseBackward(x[i*in:], w, dy[i*out:], c, g, dxWant[i*in:], dwWant)
		refDepthwiseBackward(absSlice(x[i*in:(i+1)*in]), absSlice(w), absSlice(dy[i*out:(i+1)*out]), c, g, dxBound[i*in:], dwBound)
	}
	dxBound = addAbs(dxBound, dx0)
	dx, dw := append([]float32(nil), dx0...), append([]float32(nil), dw0...)
	DepthwiseBackwardBatch(x, w, dy, n, c, g, dx, dw)
	checkClose(t, name+" dx", dx, dxWant, dxBound, tolX)
	checkClose(t, name+" dw", dw, dwWant, dwBound, tol)

	// each gradient alone
	dx2 := append([]float32(nil), dx0...)
	DepthwiseBackwardBatch(x, w, dy, n, c, g, dx2, nil)
	checkClose(t, name+" dx only", dx2, dxWant, dxBound, tolX)
	dw2 := append([]float32(nil), dw0...)
	DepthwiseBackwardBatch(x, w, dy, n, c, g, nil, dw2)
	checkClose(t, name+" dw only", dw2, dwWant, dwBound, tol)
	if n == 1 {
		dx3, dw3 := append([]float32(nil), dx0...), append([]float32(nil), dw0...)
		DepthwiseBackward(x, w, dy, c, g, dx3, dw3)
		checkClose(t, name+" DepthwiseBackward dx", dx3, dxWant, dxBound, tolX)
		checkClose(t, name+" DepthwiseBackward dw", dw3, dwWant, dwBound, tol)
	}
}
