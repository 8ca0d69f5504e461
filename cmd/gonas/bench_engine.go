package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"gonas/derive"
	"gonas/engine/kernels"
	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/engine/optim"
	"gonas/models"
)

// engineResult is one line of `gonas bench`: a kernel or a training step,
// its speed and the fraction of this machine's peak (measured in the same
// run) it reaches.
type engineResult struct {
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

// engineBench sizes one run of the suite: the full one, or --quick (one
// short repetition, small sizes, the same names).
type engineBench struct {
	threads int
	reps    int
	dur     time.Duration // per repetition
	quick   bool
}

// engineSuite registers the flags of `gonas bench` without a benchmark
// name (the engine suite) on fs and returns the suite's runner.
//
// The suite measures the FMA peak on 1 and T threads, then a large
// single-thread GEMM, the engine's dense and depthwise 3x3 convolutions
// (forward + backward, T threads) and a DARTS_V2 training step (forward,
// backward, SGD), each as the best of several repetitions, with its
// fraction of the matching peak.
func engineSuite(fs *pflag.FlagSet) func(stdout io.Writer) error {
	asJSON := fs.Bool("json", false, "engine suite: print one JSON object per line: name, threads, gflops, peak_fraction, seconds (the step adds images_per_sec, peak_bytes)")
	threads := fs.Int("threads", 2, "engine suite: threads of the multi-threaded items (peak-Tt, conv, depthwise, step)")
	quick := fs.Bool("quick", false, "engine suite: one short repetition at small sizes (a smoke test; the figures mean little)")
	return func(stdout io.Writer) error {
		if *threads < 1 {
			return usagef("--threads must be at least 1, got %d", *threads)
		}
		return runEngineSuite(stdout, *asJSON, *threads, *quick)
	}
}

func runEngineSuite(stdout io.Writer, asJSON bool, threads int, quick bool) error {
	b := engineBench{threads: threads, reps: 3, dur: 600 * time.Millisecond, quick: quick}
	if quick {
		b.reps, b.dur = 1, 20*time.Millisecond
	}
	old := kernels.Threads()
	defer kernels.SetThreads(old)

	load := loadAverage()
	if !asJSON {
		fmt.Fprintf(stdout, "gonas bench: %s kernels, %d threads", kernels.ISA(), b.threads)
		if load > 0 {
			fmt.Fprintf(stdout, ", load average %.2f at start", load)
		}
		fmt.Fprintln(stdout, " (best of", b.reps, "repetitions; GFLOP/s per wall-clock second)")
	}
	tw := &resultWriter{w: stdout, json: asJSON, load: load}
	peak1 := b.peak(1)
	if err := tw.write(peak1); err != nil {
		return err
	}
	peakT := peak1
	if b.threads != 1 {
		peakT = b.peak(b.threads)
		if err := tw.write(peakT); err != nil {
			return err
		}
	}
	items := []func() (engineResult, error){
		func() (engineResult, error) { return b.gemm(peak1.GFLOPS), nil },
		func() (engineResult, error) { return b.conv(peakT.GFLOPS) },
		func() (engineResult, error) { return b.depthwise(peakT.GFLOPS) },
		func() (engineResult, error) { return b.step(peakT.GFLOPS) },
	}
	for _, item := range items {
		r, err := item()
		if err != nil {
			return err
		}
		if err := tw.write(r); err != nil {
			return err
		}
	}
	return nil
}

// best runs fn once to warm up (buffer pools, packing), then reps times
// for at least dur each, and returns the best seconds per call.
func (b engineBench) best(fn func() error) (float64, error) {
	if err := fn(); err != nil {
		return 0, err
	}
	best := math.Inf(1)
	for range b.reps {
		n, t0 := 0, time.Now()
		for n == 0 || time.Since(t0) < b.dur {
			if err := fn(); err != nil {
				return 0, err
			}
			n++
		}
		best = min(best, time.Since(t0).Seconds()/float64(n))
	}
	return best, nil
}

func (b engineBench) peak(threads int) engineResult {
	best := 0.0
	for range b.reps {
		best = max(best, kernels.PeakGFLOPS(threads, b.dur))
	}
	return engineResult{Name: fmt.Sprintf("peak-%dt", threads), Threads: threads, GFLOPS: best, PeakFraction: 1,
		Seconds: b.dur.Seconds()}
}

// rate fills the speed fields of r from flops per call and the seconds.
func rate(r engineResult, flops, sec, peak float64) engineResult {
	r.Seconds = sec
	r.GFLOPS = flops / sec / 1e9
	if peak > 0 {
		r.PeakFraction = r.GFLOPS / peak
	}
	return r
}

// gemm is C = A*B, 256x2304 times 2304x6144, on one thread.
func (b engineBench) gemm(peak1 float64) engineResult {
	m, n, k := 256, 6144, 2304
	if b.quick {
		m, n, k = 64, 512, 256
	}
	r := rand.New(rand.NewPCG(1, 2))
	a, bm, c := randFloats(r, m*k), randFloats(r, k*n), make([]float32, m*n)
	kernels.SetThreads(1)
	sec, _ := b.best(func() error {
		kernels.Sgemm(false, false, m, n, k, 1, a, k, bm, n, 0, c, n)
		return nil
	})
	res := engineResult{Name: "gemm-256x6144x2304-1t", Threads: 1, Target: "peak_fraction >= 0.60"}
	return rate(res, 2*float64(m)*float64(n)*float64(k), sec, peak1)
}

// conv is the engine's Conv2d forward + backward (input and weight
// gradients): N=32, 64->64 channels, 16x16, 3x3, padding 1.
func (b engineBench) conv(peakT float64) (engineResult, error) {
	n := 32
	if b.quick {
		n = 2
	}
	res := engineResult{Name: "conv3x3-n32c64-16x16-fwdbwd", Threads: b.threads, Target: "peak_fraction >= 0.35"}
	return b.convItem(res, n, 64, 64, 16, 1, peakT)
}

// depthwise is the engine's depthwise Conv2d forward + backward: N=32,
// C=64, 32x32, 3x3, padding 1.
func (b engineBench) depthwise(peakT float64) (engineResult, error) {
	n := 32
	if b.quick {
		n = 1
	}
	res := engineResult{Name: "dwconv3x3-n32c64-32x32-fwdbwd", Threads: b.threads, Target: "gflops >= 15"}
	return b.convItem(res, n, 64, 64, 32, 64, peakT)
}

// convItem times Conv2d then BackwardFrom on x [n, cin, hw, hw] with a 3x3
// kernel. FLOPs: 2 per multiply-add, the backward counted as twice the
// forward (input and weight gradients).
func (b engineBench) convItem(res engineResult, n, cin, cout, hw, groups int, peakT float64) (engineResult, error) {
	r := rand.New(rand.NewPCG(3, 4))
	x, err := nn.FromData(randFloats(r, n*cin*hw*hw), n, cin, hw, hw)
	if err != nil {
		return res, err
	}
	x.SetRequiresGrad(true)
	w := nn.NewParam(cout, cin/groups, 3, 3)
	copy(w.Data, randFloats(r, len(w.Data)))
	dy := randFloats(r, n*cout*hw*hw)
	ctx := nn.NewCtx(1, b.threads)
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

// step is one DARTS_V2 training step at CIFAR shapes (3x32x32, C=16, 8
// cells, no auxiliary head, drop-path 0.2, batch 64): forward, softmax
// cross-entropy, backward and an SGD update with momentum. FLOPs are the
// usual 3 x forward: 3 x 2 x the network's conv and linear multiply-adds
// (derive.Count's MACs) per image. peak_bytes is the engine's peak with the
// parameters, gradients and momentum buffers accounted.
func (b engineBench) step(peakT float64) (engineResult, error) {
	res := engineResult{Name: "step-darts_v2-c16l8-b64", Threads: b.threads}
	batch := 64
	if b.quick {
		batch = 2
	}
	e, ok := models.LookupZoo("DARTS_V2")
	if !ok {
		return res, fmt.Errorf("%s: DARTS_V2 is not in the zoo", res.Name)
	}
	set, err := models.LookupOpSet(e.OpSet)
	if err != nil {
		return res, fmt.Errorf("%s: %w", res.Name, err)
	}
	net, err := derive.Build(e.Genotype, set, derive.Config{Dataset: "cifar10", Channels: 16, Layers: 8})
	if err != nil {
		return res, fmt.Errorf("%s: %w", res.Name, err)
	}
	m, err := model.New(net, 1)
	if err != nil {
		return res, fmt.Errorf("%s: %w", res.Name, err)
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
	ctx := nn.NewCtx(1, b.threads)
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
	counts, err := derive.Count(net)
	if err != nil {
		return res, fmt.Errorf("%s: %w", res.Name, err)
	}
	res = rate(res, 3*2*float64(counts.MACs)*float64(batch), sec, peakT)
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

// loadAverage is the 1-minute load average from /proc/loadavg, 0 where
// there is none: the machine may be shared, and the figures are per
// wall-clock second.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 0
	}
	return v
}

// resultWriter prints results as JSON lines or as an aligned table.
type resultWriter struct {
	w      io.Writer
	json   bool
	load   float64
	header bool
}

func (t *resultWriter) write(r engineResult) error {
	if t.json {
		r.Load = t.load
		enc := json.NewEncoder(t.w)
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	if !t.header {
		t.header = true
		if _, err := fmt.Fprintf(t.w, "%-30s %7s %9s %6s %10s %9s %9s  %s\n",
			"name", "threads", "GFLOP/s", "peak", "ms/iter", "img/s", "peak MiB", "target"); err != nil {
			return err
		}
	}
	img, mib := "", ""
	if r.ImagesPerSec > 0 {
		img = fmt.Sprintf("%.1f", r.ImagesPerSec)
	}
	if r.PeakBytes > 0 {
		mib = fmt.Sprintf("%.1f", float64(r.PeakBytes)/(1<<20))
	}
	_, err := fmt.Fprintf(t.w, "%-30s %7d %9.1f %5.1f%% %10.2f %9s %9s  %s\n",
		r.Name, r.Threads, r.GFLOPS, 100*r.PeakFraction, 1000*r.Seconds, img, mib, r.Target)
	return err
}
