package kernels

import (
	"math/rand/v2"
	"testing"
)

// convBench is a dense convolution done the way the engine does it: per
// image, im2col then one GEMM that writes NCHW directly (no transposes).
// Images are split over Threads() goroutines with ParallelParts; each part
// keeps its own cols buffers and weight-gradient partial sum, reduced in
// part order at the end.
type convBench struct {
	n, cin, cout int
	g            ConvGeom
	x, w, y      []float32
	dy, dx, dw   []float32
	cols, dcols  [][]float32 // per part
	dwPart       [][]float32 // per part
}

func newConvBench(n, cin, cout int, g ConvGeom) *convBench {
	rng := rand.New(rand.NewPCG(9, 9))
	k := cin * g.KH * g.KW
	hw := g.OH * g.OW
	cb := &convBench{
		n: n, cin: cin, cout: cout, g: g,
		x: randSlice(rng, n*cin*g.H*g.W), w: randSlice(rng, cout*k), y: make([]float32, n*cout*hw),
		dy: randSlice(rng, n*cout*hw), dx: make([]float32, n*cin*g.H*g.W), dw: make([]float32, cout*k),
	}
	for p := 0; p < 8; p++ {
		cb.cols = append(cb.cols, make([]float32, k*hw))
		cb.dcols = append(cb.dcols, make([]float32, k*hw))
		cb.dwPart = append(cb.dwPart, make([]float32, cout*k))
	}
	return cb
}

func (cb *convBench) flops() float64 {
	return 2 * float64(cb.n*cb.cout*cb.cin*cb.g.KH*cb.g.KW*cb.g.OH*cb.g.OW)
}

func (cb *convBench) forward() {
	g := cb.g
	k, hw, in := cb.cin*g.KH*g.KW, g.OH*g.OW, cb.cin*g.H*g.W
	ParallelParts(cb.n, func(part, lo, hi int) {
		cols := cb.cols[part]
		for i := lo; i < hi; i++ {
			Im2col(cb.x[i*in:(i+1)*in], cb.cin, g, cols)
			SgemmSerial(false, false, cb.cout, hw, k, 1, cb.w, k, cols, hw, 0, cb.y[i*cb.cout*hw:], hw)
		}
	})
}

func (cb *convBench) backward() {
	g := cb.g
	k, hw, in := cb.cin*g.KH*g.KW, g.OH*g.OW, cb.cin*g.H*g.W
	parts := Parts(cb.n)
	ParallelParts(cb.n, func(part, lo, hi int) {
		cols, dcols, dw := cb.cols[part], cb.dcols[part], cb.dwPart[part]
		clear(dw)
		for i := lo; i < hi; i++ {
			dy := cb.dy[i*cb.cout*hw : (i+1)*cb.cout*hw]
			Im2col(cb.x[i*in:(i+1)*in], cb.cin, g, cols)
			SgemmSerial(false, true, cb.cout, k, hw, 1, dy, hw, cols, hw, 1, dw, k)
			SgemmSerial(true, false, k, hw, cb.cout, 1, cb.w, k, dy, hw, 0, dcols, hw)
			dx := cb.dx[i*in : (i+1)*in]
			clear(dx)
			Col2im(dcols, cb.cin, g, dx)
		}
	})
	copy(cb.dw, cb.dwPart[0])
	for p := 1; p < parts; p++ {
		addTo(cb.dw, cb.dwPart[p])
	}
}

func benchConv(b *testing.B, fwd, bwd bool) {
	g := mkGeom(16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)
	cb := newConvBench(32, 64, 64, g)
	benchThreads(b, []int{1, 2}, func(b *testing.B, threads int) {
		b.ReportAllocs()
		cpu0 := processCPU()
		for b.Loop() {
			if fwd {
				cb.forward()
			}
			if bwd {
				cb.backward()
			}
		}
		f := 0.0
		if fwd {
			f += cb.flops()
		}
		if bwd {
			f += 2 * cb.flops()
		}
		reportFlops(b, f, threads, cpu0)
	})
}

// BenchmarkConv3x3 is a 3x3 convolution, N=32, C=64->64, 16x16, padding 1.
func BenchmarkConv3x3Fwd(b *testing.B)    { benchConv(b, true, false) }
func BenchmarkConv3x3Bwd(b *testing.B)    { benchConv(b, false, true) }
func BenchmarkConv3x3FwdBwd(b *testing.B) { benchConv(b, true, true) }

