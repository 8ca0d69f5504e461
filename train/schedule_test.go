package train

import (
	"context"
	"math"
	"path/filepath"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

// TestLRSchedules checks each schedule a Config can name against values
// worked out from the reference code's formulas.
func TestLRSchedules(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want map[int]float64 // epoch (0-based) -> lr
	}{
		// DARTS: CosineAnnealingLR(T_max=600, eta_min=0), scheduler.step()
		// before each epoch: epoch 0 already uses t=1.
		{"darts step-first cosine", Config{Schedule: SchedCosine, LR: 0.025, Epochs: 600, StepFirst: true}, map[int]float64{
			0: 0.025 * (1 + math.Cos(math.Pi/600)) / 2, 299: 0.0125, 599: 0,
		}},
		// Plain cosine with a floor: epoch 0 at the peak.
		{"cosine", Config{Schedule: SchedCosine, LR: 0.05, LRMin: 0.001, Epochs: 4}, map[int]float64{
			0: 0.05, 1: 0.001 + 0.049*(1+math.Sqrt2/2)/2, 2: 0.0255, 3: 0.001 + 0.049*(1-math.Sqrt2/2)/2,
		}},
		// DARTS ImageNet: StepLR(1, gamma=0.97).
		{"step", Config{Schedule: SchedStep, LR: 0.1, Gamma: 0.97, StepEvery: 1, Epochs: 250}, map[int]float64{
			0: 0.1, 1: 0.097, 2: 0.09409, 10: 0.1 * math.Pow(0.97, 10),
		}},
		{"step every 2", Config{Schedule: SchedStep, LR: 1, Gamma: 0.5, StepEvery: 2, Epochs: 10}, map[int]float64{
			0: 1, 1: 1, 2: 0.5, 3: 0.5, 4: 0.25,
		}},
		// PC-DARTS ImageNet adjust_lr with lr 0.5, 250 epochs and the
		// 5-epoch warm-up of batch 1024: 0.5*(245-e)/245, then
		// 0.5*(250-e)/1225 for the last five epochs.
		{"pcdarts linear", Config{Schedule: SchedLinear, LR: 0.5, Epochs: 250, Warmup: 5}, map[int]float64{
			0: 0.1, 4: 0.5, 5: 0.4897959183673469, 100: 0.29591836734693877, 244: 0.0020408163265306124,
			245: 0.0020408163265306124, 249: 0.00040816326530612246,
		}},
		{"constant", Config{Schedule: SchedConstant, LR: 0.3, Epochs: 5}, map[int]float64{0: 0.3, 4: 0.3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := tc.cfg.LRSchedule()
			if err != nil {
				t.Fatal(err)
			}
			for e, want := range tc.want {
				if got := s.LR(e); !near(got, want) {
					t.Errorf("epoch %d: lr %.17g, want %.17g", e, got, want)
				}
			}
		})
	}
}

// TestPowerCosineWarmup: sharpDARTS's ramp covers the first W+1 epochs and
// the schedule ends exactly at the minimum.
func TestPowerCosineWarmup(t *testing.T) {
	cfg := Config{Schedule: SchedPowerCosine, LR: 0.025, LRMin: 1e-8, Power: 2, Warmup: 5, Epochs: 2000}
	s, err := cfg.LRSchedule()
	if err != nil {
		t.Fatal(err)
	}
	for e := 0; e <= 5; e++ {
		want := float64(e+1)/6*(0.025-1e-8) + 1e-8
		if got := s.LR(e); !near(got, want) {
			t.Errorf("warm-up epoch %d: %v, want %v", e, got, want)
		}
	}
	if got := s.LR(1999); !near(got, 1e-8) {
		t.Errorf("last epoch: %v, want 1e-8", got)
	}
	for e := 6; e < 1999; e++ {
		if s.LR(e) > s.LR(e-1)+1e-15 && e > 6 {
			t.Fatalf("lr rises after the warm-up at epoch %d", e)
		}
	}
}

// TestDropPathRamp: drop_path·e/epochs, 0 in the first epoch.
func TestDropPathRamp(t *testing.T) {
	c := Config{DropPath: 0.2, Epochs: 600}
	for e, want := range map[int]float64{0: 0, 1: 0.2 / 600, 300: 0.1, 599: 0.2 * 599 / 600} {
		if got := c.DropPathAt(e); !near(got, want) {
			t.Errorf("epoch %d: %v, want %v", e, got, want)
		}
	}
}

// dropPathProbe records the model's drop-path probability and the learning
// rate at every step.
type dropPathProbe struct {
	nop
	tr  **Trainer
	got map[int][]float64 // epoch -> values seen
	lrs []float64
}

func (p *dropPathProbe) Step(s StepInfo) {
	p.got[s.Epoch] = append(p.got[s.Epoch], (*p.tr).Model().DropPath())
	p.lrs = append(p.lrs, s.LR)
}

