package train

import (
	"fmt"
	"sort"
	"strings"
)

// NetHints are the network sizes a preset's paper trains (the derive
// configuration); zero values leave the dataset's default.
type NetHints struct {
	Dataset     string `json:"dataset"` // derive dataset preset: cifar10, cifar100, imagenet, mnist
	Layers      int    `json:"layers,omitempty"`
	Channels    int    `json:"channels,omitempty"`
	Auxiliary   bool   `json:"auxiliary,omitempty"`
	MidChannels int    `json:"mid_channels,omitempty"`
}

// Preset is a paper's retraining recipe (docs/papers.md §5).
type Preset struct {
	Name    string
	Summary string
	Net     NetHints
	Config  Config
}

// dartsCIFAR is the DARTS CIFAR-10 retraining recipe [DARTS-code
// cnn/train.py]: 20 cells, C=36, 600 epochs, batch 96, SGD lr 0.025
// momentum 0.9 wd 3e-4, cosine to 0 stepped at the start of each epoch,
// clip 5, auxiliary 0.4, cutout 16, drop-path 0.2 ramped linearly.
func dartsCIFAR(name string) Preset {
	return Preset{
		Name:    name,
		Summary: "DARTS CIFAR-10 retraining: 20 cells, C=36, 600 epochs, batch 96, lr 0.025 cosine, aux 0.4, cutout 16, drop-path 0.2",
		Net:     NetHints{Dataset: "cifar10", Layers: 20, Channels: 36, Auxiliary: true},
		Config: Config{
			Preset: name, Dataset: "cifar10", Augment: true, Cutout: 16,
			Epochs: 600, Batch: 96, EvalBatch: 96,
			Schedule: SchedCosine, LR: 0.025, LRMin: 0, StepFirst: true,
			Momentum: 0.9, WeightDecay: 3e-4, GradClip: 5, AuxWeight: 0.4, DropPath: 0.2,
		},
	}
}

// dartsImageNet is the DARTS mobile ImageNet recipe [DARTS-code
// train_imagenet.py]: 14 cells, C=48, 250 epochs, batch 128, lr 0.1 decayed
// by 0.97 every epoch, wd 3e-5, label smoothing 0.1, aux 0.4, clip 5.
func dartsImageNet(name string) Preset {
	return Preset{
		Name:    name,
		Summary: "DARTS ImageNet (mobile) retraining: 14 cells, C=48, 250 epochs, batch 128, lr 0.1 x0.97/epoch, label smoothing 0.1, aux 0.4",
		Net:     NetHints{Dataset: "imagenet", Layers: 14, Channels: 48, Auxiliary: true},
		Config: Config{
			Preset: name, Dataset: "imagenet", Augment: true,
			Epochs: 250, Batch: 128, EvalBatch: 128,
			Schedule: SchedStep, LR: 0.1, Gamma: 0.97, StepEvery: 1,
			Momentum: 0.9, WeightDecay: 3e-5, GradClip: 5, AuxWeight: 0.4, LabelSmoothing: 0.1,
			Note: "the ImageNet augmentation (RandomResizedCrop 224, ColorJitter 0.4/0.4/0.4/0.2; test Resize 256 + CenterCrop 224) is not implemented: images are resized to 224x224 and randomly flipped",
		},
	}
}

