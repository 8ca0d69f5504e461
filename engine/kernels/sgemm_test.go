package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

type gemmCase struct {
	m, n, k        int
	transA, transB bool
	alpha, beta    float32
	pad            int // extra leading-dimension padding
}

func (c gemmCase) String() string {
	return fmt.Sprintf("m%d_n%d_k%d_tA%v_tB%v_a%g_b%g_pad%d", c.m, c.n, c.k, c.transA, c.transB, c.alpha, c.beta, c.pad)
}

func gemmCases(short bool) []gemmCase {
	var cs []gemmCase
	small := []int{1, 7, 33}
	for _, m := range small {
		for _, n := range small {
			for _, k := range small {
				for ta := 0; ta < 2; ta++ {
					for tb := 0; tb < 2; tb++ {
						cs = append(cs, gemmCase{m, n, k, ta == 1, tb == 1, 1, 0, (m + n + k) % 3})
					}
				}
			}
		}
	}
	for _, ab := range [][2]float32{{1, 1}, {-0.5, 0.25}, {2, 0}, {0, 0.5}, {0, 0}} {
		for ta := 0; ta < 2; ta++ {
			for tb := 0; tb < 2; tb++ {
				cs = append(cs, gemmCase{33, 65, 17, ta == 1, tb == 1, ab[0], ab[1], 1})
			}
		}
	}
	big := []gemmCase{
		{257, 33, 7, false, false, 1, 0, 0},
		{33, 257, 65, true, false, 1, 1, 2},
		{64, 256, 576, false, false, 1, 0, 0},    // conv forward
		{64, 576, 256, false, true, 1, 1, 0},     // conv weight gradient
		{576, 256, 64, true, false, 1, 0, 0},     // conv data gradient
		{100, 300, 400, true, true, 0.5, -1, 3},  // two K blocks
		{257, 257, 257, false, false, 1, 0.5, 1}, // two M blocks
		{15, 2100, 9, false, true, 1, 0, 0},      // two N blocks
		{3, 1, 800, false, false, 1, 0, 0},       // long thin
		{0, 5, 5, false, false, 1, 0, 0},
		{5, 5, 0, false, false, 1, 0.5, 0},
	}
	if short {
		big = big[:5]
	}
	return append(cs, big...)
}

// runGemmCase runs one case through Sgemm and checks it against refSgemm
// with a forward error bound: both sums are within k*eps*(|alpha| |A||B| +
// |beta||C|) of the exact value.
func runGemmCase(t *testing.T, rng *rand.Rand, c gemmCase, gemm func(bool, bool, int, int, int, float32, []float32, int, []float32, int, float32, []float32, int)) {
	t.Helper()
	ar, ac := c.m, c.k
	if c.transA {
		ar, ac = c.k, c.m
	}
	br, bc := c.k, c.n
	if c.transB {
		br, bc = c.n, c.k
	}
	lda, ldb, ldc := ac+c.pad, bc+c.pad, c.n+c.pad
	a := randSlice(rng, max(ar*lda, 1))
	b := randSlice(rng, max(br*ldb, 1))
	var c0 []float32
	if c.beta == 0 {
		c0 = nanSlice(max(c.m*ldc, 1)) // beta == 0 must not read C
	} else {
		c0 = randSlice(rng, max(c.m*ldc, 1))
	}
	want := append([]float32(nil), c0...)
	if c.beta == 0 {
		clear(want)
	}
	refSgemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, want, ldc)
	cAbs := absSlice(c0)
	if c.beta == 0 {
		clear(cAbs)
	}
	refSgemm(c.transA, c.transB, c.m, c.n, c.k, float32(math.Abs(float64(c.alpha))), absSlice(a), lda, absSlice(b), ldb, float32(math.Abs(float64(c.beta))), cAbs, ldc)
	bound := cAbs
	got := append([]float32(nil), c0...)
	gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, got, ldc)
	tol := 2 * float64(c.k+2) * 0x1p-23
	for i := 0; i < c.m; i++ {
		for j := 0; j < c.n; j++ {
			x := i*ldc + j
			if _, ok := closeTo(got[x:x+1], want[x:x+1], bound[x:x+1], tol); !ok {
				t.Fatalf("%v: C[%d,%d] = %g, want %g (bound %g)", c, i, j, got[x], want[x], bound[x])
			}
		}
		// padding columns are never touched
		for j := c.n; j < ldc && i*ldc+j < len(got); j++ {
			x := i*ldc + j
			if math.Float32bits(got[x]) != math.Float32bits(c0[x]) {
				t.Fatalf("%v: padding C[%d,%d] changed from %g to %g", c, i, j, c0[x], got[x])
			}
		}
	}
}

func TestSgemmMatchesReference(t *testing.T) {
	paths(t, func(t *testing.T) {
		withThreads(t, []int{1, 2, 3}, func(t *testing.T, threads int) {
			rng := rand.New(rand.NewPCG(1, uint64(threads)))
			for _, c := range gemmCases(testing.Short()) {
				runGemmCase(t, rng, c, Sgemm)
			}
		})
	})
}

func TestSgemmSerialMatchesReference(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(2, 2))
		for _, c := range gemmCases(true) {
			runGemmCase(t, rng, c, SgemmSerial)
		}
	})
}

// TestSgemmDeterministic: the same inputs give the same bits on every run
// and for every thread count, since no part ever splits K.
func TestSgemmDeterministic(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 3))
		shapes := []gemmCase{
			{200, 333, 700, false, false, 1, 0.5, 0},
			{70, 1000, 90, false, true, 1, 0, 0},
			{500, 40, 120, true, false, -1, 1, 0},
		}
		for _, c := range shapes {
			ar, ac := c.m, c.k
			if c.transA {
				ar, ac = ac, ar
			}
			br, bc := c.k, c.n
			if c.transB {
				br, bc = bc, br
			}
			a, b, c0 := randSlice(rng, ar*ac), randSlice(rng, br*bc), randSlice(rng, c.m*c.n)
			var first []float32
			withThreads(t, []int{1, 2, 3, 2, 1}, func(t *testing.T, threads int) {
				got := append([]float32(nil), c0...)
				Sgemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, ac, b, bc, c.beta, got, c.n)
				if first == nil {
					first = got
					return
				}
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(first[i]) {
						t.Fatalf("%v threads=%d: C[%d] = %x, first run %x", c, threads, i, math.Float32bits(got[i]), math.Float32bits(first[i]))
					}
				}
			})
			serial := append([]float32(nil), c0...)
			SgemmSerial(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, ac, b, bc, c.beta, serial, c.n)
			for i := range serial {
				if math.Float32bits(serial[i]) != math.Float32bits(first[i]) {
					t.Fatalf("%v: SgemmSerial differs from Sgemm at %d", c, i)
				}
			}
		}
	})
}

func TestSgemmPanicsOnBadShapes(t *testing.T) {
	cases := []struct {
		name string
		f    func()
	}{
		{"negative", func() { Sgemm(false, false, -1, 1, 1, 1, nil, 1, nil, 1, 0, nil, 1) }},
		{"short a", func() {
			Sgemm(false, false, 2, 2, 2, 1, make([]float32, 3), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2)
		}},
		{"small lda", func() {
			Sgemm(false, false, 2, 2, 2, 1, make([]float32, 4), 1, make([]float32, 4), 2, 0, make([]float32, 4), 2)
		}},
		{"short c", func() {
			Sgemm(false, true, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 3), 2)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			c.f()
		})
	}
}
