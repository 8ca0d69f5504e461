package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestConvOut(t *testing.T) {
	cases := []struct{ in, k, s, pb, pa, d, want int }{
		{32, 3, 1, 1, 1, 1, 32},
		{32, 3, 2, 1, 1, 1, 16},
		{32, 5, 1, 4, 4, 2, 32},
		{7, 7, 1, 0, 0, 1, 1},
		{3, 5, 1, 0, 0, 1, 0},
		{1, 1, 1, 0, 0, 1, 1},
	}
	for _, c := range cases {
		if got := ConvOut(c.in, c.k, c.s, c.pb, c.pa, c.d); got != c.want {
			t.Errorf("ConvOut(%+v) = %d, want %d", c, got, c.want)
		}
	}
}

func TestValidRangeMatchesScan(t *testing.T) {
	for off := -7; off < 7; off++ {
		for s := 1; s < 4; s++ {
			for size := 0; size < 6; size++ {
				for n := 0; n < 8; n++ {
					lo, hi := validRange(off, s, size, n)
					for o := 0; o < n; o++ {
						in := o*s+off >= 0 && o*s+off < size
						if in != (o >= lo && o < hi) {
							t.Fatalf("validRange(%d,%d,%d,%d) = [%d,%d), o=%d valid=%v", off, s, size, n, lo, hi, o, in)
						}
					}
				}
			}
		}
	}
}

func bitsEqual(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}

// TestIm2colCol2imMatchReference: both are exact (copies, and one addend
// per position for each kernel tap), so they must match bit for bit.
func TestIm2colCol2imMatchReference(t *testing.T) {
	paths(t, func(t *testing.T) {
		withThreads(t, []int{1, 2, 3}, func(t *testing.T, threads int) {
			rng := rand.New(rand.NewPCG(4, uint64(threads)))
			geoms, chans := testGeoms(rng, 60), []int{1, 3, 70}
			if testing.Short() {
				geoms, chans = geoms[:30], []int{1, 3, 17}
			}
			for _, g := range geoms {
				for _, c := range chans {
					x := randSlice(rng, c*g.H*g.W)
					n := c * g.KH * g.KW * g.OH * g.OW
					want := randSlice(rng, n)
					got := nanSlice(n)
					refIm2col(x, c, g, want)
					Im2col(x, c, g, got)
					if i := bitsEqual(got, want); i >= 0 {
						t.Fatalf("Im2col %s c=%d: cols[%d] = %g, want %g", geomName(g), c, i, got[i], want[i])
					}
					cols := randSlice(rng, n)
					dx0 := randSlice(rng, c*g.H*g.W)
					dxWant := append([]float32(nil), dx0...)
					refCol2im(cols, c, g, dxWant)
					Col2im(cols, c, g, dx0)
					if i := bitsEqual(dx0, dxWant); i >= 0 {
						t.Fatalf("Col2im %s c=%d: dx[%d] = %g, want %g", geomName(g), c, i, dx0[i], dxWant[i])
					}
				}
			}
		})
	})
}

// TestCol2imIsAdjoint checks <Im2col(x), y> == <x, Col2im(y)> in float64.
func TestCol2imIsAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, g := range testGeoms(rng, 20) {
		c := 2
		x := randSlice(rng, c*g.H*g.W)
		y := randSlice(rng, c*g.KH*g.KW*g.OH*g.OW)
		cols := make([]float32, len(y))
		Im2col(x, c, g, cols)
		dx := make([]float32, len(x))
		Col2im(y, c, g, dx)
		var l, r float64
		for i := range y {
			l += float64(cols[i]) * float64(y[i])
		}
		for i := range x {
			r += float64(x[i]) * float64(dx[i])
		}
		if math.Abs(l-r) > 1e-4*(math.Abs(l)+1) {
			t.Fatalf("%s: <Im2col x, y> = %g, <x, Col2im y> = %g", geomName(g), l, r)
		}
	}
}