var presetList = func() []Preset {
	var ps []Preset
	ps = append(ps, dartsCIFAR("darts-cifar10"))

	// PC-DARTS [PC-code train.py]: DARTS's recipe with drop-path 0.3.
	p := dartsCIFAR("pcdarts-cifar10")
	p.Summary = "PC-DARTS CIFAR-10 retraining: DARTS's recipe with drop-path 0.3"
	p.Config.DropPath = 0.3
	ps = append(ps, p)

	// GDAS original [configs/nas-cifar-cos-cut.config]: DARTS's values; its
	// scheduler sets the rate of the current epoch (no step-first shift).
	p = dartsCIFAR("gdas-cifar10")
	p.Summary = "GDAS CIFAR-10 retraining (original config): 20 cells, C=36, 600 epochs, batch 96, lr 0.025 cosine, aux 0.4, cutout 16, drop-path 0.2"
	p.Config.StepFirst = false
	ps = append(ps, p)

	// sharpDARTS [SHARP-code cnn/train.py]: 2000 epochs, batch 64, cosine
	// power annealing p=2 from 0.025 to 1e-8 with 5 warm-up epochs.
	p = dartsCIFAR("sharpdarts-cifar10")
	p.Summary = "sharpDARTS CIFAR-10 retraining: 2000 epochs, batch 64, lr 0.025 -> 1e-8 cosine power annealing p=2, 5 warm-up epochs, AutoAugment, aux 0.4, cutout 16, drop-path 0.2"
	p.Config.Epochs, p.Config.Batch, p.Config.EvalBatch = 2000, 64, 64
	p.Config.Schedule, p.Config.LRMin, p.Config.Power, p.Config.Warmup, p.Config.StepFirst = SchedPowerCosine, 1e-8, 2, 5, false
	p.Config.AutoAugment = true
	ps = append(ps, p)

	// ROME [ROME-paper §4.1]: the DARTS settings.
	p = dartsCIFAR("rome-cifar10")
	p.Summary = "ROME CIFAR-10 retraining: the DARTS settings"
	ps = append(ps, p)

	ps = append(ps, dartsImageNet("darts-imagenet"))

	// PC-DARTS ImageNet [PC-code train_imagenet.py]: batch 1024, lr 0.5,
	// linear decay with 5 warm-up epochs (batch > 256).
	p = dartsImageNet("pcdarts-imagenet")
	p.Summary = "PC-DARTS ImageNet retraining: 14 cells, C=48, 250 epochs, batch 1024, lr 0.5 linear decay, 5 warm-up epochs, label smoothing 0.1, aux 0.4"
	p.Config.Batch, p.Config.EvalBatch, p.Config.LR = 1024, 256, 0.5
	p.Config.Schedule, p.Config.Gamma, p.Config.StepEvery, p.Config.Warmup = SchedLinear, 0, 0, 5
	ps = append(ps, p)

	// GDAS ImageNet [train-imagenet.sh]: GDAS_V1 at C=50 (GDAS_F1 used 52).
	p = dartsImageNet("gdas-imagenet")
	p.Summary = "GDAS ImageNet retraining: 14 cells, C=50 (GDAS_V1; use --channels 52 for GDAS_F1), 250 epochs, batch 128, lr 0.1 x0.97/epoch, label smoothing 0.1, aux 0.4"
	p.Net.Channels = 50
	p.Config.Note += "; momentum 0.9 and grad clip 5 are DARTS's (the GDAS config does not state them)"
	ps = append(ps, p)

	// sharpDARTS ImageNet [README run of main_fp16_optimizer.py]: 300
	// epochs, lr 0.05 -> 0.00075 cosine power annealing p=10 with 10 warm-up
	// epochs, wd 1e-4, aux, mid_channels 96.
	p = dartsImageNet("sharpdarts-imagenet")
	p.Summary = "sharpDARTS ImageNet retraining: 14 cells, C=48, mid channels 96, 300 epochs, lr 0.05 -> 0.00075 cosine power annealing p=10, 10 warm-up epochs, wd 1e-4, aux 0.4"
	p.Net.MidChannels = 96
	p.Config.Epochs, p.Config.LR, p.Config.LRMin = 300, 0.05, 0.00075
	p.Config.Schedule, p.Config.Power, p.Config.Warmup, p.Config.Gamma, p.Config.StepEvery = SchedPowerCosine, 10, 10, 0, 0
	p.Config.WeightDecay, p.Config.LabelSmoothing = 1e-4, 0
	p.Config.Note = "AutoAugment, cutout and fp16 are not implemented; batch 128, aux weight 0.4 and clip 5 are DARTS's and label smoothing is off (PAPERS §5 does not state them)"
	ps = append(ps, p)
	return ps
}()

// Presets lists the presets, sorted by name.
func Presets() []Preset {
	out := append([]Preset(nil), presetList...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// PresetNames lists the preset names, sorted.
func PresetNames() []string {
	var names []string
	for _, p := range Presets() {
		names = append(names, p.Name)
	}
	return names
}

// LookupPreset returns the preset with the given name (case-insensitive).
func LookupPreset(name string) (Preset, error) {
	for _, p := range presetList {
		if strings.EqualFold(p.Name, strings.TrimSpace(name)) {
			return p, nil
		}
	}
	return Preset{}, fmt.Errorf("unknown preset %q (known: %s)", name, strings.Join(PresetNames(), ", "))
}
