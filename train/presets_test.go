package train

import (
	"strings"
	"testing"
)

// TestPresetsMatchPapers compares every preset with the retraining
// settings of docs/papers.md §5, typed here from that table.
func TestPresetsMatchPapers(t *testing.T) {
	type row struct {
		layers, channels, epochs, batch int
		lr, lrMin                       float64
		sched                           string
		stepFirst                       bool
		warmup                          int
		power, gamma                    float64
		wd, momentum                    float64
		nesterov                        bool
		aux                             float64
		cutout                          int
		dropPath, clip, smoothing       float64
		dataset                         string
	}
	darts := row{20, 36, 600, 96, 0.025, 0, SchedCosine, true, 0, 0, 0, 3e-4, 0.9, false, 0.4, 16, 0.2, 5, 0, "cifar10"}
	pc := darts
	pc.dropPath = 0.3
	gdas := darts
	gdas.stepFirst = false
	sharp := row{20, 36, 2000, 64, 0.025, 1e-8, SchedPowerCosine, false, 5, 2, 0, 3e-4, 0.9, false, 0.4, 16, 0.2, 5, 0, "cifar10"}
	dartsIN := row{14, 48, 250, 128, 0.1, 0, SchedStep, false, 0, 0, 0.97, 3e-5, 0.9, false, 0.4, 0, 0, 5, 0.1, "imagenet"}
	pcIN := row{14, 48, 250, 1024, 0.5, 0, SchedLinear, false, 5, 0, 0, 3e-5, 0.9, false, 0.4, 0, 0, 5, 0.1, "imagenet"}
	gdasIN := dartsIN
	gdasIN.channels = 50
	sharpIN := row{14, 48, 300, 128, 0.05, 0.00075, SchedPowerCosine, false, 10, 10, 0, 1e-4, 0.9, false, 0.4, 0, 0, 5, 0, "imagenet"}
	want := map[string]row{
		"darts-cifar10": darts, "pcdarts-cifar10": pc, "gdas-cifar10": gdas, "sharpdarts-cifar10": sharp,
		"rome-cifar10": darts, "darts-imagenet": dartsIN, "pcdarts-imagenet": pcIN, "gdas-imagenet": gdasIN,
		"sharpdarts-imagenet": sharpIN,
	}
	if got := PresetNames(); len(got) != len(want) {
		t.Fatalf("presets %v, want %d", got, len(want))
	}
	for name, w := range want {
		p, err := LookupPreset(strings.ToUpper(name))
		if err != nil {
			t.Fatal(err)
		}
		c := p.Config
		got := row{p.Net.Layers, p.Net.Channels, c.Epochs, c.Batch, c.LR, c.LRMin, c.Schedule, c.StepFirst, c.Warmup,
			c.Power, c.Gamma, c.WeightDecay, c.Momentum, c.Nesterov, c.AuxWeight, c.Cutout, c.DropPath, c.GradClip,
			c.LabelSmoothing, c.Dataset}
		if got != w {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, w)
		}
		if !p.Net.Auxiliary || p.Net.Dataset != w.dataset || c.Preset != p.Name || !c.Augment {
			t.Errorf("%s: net %+v, preset field %q, augment %v", name, p.Net, c.Preset, c.Augment)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := c.LRSchedule(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := LookupPreset("darts-mnist"); err == nil || !strings.Contains(err.Error(), "darts-cifar10") {
		t.Errorf("unknown preset: %v", err)
	}
}

// TestDefaultConfigs: every dataset's default is valid; MNIST's is short.
func TestDefaultConfigs(t *testing.T) {
	for _, d := range []string{"mnist", "cifar10", "cifar100", "imagenet", "folder:x"} {
		c := DefaultConfig(d)
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", d, err)
		}
		if c.Cutout != 0 || c.DropPath != 0 || c.Preset != "" {
			t.Errorf("%s: the default adds regularisers: %+v", d, c)
		}
	}
	if c := DefaultConfig("mnist"); c.Epochs > 5 || c.Batch < 64 || c.LR < 0.02 {
		t.Errorf("mnist default %+v is not a quick schedule", c)
	}
}

// TestConfigValidate names the bad field.
func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Epochs = 0 }, "epochs"},
		{func(c *Config) { c.Batch = -1 }, "batch"},
		{func(c *Config) { c.LR = 0 }, "lr"},
		{func(c *Config) { c.LR = -1 }, "lr"},
		{func(c *Config) { c.Momentum = 1 }, "momentum"},
		{func(c *Config) { c.DropPath = 1 }, "drop_path"},
		{func(c *Config) { c.LabelSmoothing = 2 }, "label_smoothing"},
		{func(c *Config) { c.Nesterov, c.Momentum = true, 0 }, "Nesterov"},
		{func(c *Config) { c.Schedule = "exp" }, "unknown schedule"},
		{func(c *Config) { c.Schedule, c.Gamma = SchedStep, 0 }, "gamma"},
		{func(c *Config) { c.Schedule, c.Epochs = SchedLinear, 5 }, "linear"},
		{func(c *Config) { c.Schedule, c.Warmup = SchedPowerCosine, 10 }, "power annealing"},
		{func(c *Config) { c.Dataset = "" }, "dataset"},
		{func(c *Config) { c.Cutout = -2 }, "cutout"},
	} {
		c := tinyConfig()
		tc.edit(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one mentioning %q", c, err, tc.want)
		}
	}
}
