// Package bench measures the engine on this machine: the FMA peak, a
// GEMM, dense and depthwise convolutions and a whole training step, each as
// the best of several repetitions with its fraction of the measured peak.
// `gonas bench` prints what it measures.
package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonas/engine/kernels"
	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/engine/optim"
	"gonas/internal/spec"
)

// Result is one measurement: a kernel or a training step, its speed and the
// fraction of this machine's peak (measured in the same run) it reaches.
type Result struct {
	Name         string  `json:"name"`
	Threads      int     `json:"threads"`
	GFLOPS       float64 `json:"gflops"`
	PeakFraction float64 `json:"peak_fraction"`
	Seconds      float64 `json:"seconds"` // best time of one iteration
	Target       string  `json:"target,omitempty"`
	ImagesPerSec float64 `json:"images_per_sec,omitempty"`
	PeakBytes    int64   `json:"peak_bytes,omitempty"`
	Load         float64 `json:"load_avg,omitempty"` // 1-minute load average at the start (Linux)
}

// Suite sizes the measurements: the full ones, or Quick (one short
// repetition at small sizes, the same names: a smoke test).
type Suite struct {
	Threads int // threads of the multi-threaded items (the peak on T threads, conv, depthwise, step)
	Quick   bool
}

// Repetitions is how many times each item is timed (the best counts).
func (b Suite) Repetitions() int { return b.reps() }

func (b Suite) reps() int {
	if b.Quick {
		return 1
	}
	return 3
}

func (b Suite) dur() time.Duration {
	if b.Quick {
		return 20 * time.Millisecond
	}
	return 600 * time.Millisecond
}