// TestConvBenchMatchesReference keeps the benchmark honest: its forward and
// backward equal the reference loops (im2col + naive GEMM) within rounding.
func TestConvBenchMatchesReference(t *testing.T) {
	g := mkGeom(6, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)
	cb := newConvBench(3, 4, 5, g)
	old := Threads()
	defer SetThreads(old)
	SetThreads(2)
	cb.forward()
	cb.backward()
	k, hw, in := cb.cin*9, g.OH*g.OW, cb.cin*g.H*g.W
	cols := make([]float32, k*hw)
	y := make([]float32, cb.cout*hw)
	dw := make([]float32, cb.cout*k)
	dcols := make([]float32, k*hw)
	for i := 0; i < cb.n; i++ {
		refIm2col(cb.x[i*in:], cb.cin, g, cols)
		refSgemm(false, false, cb.cout, hw, k, 1, cb.w, k, cols, hw, 0, y, hw)
		checkClose(t, "y", cb.y[i*cb.cout*hw:(i+1)*cb.cout*hw], y, nil, 1e-4)
		dy := cb.dy[i*cb.cout*hw:]
		refSgemm(false, true, cb.cout, k, hw, 1, dy, hw, cols, hw, 1, dw, k)
		refSgemm(true, false, k, hw, cb.cout, 1, cb.w, k, dy, hw, 0, dcols, hw)
		dx := make([]float32, in)
		refCol2im(dcols, cb.cin, g, dx)
		checkClose(t, "dx", cb.dx[i*in:(i+1)*in], dx, nil, 1e-4)
	}
	checkClose(t, "dw", cb.dw, dw, nil, 1e-4)
}

func benchDepthwise(b *testing.B, fwd, bwd bool) {
	benchDepthwiseGeom(b, mkGeom(32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), fwd, bwd)
}

func benchDepthwiseGeom(b *testing.B, g ConvGeom, fwd, bwd bool) {
	n, c := 32, 64
	rng := rand.New(rand.NewPCG(10, 10))
	x, w := randSlice(rng, n*c*g.H*g.W), randSlice(rng, c*g.KH*g.KW)
	y, dy := make([]float32, n*c*g.OH*g.OW), randSlice(rng, n*c*g.OH*g.OW)
	dx, dw := make([]float32, len(x)), make([]float32, len(w))
	flops := 2 * float64(n*c*g.OH*g.OW*g.KH*g.KW)
	benchThreads(b, []int{1, 2}, func(b *testing.B, threads int) {
		b.ReportAllocs()
		cpu0 := processCPU()
		for b.Loop() {
			if fwd {
				DepthwiseBatch(x, w, n, c, g, y)
			}
			if bwd {
				DepthwiseBackwardBatch(x, w, dy, n, c, g, dx, dw)
			}
		}
		f := 0.0
		if fwd {
			f += flops
		}
		if bwd {
			f += 2 * flops
		}
		reportFlops(b, f, threads, cpu0)
	})
}

// BenchmarkDepthwiseShapes runs forward+backward for the depthwise shapes
// of the DARTS operations (N=32, C=64, 32x32 input): separable 3x3 and
// 5x5, dilated 3x3 and 5x5, and stride-2 reduction versions.
func BenchmarkDepthwiseShapes(b *testing.B) {
	shapes := []struct {
		name string
		g    ConvGeom
	}{
		{"3x3", mkGeom(32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)},
		{"5x5", mkGeom(32, 32, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1)},
		{"3x3dil2", mkGeom(32, 32, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2)},
		{"5x5dil2", mkGeom(32, 32, 5, 5, 1, 1, 4, 4, 4, 4, 2, 2)},
		{"3x3s2", mkGeom(32, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1)},
		{"5x5s2", mkGeom(32, 32, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1)},
	}
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) { benchDepthwiseGeom(b, s.g, true, true) })
	}
}

// BenchmarkDepthwise3x3 is a 3x3 depthwise convolution, N=32, C=64, 32x32,
// padding 1.
func BenchmarkDepthwise3x3Fwd(b *testing.B)    { benchDepthwise(b, true, false) }
func BenchmarkDepthwise3x3Bwd(b *testing.B)    { benchDepthwise(b, false, true) }
func BenchmarkDepthwise3x3FwdBwd(b *testing.B) { benchDepthwise(b, true, true) }
