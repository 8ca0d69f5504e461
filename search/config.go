package search

import (
	"fmt"
	"math"
)

// Schedules of the weight learning rate.
const (
	ScheduleCosine      = "cosine"       // cosine annealing to LRMin, stepped at the start of each epoch (DARTS, PC-DARTS)
	SchedulePowerCosine = "power-cosine" // sharpDARTS's cosine power annealing
)

// Weightings of the candidate ops in a mixed op.
const (
	WeightingScalar = "scalar" // sum_i w_i op_i(x), w = softmax(alpha)
	WeightingMaxW   = "max_w"  // sharpDARTS Max-W: sum_i (1 - max w + w_i) op_i(x)
)

// Config is a search run: the method, the data, the supernet and every
// hyper-parameter. A method's Preset gives the paper's values; the CLI
// overrides single fields. It is stored in the checkpoint, so a resumed
// run needs nothing else.
type Config struct {
	Method string `json:"method"`
	OpSet  string `json:"op_set"`
	// Space is the search space (models.SpaceNames; "" is s0, the op set's
	// primitives on every edge).
	Space string `json:"space,omitempty"`

	Dataset string `json:"dataset"`
	DataDir string `json:"data_dir,omitempty"`
	Subset  int    `json:"subset,omitempty"` // first N training images (0: all)
	// ImageSize is the side image folders are resized to (0: 32, or 224
	// with the ImageNet stem).
	ImageSize    int     `json:"image_size,omitempty"`
	TrainPortion float64 `json:"train_portion"`         // first share trains the weights, the rest the architecture
	AutoAugment  bool    `json:"autoaugment,omitempty"` // AutoAugment's CIFAR-10 policy on both halves

	Channels       int `json:"channels"`
	Layers         int `json:"layers"`
	Steps          int `json:"steps"`
	Multiplier     int `json:"multiplier"`
	StemMultiplier int `json:"stem_multiplier"`
	Partial        int `json:"partial_channels,omitempty"` // PC-DARTS K
	// ImageNetStem is the stem of PC-DARTS's model_search_imagenet: three
	// stride-2 3x3 convs (224 -> 28) for direct ImageNet search.
	ImageNetStem bool   `json:"imagenet_stem,omitempty"`
	EdgeNorm     bool   `json:"edge_normalization,omitempty"`
	Weighting    string `json:"weighting"`
	MidChannels  int    `json:"mid_channels,omitempty"`

	Epochs      int     `json:"epochs"`
	Batch       int     `json:"batch"`
	LR          float64 `json:"lr"`
	LRMin       float64 `json:"lr_min"`
	Momentum    float64 `json:"momentum"`
	Nesterov    bool    `json:"nesterov,omitempty"`
	WeightDecay float64 `json:"weight_decay"`
	GradClip    float64 `json:"grad_clip"`
	Schedule    string  `json:"schedule"`
	LRWarmup    int     `json:"lr_warmup,omitempty"` // power-cosine warm-up epochs
	Power       float64 `json:"power,omitempty"`     // power-cosine exponent base

	ArchLR          float64 `json:"arch_lr"`
	ArchBeta1       float64 `json:"arch_beta1"`
	ArchBeta2       float64 `json:"arch_beta2"`
	ArchWeightDecay float64 `json:"arch_weight_decay"`
	ArchGradClip    float64 `json:"arch_grad_clip,omitempty"` // 0: none
	ArchWarmup      int     `json:"arch_warmup,omitempty"`    // epochs before the first architecture step

	// Extra holds method-specific settings of strategies added later
	// (temperatures, sample counts, ...).
	Extra map[string]float64 `json:"extra,omitempty"`

	Seed uint64 `json:"seed"`
}

// dartsBase is the DARTS CIFAR-10 search (docs/papers.md §4): batch 64, SGD lr
// 0.025 cosine to 0.001, momentum 0.9, wd 3e-4, clip 5, Adam 3e-4 with betas
// (0.5, 0.999) and wd 1e-3, 50 epochs, 8 cells of C=16.
func dartsBase(method string) Config {
	return Config{
		Method: method, OpSet: "darts", Dataset: "mnist", TrainPortion: 0.5,
		Channels: 16, Layers: 8, Steps: 4, Multiplier: 4, StemMultiplier: 3, Weighting: WeightingScalar,
		Epochs: 50, Batch: 64, LR: 0.025, LRMin: 0.001, Momentum: 0.9, WeightDecay: 3e-4, GradClip: 5,
		Schedule: ScheduleCosine,
		ArchLR:   3e-4, ArchBeta1: 0.5, ArchBeta2: 0.999, ArchWeightDecay: 1e-3,
		Seed: 2,
	}
}

