package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

var bnReluLens = []int{0, 1, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1003}

// specialSlice is random normals mixed with ±0, ±Inf, NaNs of both signs
// and denormals.
func specialSlice(rng *rand.Rand, n int) []float32 {
	sp := []uint32{0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
		0x7f800001, 0xff812345, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff}
	s := randSlice(rng, n)
	for i := range s {
		if rng.IntN(3) == 0 {
			s[i] = math.Float32frombits(sp[rng.IntN(len(sp))])
		}
	}
	return s
}

// TestReLURows checks the ReLU kernels on every path against plain loops,
// bit for bit, special values included, on unaligned slices.
func TestReLURows(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(21, 21))
		for _, n := range bnReluLens {
			off := rng.IntN(4)
			x := specialSlice(rng, n+off)[off:]
			y := nanSlice(n + 1)
			ReLURow(x, y)
			want := make([]float32, n+1)
			want[n] = y[n]
			for i, v := range x {
				if math.Float32bits(v)>>31 == 0 {
					want[i] = v
				}
			}
			if i := bitsEqual(y, want); i >= 0 {
				t.Fatalf("ReLURow n=%d: [%d] = %#x, want %#x", n, i, math.Float32bits(y[i]), math.Float32bits(want[i]))
			}
			dy, dx0 := specialSlice(rng, n), specialSlice(rng, n+1)
			wm, wa := append([]float32(nil), dx0...), append([]float32(nil), dx0...)
			for i, d := range dy {
				g := float32(0)
				if math.Float32bits(y[i]) != 0 {
					g = d
				}
				wm[i], wa[i] = g, wa[i]+g
			}
			dx := append([]float32(nil), dx0...)
			ReLUMask(dy, y, dx)
			if i := bitsEqual(dx, wm); i >= 0 {
				t.Fatalf("ReLUMask n=%d: [%d] = %#x, want %#x", n, i, math.Float32bits(dx[i]), math.Float32bits(wm[i]))
			}
			dx = append(dx[:0], dx0...)
			ReLUMaskAdd(dy, y, dx)
			if i := bitsEqual(dx, wa); i >= 0 {
				t.Fatalf("ReLUMaskAdd n=%d: [%d] = %#x, want %#x", n, i, math.Float32bits(dx[i]), math.Float32bits(wa[i]))
			}
			// Gated by the ReLU's input instead of its output: the same.
			dx = append(dx[:0], dx0...)
			ReLUMask(dy, x, dx)
			if i := bitsEqual(dx, wm); i >= 0 {
				t.Fatalf("ReLUMask on the input n=%d: [%d] = %#x (x %#x), want %#x", n, i, math.Float32bits(dx[i]), math.Float32bits(x[i]), math.Float32bits(wm[i]))
			}
			dx = append(dx[:0], dx0...)
			ReLUMaskAdd(dy, x, dx)
			if i := bitsEqual(dx, wa); i >= 0 {
				t.Fatalf("ReLUMaskAdd on the input n=%d: [%d] = %#x, want %#x", n, i, math.Float32bits(dx[i]), math.Float32bits(wa[i]))
			}
		}
	})
}

// TestBNRows checks the element-wise batch-norm kernels on every path
// against plain loops (each operation rounded), bit for bit.
func TestBNRows(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(22, 22))
		for _, n := range bnReluLens {
			off := rng.IntN(4)
			x, dy := randSlice(rng, n+off)[off:], randSlice(rng, n)
			a, b, k, mu := float32(rng.NormFloat64()), float32(rng.NormFloat64()), float32(rng.NormFloat64()), float32(rng.NormFloat64())
			y, want := nanSlice(n+1), nanSlice(n+1)
			BNApply(x, y, a, b)
			for i, v := range x {
				p := v * a
				want[i] = p + b
			}
			if i := bitsEqual(y, want); i >= 0 {
				t.Fatalf("BNApply n=%d: [%d] = %g, want %g", n, i, y[i], want[i])
			}
			for _, accum := range []bool{false, true} {
				dx0 := randSlice(rng, n+1)
				dx, want := append([]float32(nil), dx0...), append([]float32(nil), dx0...)
				BNBackward(dy, x, dx, k, mu, a, b, accum)
				for i, d := range dy {
					p, c := k*d, a*(x[i]-mu)
					v := p + c
					v += b
					if accum {
						v = want[i] + v
					}
					want[i] = v
				}
				if i := bitsEqual(dx, want); i >= 0 {
					t.Fatalf("BNBackward n=%d accum=%v: [%d] = %g, want %g", n, accum, i, dx[i], want[i])
				}
			}
		}
	})
}

// TestBNStats checks the float64 reductions against plain float64 loops
// (to a tight relative tolerance) and the assembly against the Go code bit
// for bit.
func TestBNStats(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 23))
	defer ForceGeneric(forceGeneric.Load())
	for _, n := range bnReluLens {
		off := rng.IntN(4)
		x, dy := randSlice(rng, n+off)[off:], randSlice(rng, n)
		for i := range x {
			x[i] = 100 + 3*x[i] // a large offset from k
		}
		k := float64(rng.NormFloat64())
		var ws, wq, wd, as, aq, ad float64 // sums and sums of magnitudes
		for i, v := range x {
			d := float64(v) - k
			ws, wq, wd = ws+d, wq+d*d, wd+float64(dy[i])*d
			as, aq, ad = as+math.Abs(d), aq+d*d, ad+math.Abs(float64(dy[i])*d)
		}
		var wg, ag float64
		for _, g := range dy {
			wg, ag = wg+float64(g), ag+math.Abs(float64(g))
		}
		var got [2][4]float64
		for p, generic := range []bool{true, false} {
			ForceGeneric(generic)
			s, q := BNMoments(x, k)
			g, d := BNSumDot(dy, x, k)
			got[p] = [4]float64{s, q, g, d}
			for j, c := range []struct{ got, want, mag float64 }{{s, ws, as}, {q, wq, aq}, {g, wg, ag}, {d, wd, ad}} {
				if !(math.Abs(c.got-c.want) <= 1e-13*c.mag) {
					t.Fatalf("n=%d generic=%v: result %d = %v, want %v", n, generic, j, c.got, c.want)
				}
			}
		}
		if hostISA == isaAVX512 {
			for j := range got[0] {
				if math.Float64bits(got[0][j]) != math.Float64bits(got[1][j]) {
					t.Fatalf("n=%d: result %d: asm %v, Go %v", n, j, got[1][j], got[0][j])
				}
			}
		}
	}
}
