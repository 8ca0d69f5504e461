package pipeline

import (
	"fmt"
	"strings"

	"gonas/derive"
	"gonas/models"
	"gonas/search"
	"gonas/train"
)

// DefaultMethod is the search method of a plain `gonas run`: ROME, the
// headline of the seed papers. Measured on the quick budget (2 cores, two
// seeds each): its search takes 82-96 s against GDAS's 52-53 s (K=2
// sub-networks per step), holds 25% less memory (228-230 MiB against
// 297-306 MiB), ends with a slightly better supernet (14.0-15.1% against
// 12.1-12.8% on the architecture's half) and its genotypes validate a
// little better after the selection's short retraining (75.6 and 85.1%
// against 63.4 and 84.2%); the extra half minute is small next to the
// retraining.
const DefaultMethod = "rome"

// Datasets lists the datasets a run can use: those with a derive preset
// and a training default.
var Datasets = []string{"mnist", "fashion-mnist", "cifar10", "cifar100"}

// builtIn tells whether a dataset is found without --data-dir: MNIST in the
// Go module cache, Fashion-MNIST in Debian's dataset-fashion-mnist folder.
func builtIn(dataset string) bool { return dataset == "mnist" || dataset == "fashion-mnist" }

// Config is what a run computes: stored in run.json, it cannot change on
// resume.
type Config struct {
	Method  string `json:"method"`
	Dataset string `json:"dataset"`
	DataDir string `json:"data_dir,omitempty"`
	Budget  string `json:"budget"`
	Seed    uint64 `json:"seed"`  // the first search's seed and the retraining's
	Seeds   int    `json:"seeds"` // searches run, seeds Seed, Seed+1, ...
	Plan    Plan   `json:"plan"`
}

// NewConfig makes the configuration of a run with the budget's plan.
func NewConfig(method, dataset, budget string, seed uint64, seeds int) (Config, error) {
	b, err := LookupBudget(budget)
	if err != nil {
		return Config{}, err
	}
	c := Config{Method: strings.ToLower(method), Dataset: strings.ToLower(dataset), Budget: b.Name,
		Seed: seed, Seeds: seeds}
	c.Plan = b.Plan(c.Dataset, c.Method)
	return c, c.Check()
}

// Check validates the configuration: the method and dataset exist, the
// plan's numbers are sane and the search configuration it gives passes
// search.Config.Check.
func (c *Config) Check() error {
	if _, err := search.LookupMethod(c.Method); err != nil {
		return err
	}
	known := false
	for _, d := range Datasets {
		known = known || d == c.Dataset
	}
	if !known {
		return fmt.Errorf("dataset %q: gonas run knows %s (use gonas search and gonas train for image folders)", c.Dataset, strings.Join(Datasets, ", "))
	}
	if c.Seeds < 1 || c.Seeds > 100 {
		return fmt.Errorf("seeds must be in 1..100, got %d", c.Seeds)
	}
	p := c.Plan
	for _, v := range []struct {
		name string
		n    int64
	}{{"search subset", int64(p.Search.Subset)}, {"search layers", int64(p.Search.Layers)}, {"search channels", int64(p.Search.Channels)},
		{"search epochs", int64(p.Search.Epochs)}, {"search batch", int64(p.Search.Batch)}, {"k", int64(p.Search.K)},
		{"search checkpoint interval", int64(p.Search.CkptEvery)}, {"selection subset", int64(p.Select.Subset)},
		{"train layers", int64(p.Train.Layers)}, {"train channels", int64(p.Train.Channels)}, {"train epochs", int64(p.Train.Epochs)},
		{"train batch", int64(p.Train.Batch)}, {"train subset", int64(p.Train.Subset)}, {"test subset", int64(p.Train.TestSubset)},
		{"train checkpoint interval", p.Train.CkptEvery}} {
		if v.n < 0 {
			return fmt.Errorf("%s must not be negative, got %d", v.name, v.n)
		}
	}
	switch {
	case p.Select.Epochs < 1:
		return fmt.Errorf("selection epochs must be positive, got %d", p.Select.Epochs)
	case p.Search.ArchLR < 0 || p.Train.LR < 0:
		return fmt.Errorf("learning rates must not be negative")
	case p.Export.Batch < 1:
		return fmt.Errorf("export batch must be positive, got %d", p.Export.Batch)
	}
	for i := range c.Seeds {
		sc, err := c.SearchConfig(c.Seed + uint64(i))
		if err != nil {
			return err
		}
		if _, err := models.LookupOpSet(sc.OpSet); err != nil {
			return err
		}
		if err := sc.Check(); err != nil {
			return fmt.Errorf("search: %w", err)
		}
	}
	if _, err := c.TrainConfig(); err != nil {
		return err
	}
	return nil
}

