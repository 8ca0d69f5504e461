package search

import (
	"strings"
	"testing"
)

func TestPresets(t *testing.T) {
	for _, tc := range []struct {
		method            string
		batch             int
		lr, lrMin, archLR float64
		partial, warmup   int
		opSet, weighting  string
		schedule          string
	}{
		{"darts", 64, 0.025, 0.001, 3e-4, 0, 0, "darts", WeightingScalar, ScheduleCosine},
		{"darts2", 64, 0.025, 0.001, 3e-4, 0, 0, "darts", WeightingScalar, ScheduleCosine},
		{"pcdarts", 256, 0.1, 0, 6e-4, 4, 15, "darts", WeightingScalar, ScheduleCosine},
		{"sharpdarts", 64, 0.025, 1e-4, 3e-4, 0, 0, "sharpdarts", WeightingScalar, SchedulePowerCosine},
		{"sharpdarts-max-w", 64, 0.025, 1e-4, 3e-4, 0, 0, "sharpdarts", WeightingMaxW, SchedulePowerCosine},
	} {
		m, err := LookupMethod(tc.method)
		if err != nil {
			t.Fatal(err)
		}
		c := m.Preset()
		if c.Batch != tc.batch || c.LR != tc.lr || c.LRMin != tc.lrMin || c.ArchLR != tc.archLR || c.Partial != tc.partial ||
			c.ArchWarmup != tc.warmup || c.OpSet != tc.opSet || c.Weighting != tc.weighting || c.Schedule != tc.schedule {
			t.Errorf("%s preset %+v", tc.method, c)
		}
		// Shared by all (docs/papers.md §4).
		if c.Epochs != 50 || c.Momentum != 0.9 || c.WeightDecay != 3e-4 || c.GradClip != 5 || c.ArchBeta1 != 0.5 ||
			c.ArchBeta2 != 0.999 || c.ArchWeightDecay != 1e-3 || c.Channels != 16 || c.Layers != 8 || c.TrainPortion != 0.5 {
			t.Errorf("%s preset %+v", tc.method, c)
		}
		if err := c.Check(); err != nil {
			t.Errorf("%s preset: %v", tc.method, err)
		}
	}
}

func TestScaleEpochs(t *testing.T) {
	for _, tc := range []struct {
		method             string
		epochs             int
		archWarm, lrWarmup int
	}{
		{"pcdarts", 10, 3, 0}, {"pcdarts", 3, 1, 0}, {"pcdarts", 1, 0, 0}, {"pcdarts", 100, 30, 0},
		{"sharpdarts", 10, 0, 1}, {"sharpdarts", 2, 0, 0}, {"sharpdarts", 50, 0, 5},
	} {
		m, _ := LookupMethod(tc.method)
		c := m.Preset()
		c.ScaleEpochs(tc.epochs)
		if c.Epochs != tc.epochs || c.ArchWarmup != tc.archWarm || c.LRWarmup != tc.lrWarmup {
			t.Errorf("%s scaled to %d epochs: warm-ups %d (arch) and %d (lr), want %d and %d",
				tc.method, tc.epochs, c.ArchWarmup, c.LRWarmup, tc.archWarm, tc.lrWarmup)
		}
	}
}

func TestConfigCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"layers", func(c *Config) { c.Layers = 0 }, "layers must be positive"},
		{"multiplier", func(c *Config) { c.Multiplier = 5 }, "multiplier 5 exceeds steps 4"},
		{"portion", func(c *Config) { c.TrainPortion = 1 }, "train portion"},
		{"lr", func(c *Config) { c.LRMin = 1 }, "learning rate"},
		{"momentum", func(c *Config) { c.Momentum = 1 }, "momentum"},
		{"adam", func(c *Config) { c.ArchBeta2 = 1 }, "architecture Adam"},
		{"weighting", func(c *Config) { c.Weighting = "x" }, `weighting "x"`},
		{"schedule", func(c *Config) { c.Schedule = "x" }, `schedule "x"`},
		{"power", func(c *Config) { c.Schedule = SchedulePowerCosine; c.Power = 0 }, "positive power"},
		{"partial", func(c *Config) { c.Partial = 3 }, "not divisible"},
		{"negative", func(c *Config) { c.Subset = -1 }, "must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dartsBase("darts")
			tc.edit(&c)
			if err := c.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