// Check validates c.
// MaxSteps bounds the intermediate nodes of a searched cell (DARTS has 4).
const MaxSteps = 32

func (c *Config) Check() error {
	pos := []struct {
		name string
		v    int
	}{{"channels", c.Channels}, {"layers", c.Layers}, {"steps", c.Steps}, {"multiplier", c.Multiplier},
		{"stem multiplier", c.StemMultiplier}, {"epochs", c.Epochs}, {"batch", c.Batch}}
	for _, p := range pos {
		if p.v <= 0 {
			return fmt.Errorf("%s must be positive, got %d", p.name, p.v)
		}
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case c.Steps > MaxSteps:
		return fmt.Errorf("%d intermediate nodes per cell: at most %d (a cell of n nodes has n(n+3)/2 edges, each with every candidate op)", c.Steps, MaxSteps)
	case c.Multiplier > c.Steps:
		return fmt.Errorf("multiplier %d exceeds steps %d", c.Multiplier, c.Steps)
	case !(c.TrainPortion > 0 && c.TrainPortion < 1):
		return fmt.Errorf("train portion %v must be in (0, 1)", c.TrainPortion)
	case c.Subset < 0 || c.ImageSize < 0 || c.Partial < 0 || c.MidChannels < 0 || c.ArchWarmup < 0 || c.LRWarmup < 0:
		return fmt.Errorf("subset, partial channels, mid channels and warm-ups must not be negative")
	case !(c.LR > 0) || !finite(c.LR) || c.LRMin < 0 || !finite(c.LRMin) || c.LRMin > c.LR:
		return fmt.Errorf("learning rate %v and minimum %v: want 0 <= min <= lr, lr > 0", c.LR, c.LRMin)
	case c.Momentum < 0 || c.Momentum >= 1 || c.WeightDecay < 0 || c.GradClip < 0 || c.ArchGradClip < 0:
		return fmt.Errorf("momentum %v must be in [0, 1); weight decay %v and clips must not be negative", c.Momentum, c.WeightDecay)
	case !(c.ArchLR >= 0) || !finite(c.ArchLR) || c.ArchBeta1 < 0 || c.ArchBeta1 >= 1 || c.ArchBeta2 < 0 || c.ArchBeta2 >= 1 || c.ArchWeightDecay < 0:
		return fmt.Errorf("architecture Adam: lr %v, betas (%v, %v), wd %v out of range", c.ArchLR, c.ArchBeta1, c.ArchBeta2, c.ArchWeightDecay)
	case c.Weighting != WeightingScalar && c.Weighting != WeightingMaxW:
		return fmt.Errorf("weighting %q: want %s or %s", c.Weighting, WeightingScalar, WeightingMaxW)
	case c.Schedule != ScheduleCosine && c.Schedule != SchedulePowerCosine:
		return fmt.Errorf("schedule %q: want %s or %s", c.Schedule, ScheduleCosine, SchedulePowerCosine)
	case c.Schedule == SchedulePowerCosine && !(c.Power > 0):
		return fmt.Errorf("power-cosine schedule needs a positive power, got %v", c.Power)
	}
	if c.Partial > 1 && c.Channels%c.Partial != 0 {
		return fmt.Errorf("channels %d are not divisible by the partial-channel K %d", c.Channels, c.Partial)
	}
	return nil
}

// ScaleEpochs sets the number of epochs and scales the epoch counts the
// preset ties to its 50 epochs: the architecture warm-up (PC-DARTS: 15 of
// 50, i.e. the first 30%) and the learning-rate warm-up (sharpDARTS: 5 of
// 50), rounded to the nearest epoch, so that a short run keeps the shape of
// the long one. Explicit warm-ups are set after it.
func (c *Config) ScaleEpochs(epochs int) {
	if epochs <= 0 || epochs == c.Epochs {
		return
	}
	scale := func(v int) int { return int(math.Round(float64(v) * float64(epochs) / float64(c.Epochs))) }
	c.ArchWarmup = scale(c.ArchWarmup)
	c.LRWarmup = scale(c.LRWarmup)
	c.Epochs = epochs
}
