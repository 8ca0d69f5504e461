package kernels

import (
	"math/rand/v2"
	"testing"
)

// The row helpers run on many lengths (masked tails, 4-vector blocks),
// strides and row counts, asm and Go, against plain loops.
func TestRowHelpers(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(11, 11))
		for _, n := range []int{1, 3, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 257} {
			for _, rows := range []int{1, 2, 5} {
				ds, ss := n+rng.IntN(5), n+rng.IntN(7)
				src := randSlice(rng, (rows-1)*ss+n)
				dst0 := randSlice(rng, (rows-1)*ds+n+3)
				want := append([]float32(nil), dst0...)
				got := append([]float32(nil), dst0...)
				copyRows(got, ds, src, ss, rows, n)
				for r := 0; r < rows; r++ {
					copy(want[r*ds:r*ds+n], src[r*ss:r*ss+n])
				}
				if i := bitsEqual(got, want); i >= 0 {
					t.Fatalf("copyRows n=%d rows=%d: [%d] = %g, want %g", n, rows, i, got[i], want[i])
				}
				want = append(want[:0], dst0...)
				got = append(got[:0], dst0...)
				addRows(got, ds, src, ss, rows, n)
				for r := 0; r < rows; r++ {
					for i := 0; i < n; i++ {
						want[r*ds+i] += src[r*ss+i]
					}
				}
				if i := bitsEqual(got, want); i >= 0 {
					t.Fatalf("addRows n=%d rows=%d: [%d] = %g, want %g", n, rows, i, got[i], want[i])
				}
			}
			a, b := randSlice(rng, n+2), randSlice(rng, n)
			want := append([]float32(nil), a...)
			for i := range b {
				want[i] += b[i]
			}
			addTo(a, b)
			if i := bitsEqual(a, want); i >= 0 {
				t.Fatalf("addTo n=%d: [%d] = %g, want %g", n, i, a[i], want[i])
			}
		}
	})
}

// TestPackers checks the transposing and row-walking GEMM packers.
func TestPackers(t *testing.T) {
	if hostISA != isaAVX512 {
		t.Skip("AVX-512 packers only")
	}
	rng := rand.New(rand.NewPCG(12, 12))
	for _, rows := range []int{1, 2, 7, 14, 15, 16} {
		for _, kc := range []int{1, 5, 16, 17, 31, 32, 100} {
			ld := kc + rng.IntN(4)
			ds := 16 + rng.IntN(20)
			src := randSlice(rng, (rows-1)*ld+kc)
			want := nanSlice((kc-1)*ds + 16)
			got := append([]float32(nil), want...)
			gatherPack(want, ds, src, ld, rows, kc)
			transPack(got, ds, src, ld, rows, kc)
			if i := bitsEqual(got, want); i >= 0 {
				t.Fatalf("transPack rows=%d kc=%d: [%d] = %g, want %g", rows, kc, i, got[i], want[i])
			}
		}
	}
	for _, panels := range []int{1, 3} {
		for _, kc := range []int{1, 7, 64} {
			ld := panels*32 + rng.IntN(9)
			src := randSlice(rng, (kc-1)*ld+panels*32)
			ps := kc*32 + 5
			want, got := nanSlice(panels*ps), nanSlice(panels*ps)
			for p := 0; p < kc; p++ {
				for j := 0; j < panels; j++ {
					copy(want[j*ps+p*32:j*ps+p*32+32], src[p*ld+32*j:])
				}
			}
			packBRows(got, ps, src, ld, kc, panels)
			if i := bitsEqual(got, want); i >= 0 {
				t.Fatalf("packBRows panels=%d kc=%d: [%d] differs", panels, kc, i)
			}
		}
	}
}

// TestInterleave checks the stride-2 column split and its accumulating
// inverse on lengths around the 32-float assembly block.
func TestInterleave(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(15, 15))
		for _, n := range []int{1, 2, 7, 31, 32, 33, 64, 95} {
			src := randSlice(rng, n)
			even, odd := nanSlice((n+1)/2+1), nanSlice(n/2+1)
			deinterleave2(even, odd, src)
			for i, v := range src {
				got := even[i/2]
				if i%2 == 1 {
					got = odd[i/2]
				}
				if got != v {
					t.Fatalf("deinterleave2 n=%d: element %d = %g, want %g", n, i, got, v)
				}
			}
			if even[(n+1)/2] == even[(n+1)/2] || odd[n/2] == odd[n/2] {
				t.Fatalf("deinterleave2 n=%d wrote past its outputs", n)
			}
			dst0 := randSlice(rng, n+1)
			dst := append([]float32(nil), dst0...)
			interleaveAdd2(dst[:n], even, odd)
			for i := 0; i < n; i++ {
				if want := dst0[i] + src[i]; dst[i] != want {
					t.Fatalf("interleaveAdd2 n=%d: dst[%d] = %g, want %g", n, i, dst[i], want)
				}
			}
			if dst[n] != dst0[n] {
				t.Fatalf("interleaveAdd2 n=%d wrote past dst", n)
			}
		}
	})
}