// TestStepSchedule: a per-step schedule is the epoch formula at fractional
// epochs (warm-up included); per-epoch mode holds the rate for the epoch;
// schedules defined per epoch only refuse per-step mode.
func TestStepSchedule(t *testing.T) {
	const per = 4
	for _, tc := range []struct {
		name string
		cfg  Config
		want func(e, b int) float64
	}{
		{"per-step cosine", Config{Schedule: SchedCosine, LR: 0.05, LRMin: 0.01, Epochs: 3, PerStep: true}, func(e, b int) float64 {
			x := float64(e) + float64(b)/per
			return 0.01 + 0.04*(1+math.Cos(math.Pi*x/3))/2
		}},
		{"per-step cosine with warm-up", Config{Schedule: SchedCosine, LR: 0.1, Epochs: 3, Warmup: 1, PerStep: true}, func(e, b int) float64 {
			s := float64(e*per + b)
			if e < 1 {
				return 0.1 * (s + 1) / per
			}
			return 0.1 * (1 + math.Cos(math.Pi*s/(3*per))) / 2
		}},
		{"per-epoch cosine", Config{Schedule: SchedCosine, LR: 0.05, Epochs: 3}, func(e, b int) float64 {
			return 0.05 * (1 + math.Cos(math.Pi*float64(e)/3)) / 2
		}},
		{"per-step step", Config{Schedule: SchedStep, LR: 1, Gamma: 0.5, StepEvery: 1, Epochs: 3, PerStep: true}, func(e, b int) float64 {
			return math.Pow(0.5, float64(e))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.cfg.StepSchedule(per)
			if err != nil {
				t.Fatal(err)
			}
			for e := range 3 {
				for b := range per {
					if got, want := r.Rate(e, b), tc.want(e, b); !near(got, want) {
						t.Errorf("epoch %d batch %d: lr %.17g, want %.17g", e, b, got, want)
					}
				}
			}
		})
	}
	for _, sched := range []string{SchedLinear, SchedPowerCosine} {
		c := Config{Schedule: sched, LR: 0.1, Epochs: 10, PerStep: true}
		if _, err := c.StepSchedule(per); err == nil {
			t.Errorf("%s: per-step mode accepted", sched)
		}
		if err := c.Validate(); err == nil {
			t.Errorf("%s: Validate accepted per-step mode", sched)
		}
	}
}

// TestPerStepScheduleAsRun: with PerStep the trainer changes the rate at
// every step along the cosine, and metrics.jsonl logs each epoch's last rate.
func TestPerStepScheduleAsRun(t *testing.T) {
	s := newTiny(t)
	cfg := tinyConfig()
	cfg.Epochs, cfg.LR, cfg.PerStep = 2, 0.04, true
	out := t.TempDir()
	opt := s.options(out)
	var tr *Trainer
	probe := &dropPathProbe{tr: &tr, got: map[int][]float64{}}
	opt.Progress = probe
	tr, err := New(s.net, cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := func(step int) float64 { return 0.04 * (1 + math.Cos(math.Pi*float64(step)/12)) / 2 }
	if len(probe.lrs) != 12 {
		t.Fatalf("%d steps seen, want 12", len(probe.lrs))
	}
	for i, got := range probe.lrs {
		if !near(got, want(i)) {
			t.Errorf("step %d: lr %v, want %v", i, got, want(i))
		}
	}
	hist, err := ReadMetrics(filepath.Join(out, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range hist {
		if !near(m.LR, want(6*i+5)) {
			t.Errorf("epoch %d: logged lr %v, want %v", i+1, m.LR, want(6*i+5))
		}
	}
}

// TestScheduleAsRun: the learning rate and drop-path probability logged in
// metrics.jsonl, and the probability the model really used at each step,
// follow the DARTS step-first cosine and the linear ramp.
func TestScheduleAsRun(t *testing.T) {
	s := newTiny(t)
	cfg := tinyConfig()
	cfg.Epochs, cfg.LR, cfg.StepFirst, cfg.DropPath = 3, 0.04, true, 0.3
	out := t.TempDir()
	opt := s.options(out)
	var tr *Trainer
	probe := &dropPathProbe{tr: &tr, got: map[int][]float64{}}
	opt.Progress = probe
	tr, err := New(s.net, cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	hist, err := ReadMetrics(filepath.Join(out, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 {
		t.Fatalf("%d lines in metrics.jsonl", len(hist))
	}
	for i, m := range hist {
		wantLR := 0.04 * (1 + math.Cos(math.Pi*float64(i+1)/3)) / 2
		wantDP := 0.3 * float64(i) / 3
		if m.Epoch != i+1 || !near(m.LR, wantLR) || !near(m.DropPath, wantDP) || m.Step != int64(6*(i+1)) {
			t.Errorf("line %d: epoch %d lr %v drop_path %v step %d; want epoch %d lr %v drop_path %v step %d",
				i, m.Epoch, m.LR, m.DropPath, m.Step, i+1, wantLR, wantDP, 6*(i+1))
		}
		if m.TrainAcc < 0 || m.TrainAcc > 100 || m.TestAcc < 0 || m.TestAcc > 100 || !(m.TrainLoss > 0) || !(m.TestLoss > 0) ||
			!(m.Seconds > 0) || !(m.ImagesPerSec > 0) {
			t.Errorf("line %d: implausible %+v", i, m)
		}
		seen := probe.got[i+1]
		if len(seen) != 6 {
			t.Fatalf("epoch %d: %d steps seen", i+1, len(seen))
		}
		for _, v := range seen {
			if !near(v, wantDP) {
				t.Errorf("epoch %d: the model used drop-path %v, want %v", i+1, v, wantDP)
			}
		}
	}
}
