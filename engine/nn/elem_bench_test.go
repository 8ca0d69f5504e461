package nn

import (
	"math/rand/v2"
	"testing"
)

// benchUnary times an op's forward and backward on x [n, c, hw, hw] and
// reports the output elements per nanosecond and the CPU time per output
// element (all threads; steadier than wall time on a shared machine).
func benchUnary(b *testing.B, shape []int, op func(c *Ctx, x *Tensor) *Tensor) {
	r := rand.New(rand.NewPCG(1, 1))
	x := benchTensor(r, true, shape...)
	c := NewCtx(1, 2)
	y := op(c, x)
	dy := make([]float32, len(y.Data))
	for i := range dy {
		dy[i] = float32(r.Float64())
	}
	c.Reset()
	b.ResetTimer()
	cpu0 := processCPU()
	for range b.N {
		y := op(c, x)
		if err := c.BackwardFrom(y, dy); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(dy))*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "elem/ns")
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(cpu*1e9/float64(b.N)/float64(len(dy)), "cpu-ns/elem")
	}
}

var elemShape = []int{32, 32, 32, 32}

func BenchmarkMaxPool3x3ForwardBackward(b *testing.B) {
	benchUnary(b, elemShape, func(c *Ctx, x *Tensor) *Tensor {
		return MaxPool2d(c, x, PoolOpts{KH: 3, KW: 3, SH: 1, SW: 1, Pad: Pads{1, 1, 1, 1}})
	})
}

func BenchmarkAvgPool3x3ForwardBackward(b *testing.B) {
	benchUnary(b, elemShape, func(c *Ctx, x *Tensor) *Tensor {
		return AvgPool2d(c, x, PoolOpts{KH: 3, KW: 3, SH: 1, SW: 1, Pad: Pads{1, 1, 1, 1}}, false)
	})
}

func BenchmarkReLUForwardBackward(b *testing.B) { benchUnary(b, elemShape, ReLU) }

func BenchmarkBatchNormForwardBackward(b *testing.B) {
	g, bias := NewParam(elemShape[1]), NewParam(elemShape[1])
	rm, rv := NewTensor(elemShape[1]), NewTensor(elemShape[1])
	for i := range g.Data {
		g.Data[i], rv.Data[i] = 1, 1
	}
	benchUnary(b, elemShape, func(c *Ctx, x *Tensor) *Tensor {
		return BatchNorm(c, x, g, bias, rm, rv, BNOpts{Eps: 1e-5, Momentum: 0.1})
	})
}