// Run measures the peak on 1 and Threads threads, the GEMM, the two
// convolutions and a training step of net (named stepName), and hands each
// result to emit as it is measured. It restores the kernels' thread count.
func (b Suite) Run(stepName string, net *spec.Net, macs int64, emit func(Result) error) error {
	old := kernels.Threads()
	defer kernels.SetThreads(old)
	peak1 := b.Peak(1)
	if err := emit(peak1); err != nil {
		return err
	}
	peakT := peak1
	if b.Threads != 1 {
		peakT = b.Peak(b.Threads)
		if err := emit(peakT); err != nil {
			return err
		}
	}
	items := []func() (Result, error){
		func() (Result, error) { return b.Gemm(peak1.GFLOPS), nil },
		func() (Result, error) { return b.Conv(peakT.GFLOPS) },
		func() (Result, error) { return b.Depthwise(peakT.GFLOPS) },
		func() (Result, error) { return b.Step(stepName, net, macs, peakT.GFLOPS) },
		func() (Result, error) { return b.Infer(inferName(stepName), net, macs, peakT.GFLOPS) },
	}
	for _, item := range items {
		r, err := item()
		if err != nil {
			return err
		}
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}

// best runs fn once to warm up (buffer pools, packing), then reps times
// for at least dur each, and returns the best seconds per call.
func (b Suite) best(fn func() error) (float64, error) {
	if err := fn(); err != nil {
		return 0, err
	}
	best := math.Inf(1)
	for range b.reps() {
		n, t0 := 0, time.Now()
		for n == 0 || time.Since(t0) < b.dur() {
			if err := fn(); err != nil {
				return 0, err
			}
			n++
		}
		best = min(best, time.Since(t0).Seconds()/float64(n))
	}
	return best, nil
}

func (b Suite) Peak(threads int) Result {
	best := 0.0
	for range b.reps() {
		best = max(best, kernels.PeakGFLOPS(threads, b.dur()))
	}
	return Result{Name: fmt.Sprintf("peak-%dt", threads), Threads: threads, GFLOPS: best, PeakFraction: 1,
		Seconds: b.dur().Seconds()}
}

// rate fills the speed fields of r from flops per call and the seconds.
func rate(r Result, flops, sec, peak float64) Result {
	r.Seconds = sec
	r.GFLOPS = flops / sec / 1e9
	if peak > 0 {
		r.PeakFraction = r.GFLOPS / peak
	}
	return r
}

// Gemm is C = A*B, 256x2304 times 2304x6144, on one thread.
func (b Suite) Gemm(peak1 float64) Result {
	m, n, k := 256, 6144, 2304
	if b.Quick {
		m, n, k = 64, 512, 256
	}
	r := rand.New(rand.NewPCG(1, 2))
	a, bm, c := randFloats(r, m*k), randFloats(r, k*n), make([]float32, m*n)
	kernels.SetThreads(1)
	sec, _ := b.best(func() error {
		kernels.Sgemm(false, false, m, n, k, 1, a, k, bm, n, 0, c, n)
		return nil
	})
	res := Result{Name: "gemm-256x6144x2304-1t", Threads: 1, Target: "peak_fraction >= 0.60"}
	return rate(res, 2*float64(m)*float64(n)*float64(k), sec, peak1)
}

// Conv is the engine's Conv2d forward + backward (input and weight
// gradients): N=32, 64->64 channels, 16x16, 3x3, padding 1.
func (b Suite) Conv(peakT float64) (Result, error) {
	n := 32
	if b.Quick {
		n = 2
	}
	res := Result{Name: "conv3x3-n32c64-16x16-fwdbwd", Threads: b.Threads, Target: "peak_fraction >= 0.35"}
	return b.convItem(res, n, 64, 64, 16, 1, peakT)
}

// Depthwise is the engine's depthwise Conv2d forward + backward: N=32,
// C=64, 32x32, 3x3, padding 1.
func (b Suite) Depthwise(peakT float64) (Result, error) {
	n := 32
	if b.Quick {
		n = 1
	}
	res := Result{Name: "dwconv3x3-n32c64-32x32-fwdbwd", Threads: b.Threads, Target: "gflops >= 15"}
	return b.convItem(res, n, 64, 64, 32, 64, peakT)
}

// convItem times Conv2d then BackwardFrom on x [n, cin, hw, hw] with a 3x3
// kernel. FLOPs: 2 per multiply-add, the backward counted as twice the
// forward (input and weight gradients).
func (b Suite) convItem(res Result, n, cin, cout, hw, groups int, peakT float64) (Result, error) {
	r := rand.New(rand.NewPCG(3, 4))
	x, err := nn.FromData(randFloats(r, n*cin*hw*hw), n, cin, hw, hw)
	if err != nil {
		return res, err
	}
	x.SetRequiresGrad(true)
	w := nn.NewParam(cout, cin/groups, 3, 3)
	copy(w.Data, randFloats(r, len(w.Data)))
	dy := randFloats(r, n*cout*hw*hw)
	ctx := nn.NewCtx(1, b.Threads)
	o := nn.ConvOpts{Groups: groups, Pad: nn.Pads{T: 1, L: 1, B: 1, R: 1}}
	sec, err := b.best(func() error {
		y := nn.Conv2d(ctx, x, w, nil, o)
		return ctx.BackwardFrom(y, dy)
	})
	if err != nil {
		return res, fmt.Errorf("%s: %w", res.Name, err)
	}
	macs := float64(n*cout*hw*hw) * float64(cin/groups*9)
	return rate(res, 3*2*macs, sec, peakT), nil
}

// Step is one training step of net (drop-path 0.2, batch 64, 2 with
// Quick): forward, softmax cross-entropy, backward and an SGD update with
// momentum. FLOPs are the usual 3 x forward: 3 x 2 x macs, the network's
// conv and linear multiply-adds per image (derive.Count's MACs).
// peak_bytes is the engine's peak with the parameters, gradients and
// momentum buffers accounted.
func (b Suite) Step(name string, net *spec.Net, macs int64, peakT float64) (Result, error) {
	res, batch, m, err := b.network(name, net)
	if err != nil {
		return res, err
	}
	m.SetDropPath(0.2)
	r := rand.New(rand.NewPCG(5, 6))
	in := net.Input
	x, err := nn.FromData(randFloats(r, batch*in.C*in.H*in.W), batch, in.C, in.H, in.W)
	if err != nil {
		return res, err
	}
	labels := make([]int, batch)
	for i := range labels {
		labels[i] = r.IntN(net.Classes)
	}
	var slots []optim.Slot
	var momentum int64
	for name, t := range m.Params.Learned() {
		slots = append(slots, optim.Slot{Name: name, Data: t.Data, Grad: t.Grad})
		momentum += int64(len(t.Data)) * 4
	}
	sgd := optim.NewSGD(0.9, 3e-4, false)
	ctx := nn.NewCtx(1, b.Threads)
	ctx.Account(m.Params.Bytes() + momentum)
	sec, err := b.best(func() error {
		m.Params.ZeroGrad()
		logits, _, err := m.Forward(ctx, x)
		if err != nil {
			return err
		}
		if err := ctx.Backward(nn.SoftmaxCrossEntropy(ctx, logits, labels, 0)); err != nil {
			return err
		}
		sgd.Step(slots, 0.025)
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("%s: %w", res.Name, err)
	}
	res = rate(res, 3*2*float64(macs)*float64(batch), sec, peakT)
	res.ImagesPerSec = float64(batch) / sec
	res.PeakBytes = ctx.PeakBytes()
	return res, nil
}

func randFloats(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// inferName is the inference row's name beside a step row's:
// step-darts_v2-c16l8-b64 gives infer-darts_v2-c16l8-b64.
func inferName(step string) string {
	if len(step) > 5 && step[:5] == "step-" {
		return "infer-" + step[5:]
	}
	return "infer-" + step
}

// Infer is the evaluation forward pass of net at batch 64 (2 with Quick):
// 2 x macs FLOPs per image; the best of the repetitions' medians.
func (b Suite) Infer(name string, net *spec.Net, macs int64, peakT float64) (Result, error) {
	res, batch, m, err := b.network(name, net)
	if err != nil {
		return res, err
	}
	x := InferInput(m, batch)
	reps := 10
	if b.Quick {
		reps = 2
	}
	var best Inference
	for range b.reps() {
		r, err := Infer(m, x, batch, b.Threads, 0, reps)
		if err != nil {
			return res, fmt.Errorf("%s: %w", name, err)
		}
		if best.Runs == nil || r.Median() < best.Median() {
			best = r
		}
	}
	res = rate(res, 2*float64(macs)*float64(batch), best.Median(), peakT)
	res.ImagesPerSec = best.ImagesPerSec()
	res.PeakBytes = best.PeakBytes
	return res, nil
}

// network starts the row name of net: its result, the batch (64, 2 with
// Quick) and the model.
func (b Suite) network(name string, net *spec.Net) (Result, int, *model.Model, error) {
	res := Result{Name: name, Threads: b.Threads}
	batch := 64
	if b.Quick {
		batch = 2
	}
	m, err := model.New(net, 1)
	if err != nil {
		return res, 0, nil, fmt.Errorf("%s: %w", name, err)
	}
	return res, batch, m, nil
}
