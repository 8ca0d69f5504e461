package nn

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

func benchTensor(r *rand.Rand, param bool, shape ...int) *Tensor {
	t := NewTensor(shape...)
	if param {
		t = NewParam(shape...)
	}
	for i := range t.Data {
		t.Data[i] = float32(r.Float64()*2 - 1)
	}
	return t
}

// benchConv times Conv2d on x [n, cin, hw, hw] with a k x k kernel (pad k/2)
// and reports GFLOP/s, counting 2*MACs for the forward and twice that for the
// backward (input and weight gradients).
func benchConv(b *testing.B, n, cin, cout, hw, k, groups int, backward bool) {
	r := rand.New(rand.NewPCG(1, 1))
	x := benchTensor(r, true, n, cin, hw, hw)
	w := benchTensor(r, true, cout, cin/groups, k, k)
	o := ConvOpts{Groups: groups, Pad: Pads{k / 2, k / 2, k / 2, k / 2}}
	c := NewCtx(1, runtime.NumCPU())
	c.SetGrad(backward)
	dy := make([]float32, n*cout*hw*hw)
	for i := range dy {
		dy[i] = float32(r.Float64())
	}
	macs := float64(n*cout*hw*hw) * float64(cin/groups*k*k)
	flops := 2 * macs
	if backward {
		flops *= 3
	}
	b.ResetTimer()
	start := time.Now()
	cpu0 := processCPU()
	for range b.N {
		y := Conv2d(c, x, w, nil, o)
		if backward {
			if err := c.BackwardFrom(y, dy); err != nil {
				b.Fatal(err)
			}
		} else {
			c.Reset()
		}
	}
	b.ReportMetric(flops*float64(b.N)/time.Since(start).Seconds()/1e9, "GFLOP/s")
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(flops*float64(b.N)/cpu/1e9, "cpu-GFLOP/s")
	}
}

func BenchmarkConv3x3ForwardBackward(b *testing.B) { benchConv(b, 32, 64, 64, 16, 3, 1, true) }
func BenchmarkConv3x3Forward(b *testing.B)         { benchConv(b, 32, 64, 64, 16, 3, 1, false) }
func BenchmarkConv1x1ForwardBackward(b *testing.B) { benchConv(b, 32, 64, 64, 16, 1, 1, true) }
func BenchmarkDepthwise3x3ForwardBackward(b *testing.B) {
	benchConv(b, 32, 64, 64, 16, 3, 64, true)
}

// Smaller maps, as in the last stage of a CIFAR network, and the first.
func BenchmarkConv3x3ForwardBackward8x8(b *testing.B)   { benchConv(b, 32, 128, 128, 8, 3, 1, true) }
func BenchmarkConv1x1ForwardBackward32x32(b *testing.B) { benchConv(b, 32, 32, 32, 32, 1, 1, true) }
func BenchmarkConv1x1ForwardBackward8x8(b *testing.B)   { benchConv(b, 96, 144, 144, 8, 1, 1, true) }
