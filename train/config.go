package train

import (
	"fmt"
	"math"
	"strings"
)

// The learning-rate schedules a Config may name.
const (
	SchedCosine      = "cosine"       // cosine annealing from LR to LRMin over Epochs (optional warm-up, StepFirst)
	SchedPowerCosine = "power-cosine" // sharpDARTS cosine power annealing (Power, Warmup)
	SchedStep        = "step"         // LR·Gamma^(epoch/StepEvery) (DARTS ImageNet: 0.97 every epoch)
	SchedLinear      = "linear"       // PC-DARTS ImageNet linear decay with a gentler last 5 epochs (optional warm-up)
	SchedConstant    = "constant"     // LR throughout
)

// Schedules lists the schedule names.
var Schedules = []string{SchedCosine, SchedPowerCosine, SchedStep, SchedLinear, SchedConstant}

// Config is what defines a training run's arithmetic: data, schedule,
// optimizer, regularisation and seed. It is stored in every checkpoint;
// the same Config, network and thread count give bit-identical weights.
type Config struct {
	Preset string `json:"preset,omitempty"` // the preset it started from, for the record

	// Data.
	Dataset    string `json:"dataset"`               // a engine/data name: mnist, cifar10, cifar100, folder:PATH
	DataDir    string `json:"data_dir,omitempty"`    // engine/data Options.Dir
	Subset     int    `json:"subset,omitempty"`      // train on the first Subset training images (0: all)
	TestSubset int    `json:"test_subset,omitempty"` // evaluate on the first TestSubset test images (0: all)
	Augment    bool   `json:"augment"`               // random crop (dataset padding) and, where labels allow, horizontal flip
	Cutout     int    `json:"cutout,omitempty"`      // cutout length (0: none)
	// AutoAugment applies AutoAugment's CIFAR-10 policy after crop and flip
	// (sharpDARTS's retraining).
	AutoAugment bool `json:"autoaugment,omitempty"`

	// Length and batches.
	Epochs    int `json:"epochs"`
	Batch     int `json:"batch"`
	EvalBatch int `json:"eval_batch"`

	// Learning rate.
	Schedule  string  `json:"schedule"`
	LR        float64 `json:"lr"`
	LRMin     float64 `json:"lr_min"`
	Warmup    int     `json:"warmup_epochs,omitempty"` // linear warm-up epochs (cosine, power-cosine, linear)
	StepFirst bool    `json:"step_first,omitempty"`    // cosine: epoch e uses t=e+1 (DARTS/PC-DARTS call scheduler.step() first)
	PerStep   bool    `json:"lr_per_step,omitempty"`   // the rate follows the schedule every step (fractional epochs), not once per epoch
	Power     float64 `json:"power,omitempty"`         // power-cosine exponent base p
	Gamma     float64 `json:"gamma,omitempty"`         // step: decay factor
	StepEvery int     `json:"step_every,omitempty"`    // step: epochs between decays

	// Optimizer (SGD) and regularisation.
	Momentum       float64 `json:"momentum"`
	WeightDecay    float64 `json:"weight_decay"`
	Nesterov       bool    `json:"nesterov,omitempty"`
	GradClip       float64 `json:"grad_clip"`       // max global gradient L2 norm (0: no clipping)
	AuxWeight      float64 `json:"aux_weight"`      // weight of the auxiliary-head loss (used when the network has one)
	DropPath       float64 `json:"drop_path"`       // final drop-path probability; epoch e uses DropPath·e/Epochs
	LabelSmoothing float64 `json:"label_smoothing"` // training loss label smoothing
	Seed           uint64  `json:"seed"`            // weights, data order, augmentation and drop-path derive from it
	Note           string  `json:"note,omitempty"`  // what a preset leaves out (e.g. AutoAugment)
}

// Validate checks the values, naming the first bad one.
func (c *Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("training config: "+format, args...)
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	for _, f := range []struct {
		name string
		v    float64
	}{{"lr", c.LR}, {"lr_min", c.LRMin}, {"momentum", c.Momentum}, {"weight_decay", c.WeightDecay},
		{"grad_clip", c.GradClip}, {"aux_weight", c.AuxWeight}, {"drop_path", c.DropPath},
		{"label_smoothing", c.LabelSmoothing}, {"power", c.Power}, {"gamma", c.Gamma}} {
		if !finite(f.v) || f.v < 0 {
			return bad("%s must be a finite number >= 0, got %v", f.name, f.v)
		}
	}
	switch {
	case strings.TrimSpace(c.Dataset) == "":
		return bad("no dataset")
	case c.Epochs <= 0:
		return bad("epochs must be positive, got %d", c.Epochs)
	case c.Batch <= 0:
		return bad("batch must be positive, got %d", c.Batch)
	case c.EvalBatch <= 0:
		return bad("eval batch must be positive, got %d", c.EvalBatch)
	case c.Subset < 0 || c.TestSubset < 0:
		return bad("subsets must not be negative, got %d and %d", c.Subset, c.TestSubset)
	case c.Cutout < 0:
		return bad("cutout must not be negative, got %d", c.Cutout)
	case c.LR == 0:
		return bad("lr must be positive")
	case c.Momentum >= 1:
		return bad("momentum must be below 1, got %v", c.Momentum)
	case c.Nesterov && c.Momentum == 0:
		return bad("Nesterov momentum needs momentum > 0")
	case c.DropPath >= 1:
		return bad("drop_path must be below 1, got %v", c.DropPath)
	case c.LabelSmoothing > 1:
		return bad("label_smoothing must be at most 1, got %v", c.LabelSmoothing)
	case c.Warmup < 0:
		return bad("warm-up epochs must not be negative, got %d", c.Warmup)
	}
	if _, err := c.StepSchedule(1); err != nil {
		return bad("%v", err)
	}
	return nil
}

// DefaultConfig is the configuration for a dataset when no preset is
// named. MNIST gets a quick schedule that reaches 99.4% test accuracy in a
// few epochs (batch 96, lr 0.05 cosine to 0 over 3 epochs updated every
// step, momentum 0.9,
// wd 3e-4, clip 5, random 2-pixel shifts, no cutout, no auxiliary loss, no
// drop-path). CIFAR gets the DARTS retraining optimizer (lr 0.025 cosine,
// momentum 0.9, wd 3e-4, clip 5, batch 96, crop and flip) over 600 epochs,
// without the regularisers a preset adds (cutout, auxiliary loss,
// drop-path); ImageNet and image folders the same optimizer over 250 and 50
// epochs.
func DefaultConfig(dataset string) Config {
	c := Config{
		Dataset: dataset, Augment: true, Batch: 96, EvalBatch: 256,
		Schedule: SchedCosine, LR: 0.025, Momentum: 0.9, WeightDecay: 3e-4, GradClip: 5, AuxWeight: 0.4,
		Epochs: 50,
	}
	switch d := strings.ToLower(dataset); {
	case d == "mnist":
		c.Epochs, c.Batch, c.LR, c.PerStep = 3, 96, 0.05, true
	case d == "fashion-mnist":
		c.Epochs, c.Batch, c.LR, c.PerStep = 10, 96, 0.05, true
	case d == "cifar10" || d == "cifar100" || d == "cifar-10" || d == "cifar-100":
		c.Epochs = 600
	case d == "imagenet":
		c.Epochs = 250
	}
	return c
}
