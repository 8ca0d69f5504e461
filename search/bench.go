package search

import (
	"fmt"
	"math/rand/v2"
	"time"

	"gonas/engine/data"
	"gonas/internal/spec"
)

// BenchConfig is a search-step benchmark: a method's preset supernet at the
// given size, on random data.
type BenchConfig struct {
	Method   string
	Batch    int
	Layers   int
	Channels int
	Input    spec.Shape
	Classes  int // 0: 10
	Steps    int // iterations to time
	Threads  int
	Seed     uint64
	// Override, if set, edits the method's preset before the run (op set,
	// partial channels, ...).
	Override func(*Config) error
}

// BenchResult is what `gonas bench search --json` prints.
type BenchResult struct {
	Method string `json:"method"`
	// PeakBytes is the most memory the engine accounted at any time during
	// a full iteration (architecture step and weight step): activations,
	// their gradients and op workspaces, plus the weights with their
	// gradients and momentum, the architecture parameters with their
	// gradients and Adam moments, and any copy a step makes (the unrolled
	// step's weights).
	PeakBytes int64 `json:"peak_bytes"`
	// EstimateBytes is what the search estimates from the supernet's spec
	// before it starts (and refuses past --max-memory).
	EstimateBytes int64 `json:"estimate_bytes"`
	// SecondsPerStep is the mean wall time of an iteration, the first
	// (which fills the buffer pool) left out when there are several.
	SecondsPerStep float64 `json:"seconds_per_step"`
	// Params is the supernet's weights (learned values, no architecture
	// parameters).
	Params int64 `json:"params"`
}

// Bench times cfg.Steps iterations of the method's search (the
// architecture step included from the first iteration, warm-up or not).
func Bench(bc BenchConfig) (BenchResult, error) {
	m, err := LookupMethod(bc.Method)
	if err != nil {
		return BenchResult{}, fmt.Errorf("bench search: %w", err)
	}
	if bc.Batch <= 0 || bc.Steps <= 0 || bc.Input.C <= 0 || bc.Input.H <= 0 || bc.Input.W <= 0 {
		return BenchResult{}, fmt.Errorf("bench search: batch %d, steps %d and input %v must be positive", bc.Batch, bc.Steps, bc.Input)
	}
	cfg := m.Preset()
	cfg.Batch, cfg.ArchWarmup, cfg.Seed = bc.Batch, 0, bc.Seed
	if bc.Layers > 0 {
		cfg.Layers = bc.Layers
	}
	if bc.Channels > 0 {
		cfg.Channels = bc.Channels
	}
	if bc.Override != nil {
		if err := bc.Override(&cfg); err != nil {
			return BenchResult{}, err
		}
	}
	classes := bc.Classes
	if classes <= 0 {
		classes = 10
	}
	d, err := randomData(bc.Input, classes, 2*bc.Batch, bc.Seed)
	if err != nil {
		return BenchResult{}, fmt.Errorf("bench search: %w", err)
	}
	s, err := New(cfg, d, Options{Threads: bc.Threads})
	if err != nil {
		return BenchResult{}, fmt.Errorf("bench search: %w", err)
	}
	res := BenchResult{Method: bc.Method, Params: s.Model.Params.Count(), EstimateBytes: estimate(s.Net.Net, cfg).Total()}
	var total float64
	for i := range bc.Steps {
		s.State.Pos = data.Position{} // one batch per half, reused
		s.ctx.ResetPeak()
		t0 := time.Now()
		if err := s.iterate(0, s.sched.LR(0), true); err != nil {
			return res, fmt.Errorf("bench search: iteration %d: %w", i+1, err)
		}
		dt := time.Since(t0).Seconds()
		if i > 0 || bc.Steps == 1 {
			total += dt
		}
		res.PeakBytes = max(res.PeakBytes, s.ctx.PeakBytes())
	}
	res.SecondsPerStep = total / float64(max(bc.Steps-1, 1))
	return res, nil
}

// randomData is n random images of shape in with random labels, split in
// halves.
func randomData(in spec.Shape, classes, n int, seed uint64) (*Data, error) {
	r := rand.New(rand.NewPCG(seed, 0x62656e6368))
	ds := &data.Dataset{Name: "random", Split: "train", C: in.C, H: in.H, W: in.W, Classes: classes,
		Images: make([]uint8, n*int(in.Numel())), Labels: make([]int, n)}
	for i := range ds.Images {
		ds.Images[i] = uint8(r.IntN(256))
	}
	for i := range ds.Labels {
		ds.Labels[i] = r.IntN(classes)
	}
	for range in.C {
		ds.Mean = append(ds.Mean, 0.5)
		ds.Std = append(ds.Std, 0.25)
	}
	a, b, err := data.Split(ds, 0.5)
	if err != nil {
		return nil, err
	}
	return &Data{Train: a, Val: b}, nil
}