// SearchConfig is the search of the given seed: the method's preset with
// the plan's overrides, as `gonas search` makes it from the flags
// SearchArgs lists.
func (c *Config) SearchConfig(seed uint64) (search.Config, error) {
	m, err := search.LookupMethod(c.Method)
	if err != nil {
		return search.Config{}, err
	}
	cfg := m.Preset()
	p := c.Plan.Search
	if p.Epochs > 0 {
		cfg.ScaleEpochs(p.Epochs)
	}
	cfg.Dataset = c.Dataset
	if c.DataDir != "" {
		cfg.DataDir = c.DataDir
	}
	set := func(dst *int, v int) {
		if v > 0 {
			*dst = v
		}
	}
	set(&cfg.Subset, p.Subset)
	set(&cfg.Layers, p.Layers)
	set(&cfg.Channels, p.Channels)
	set(&cfg.Batch, p.Batch)
	if p.ArchLR > 0 {
		cfg.ArchLR = p.ArchLR
	}
	if _, ok := cfg.Extra[search.ExtraK]; ok && p.K > 0 {
		cfg.Extra[search.ExtraK] = float64(p.K)
	}
	cfg.Seed = seed
	return cfg, nil
}

// hasK tells whether the method samples K sub-networks per step.
func (c *Config) hasK() bool {
	m, err := search.LookupMethod(c.Method)
	if err != nil {
		return false
	}
	_, ok := m.Preset().Extra[search.ExtraK]
	return ok
}

// TrainConfig is the final retraining: the derive configuration of the
// network and the training configuration, as `gonas train` makes them from
// the flags TrainArgs lists.
func (c *Config) TrainConfig() (TrainSetup, error) {
	p := c.Plan.Train
	dc := derive.Config{Dataset: c.Dataset, Layers: p.Layers, Channels: p.Channels}
	var tc train.Config
	if p.Preset != "" {
		pr, err := train.LookupPreset(p.Preset)
		if err != nil {
			return TrainSetup{}, err
		}
		tc = pr.Config
		tc.Dataset = c.Dataset
		if dc.Layers == 0 {
			dc.Layers = pr.Net.Layers
		}
		if dc.Channels == 0 {
			dc.Channels = pr.Net.Channels
		}
		dc.Auxiliary, dc.MidChannels = pr.Net.Auxiliary, pr.Net.MidChannels
	} else {
		tc = train.DefaultConfig(c.Dataset)
	}
	if p.Epochs > 0 {
		tc.Epochs = p.Epochs
	}
	if p.Batch > 0 {
		tc.Batch = p.Batch
	}
	if p.LR > 0 {
		tc.LR = p.LR
	}
	tc.Subset, tc.TestSubset = p.Subset, p.TestSubset
	tc.Seed, tc.DataDir = c.Seed, c.DataDir
	if tc.EvalBatch == 0 {
		tc.EvalBatch = max(tc.Batch, 1)
	}
	dc, err := dc.Resolve()
	if err != nil {
		return TrainSetup{}, fmt.Errorf("train: %w", err)
	}
	if dc.Auxiliary && tc.AuxWeight == 0 {
		tc.AuxWeight = 0.4
	}
	if err := tc.Validate(); err != nil {
		return TrainSetup{}, fmt.Errorf("train: %w", err)
	}
	return TrainSetup{Net: dc, Train: tc}, nil
}

// TrainSetup is a retraining: the network's macro configuration and the
// training configuration.
type TrainSetup struct {
	Net   derive.Config
	Train train.Config
}

// SelectConfig is the selection's short retraining of one candidate: the
// final retraining's network and optimizer for Plan.Select.Epochs, on data
// the selection stage hands the trainer (the subsets do not apply).
func (c *Config) SelectConfig() (TrainSetup, error) {
	s, err := c.TrainConfig()
	if err != nil {
		return s, err
	}
	s.Train.Epochs = c.Plan.Select.Epochs
	s.Train.Subset, s.Train.TestSubset = 0, 0
	return s, s.Train.Validate()
}
