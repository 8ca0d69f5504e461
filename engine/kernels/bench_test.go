package kernels

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

var peakCache sync.Map // threads -> float64

// benchPeak is PeakGFLOPS(threads), best of three probes (on a shared
// machine a single probe may be cut short), measured once per process.
func benchPeak(threads int) float64 {
	if v, ok := peakCache.Load(threads); ok {
		return v.(float64)
	}
	p := 0.0
	for i := 0; i < 3; i++ {
		p = max(p, PeakGFLOPS(threads, 100*time.Millisecond))
	}
	peakCache.Store(threads, p)
	return p
}

// reportFlops reports GFLOP/s (wall clock) and its fraction of the FMA peak
// measured with the same thread count, plus cpu-GFLOP/s: flops per second
// of process CPU time. On a shared machine the latter shows what one core
// does while it runs, whatever else is scheduled; cpu0 is processCPU()
// taken before the timed loop.
func reportFlops(b *testing.B, flopsPerOp float64, threads int, cpu0 float64) {
	b.StopTimer()
	cpu := processCPU() - cpu0
	gf := flopsPerOp * float64(b.N) / b.Elapsed().Seconds() / 1e9
	b.ReportMetric(gf, "GFLOP/s")
	b.ReportMetric(gf/benchPeak(threads), "peak-frac")
	if cpu > 0 {
		b.ReportMetric(flopsPerOp*float64(b.N)/cpu/1e9, "cpu-GFLOP/s")
	}
}

func benchThreads(b *testing.B, counts []int, f func(b *testing.B, threads int)) {
	old := Threads()
	defer SetThreads(old)
	for _, t := range counts {
		b.Run(fmt.Sprintf("threads=%d", t), func(b *testing.B) {
			SetThreads(t)
			f(b, t)
		})
	}
}

func benchSgemm(b *testing.B, m, n, k int, transA, transB bool) {
	rng := rand.New(rand.NewPCG(1, 1))
	a, bb, c := randSlice(rng, m*k), randSlice(rng, k*n), randSlice(rng, m*n)
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	benchThreads(b, []int{1, 2}, func(b *testing.B, threads int) {
		b.ReportAllocs()
		cpu0 := processCPU()
		for b.Loop() {
			Sgemm(transA, transB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
		}
		reportFlops(b, 2*float64(m)*float64(n)*float64(k), threads, cpu0)
	})
}

func BenchmarkPeak(b *testing.B) {
	for _, t := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", t), func(b *testing.B) {
			var p float64
			for b.Loop() {
				p = PeakGFLOPS(t, 200*time.Millisecond)
			}
			b.ReportMetric(p, "GFLOP/s")
		})
	}
}

func BenchmarkSgemm256x6144x2304(b *testing.B)     { benchSgemm(b, 256, 6144, 2304, false, false) }
func BenchmarkSgemm1024x1024x1024(b *testing.B)    { benchSgemm(b, 1024, 1024, 1024, false, false) }
func BenchmarkSgemmConvFwd64x256x576(b *testing.B) { benchSgemm(b, 64, 256, 576, false, false) }
func BenchmarkSgemmConvDW64x576x256(b *testing.B)  { benchSgemm(b, 64, 576, 256, false, true) }
func BenchmarkSgemmConvDX576x256x64(b *testing.B)  { benchSgemm(b, 576, 256, 64, true, false) }

// BenchmarkMicroKernel runs each GEMM micro-kernel on L1-resident panels:
// the ceiling the blocked GEMM can reach.
func BenchmarkMicroKernel(b *testing.B) {
	for _, kern := range []*microKernel{asmGemmKernel(isaAVX512), asmGemmKernel(isaAVX2), &genericKernel} {
		if kern == nil {
			continue
		}
		b.Run(kern.name, func(b *testing.B) {
			const k = 128
			a, bb := alignedFloats(k*kern.mr), alignedFloats(k*kern.nr)
			c := alignedFloats(kern.mr * kern.nr)
			cpu0 := processCPU()
			for b.Loop() {
				kern.fn(k, a, bb, c, kern.nr, 1, 1)
			}
			reportFlops(b, 2*float64(k*kern.mr*kern.nr), 1, cpu0)
		})
	}
}

func benchPool(b *testing.B, f func(x, y, dy, dx []float32, idx []int32, c int, g ConvGeom)) {
	g := mkGeom(32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)
	c := 32 * 16
	rng := rand.New(rand.NewPCG(1, 1))
	x, dy := randSlice(rng, c*g.H*g.W), randSlice(rng, c*g.OH*g.OW)
	y, dx := make([]float32, c*g.OH*g.OW), make([]float32, c*g.H*g.W)
	idx := make([]int32, c*g.OH*g.OW)
	MaxPool(x, c, g, y, idx)
	benchThreads(b, []int{1, 2}, func(b *testing.B, threads int) {
		b.SetBytes(int64(4 * len(x)))
		for b.Loop() {
			f(x, y, dy, dx, idx, c, g)
		}
	})
}

// Pool benchmarks: 3x3 stride 1 pad 1 over 32 images x 16 channels of 32x32.
func BenchmarkMaxPool3x3(b *testing.B) {
	benchPool(b, func(x, y, dy, dx []float32, idx []int32, c int, g ConvGeom) { MaxPool(x, c, g, y, idx) })
}

// BenchmarkMaxPool3x3Eval is the forward without argmax (evaluation).
func BenchmarkMaxPool3x3Eval(b *testing.B) {
	benchPool(b, func(x, y, dy, dx []float32, idx []int32, c int, g ConvGeom) { MaxPool(x, c, g, y, nil) })
}

func BenchmarkMaxPool3x3Bwd(b *testing.B) {
	benchPool(b, func(x, y, dy, dx []float32, idx []int32, c int, g ConvGeom) { MaxPoolBackward(dy, idx, c, g, dx) })
}

func BenchmarkAvgPool3x3(b *testing.B) {
	benchPool(b, func(x, y, dy, dx []float32, idx []int32, c int, g ConvGeom) { AvgPool(x, c, g, y) })
}

func BenchmarkAvgPool3x3Bwd(b *testing.B) {
	benchPool(b, func(x, y, dy, dx []float32, idx []int32, c int, g ConvGeom) { AvgPoolBackward(dy, c, g, dx) })
}

func BenchmarkIm2col3x3(b *testing.B) {
	g := mkGeom(16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)
	c := 64
	rng := rand.New(rand.NewPCG(1, 1))
	x := randSlice(rng, c*g.H*g.W)
	cols := make([]float32, c*9*g.OH*g.OW)
	benchThreads(b, []int{1}, func(b *testing.B, threads int) {
		b.SetBytes(int64(4 * len(cols)))
		for b.Loop() {
			Im2col(x, c, g, cols)
		}
	})
}

func BenchmarkCol2im3x3(b *testing.B) {
	g := mkGeom(16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)
	c := 64
	rng := rand.New(rand.NewPCG(1, 1))
	cols := randSlice(rng, c*9*g.OH*g.OW)
	dx := make([]float32, c*g.H*g.W)
	benchThreads(b, []int{1}, func(b *testing.B, threads int) {
		b.SetBytes(int64(4 * len(cols)))
		for b.Loop() {
			Col2im(cols, c, g, dx)
		}
	})
}
