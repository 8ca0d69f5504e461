package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestDepthwiseRowKernels drives dwTaps and dwGradW directly with tap
// counts that select the generic and the unrolled 9- and 25-tap kernels.
func TestDepthwiseRowKernels(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(13, 13))
		for _, nt := range []int{1, 4, 9, 25, 30} {
			for _, n := range []int{1, 15, 16, 33, 70} {
				rows, ys, bs := 3, n+2, n+5
				offs := make([]int, nt)
				maxOff := 0
				for i := range offs {
					offs[i] = rng.IntN(40)
					maxOff = max(maxOff, offs[i])
				}
				w := randSlice(rng, nt)
				base := randSlice(rng, (rows-1)*bs+maxOff+n)
				for _, accum := range []bool{false, true} {
					y0 := randSlice(rng, (rows-1)*ys+n+1)
					got := append([]float32(nil), y0...)
					want := append([]float32(nil), y0...)
					bound := make([]float32, len(y0))
					for r := 0; r < rows; r++ {
						for i := 0; i < n; i++ {
							var s, b float64
							if accum {
								s, b = float64(y0[r*ys+i]), float64(abs32(y0[r*ys+i]))
							}
							for k, o := range offs {
								v := float64(w[k]) * float64(base[r*bs+o+i])
								s += v
								b += abs64(v)
							}
							want[r*ys+i], bound[r*ys+i] = float32(s), float32(b)
						}
					}
					dwTaps(got, ys, rows, n, base, bs, offs, maxOff, w, accum)
					checkClose(t, "dwTaps", got, want, bound, float64(nt+2)*0x1p-22)
					if got[len(got)-1] != y0[len(y0)-1] {
						t.Fatal("dwTaps wrote past the last row")
					}
				}
				dy := randSlice(rng, (rows-1)*ys+n)
				out0 := randSlice(rng, nt)
				got := append([]float32(nil), out0...)
				want, bound := make([]float32, nt), make([]float32, nt)
				for k, o := range offs {
					s, b := float64(out0[k]), abs64(float64(out0[k]))
					for r := 0; r < rows; r++ {
						for i := 0; i < n; i++ {
							v := float64(dy[r*ys+i]) * float64(base[r*bs+o+i])
							s += v
							b += abs64(v)
						}
					}
					want[k], bound[k] = float32(s), float32(b)
				}
				dwGradW(dy, rows, n, ys, base, bs, offs, maxOff, got)
				checkClose(t, "dwGradW", got, want, bound, float64(rows*n+2)*0x1p-22)
			}
		}
	})
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

func abs64(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
