package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// specialPlane fills x with values from a small set, so that windows hold
// ties, signed zeros, infinities and NaNs of several payloads.
func specialPlane(rng *rand.Rand, x []float32) {
	vals := []float32{-1, 0, float32(math.Copysign(0, -1)), 1, 2, float32(math.Inf(1)), float32(math.Inf(-1)),
		math.Float32frombits(0x7fc00001), math.Float32frombits(0xffc00002)}
	for i := range x {
		if rng.IntN(3) == 0 {
			x[i] = vals[rng.IntN(len(vals))]
		} else {
			x[i] = float32(rng.NormFloat64())
		}
	}
}

// TestFastMaxPoolMatchesKeys: the values-only pool (the vector row passes,
// without indices) gives the key path's values (with indices) and the
// reference's bit for bit, NaN payloads and zero signs included.
func TestFastMaxPoolMatchesKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	var geoms []ConvGeom
	for _, n := range []int{2, 3, 5, 16, 17, 33} {
		geoms = append(geoms, mkGeom(n, n+1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), mkGeom(n+2, n, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1))
	}
	for _, n := range []int{2, 4, 16, 18, 32, 34} {
		geoms = append(geoms, mkGeom(n, n, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), mkGeom(n+2, 2*n, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1))
	}
	for _, g := range geoms {
		if rowsAsm(activeISA()) && !fastMaxPool(g) {
			t.Fatalf("%s: not on the fast path", geomName(g))
		}
		const c = 3
		x := make([]float32, c*g.H*g.W)
		for _, special := range []bool{false, true} {
			if special {
				specialPlane(rng, x)
			} else {
				copy(x, randSlice(rng, len(x)))
			}
			fast, keys, ref := make([]float32, c*g.OH*g.OW), make([]float32, c*g.OH*g.OW), make([]float32, c*g.OH*g.OW)
			MaxPool(x, c, g, fast, nil)
			MaxPool(x, c, g, keys, make([]int32, len(keys)))
			refMaxPool(x, c, g, ref, make([]int32, len(ref)))
			for i := range fast {
				if math.Float32bits(fast[i]) != math.Float32bits(keys[i]) || math.Float32bits(fast[i]) != math.Float32bits(ref[i]) {
					t.Fatalf("%s special %v: output %d: fast %v (%#x), keys %v (%#x), reference %v (%#x)", geomName(g), special, i,
						fast[i], math.Float32bits(fast[i]), keys[i], math.Float32bits(keys[i]), ref[i], math.Float32bits(ref[i]))
				}
			}
		}
	}
}

// TestFastMaxPoolGeometries: the fast path takes only the geometries it
// computes.
func TestFastMaxPoolGeometries(t *testing.T) {
	if !rowsAsm(activeISA()) {
		t.Skip("no AVX-512")
	}
	for _, tc := range []struct {
		g    ConvGeom
		fast bool
	}{
		{mkGeom(8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), true},
		{mkGeom(8, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), true},
		{mkGeom(7, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), false}, // odd plane, stride 2
		{mkGeom(8, 8, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1), false},
		{mkGeom(8, 8, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1), false},
		{mkGeom(8, 8, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1), false},
		{mkGeom(1, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), false},
	} {
		if got := fastMaxPool(tc.g); got != tc.fast {
			t.Errorf("%s: fast %v, want %v", geomName(tc.g), got, tc.fast)
		}
	}
}
