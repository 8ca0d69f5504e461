package train

import (
	"fmt"

	"gonas/engine/schedule"
)

// StepSchedule is the rate of each step: with PerStep, the schedule laid
// over steps (epochs and warm-up scaled by stepsPerEpoch) and indexed by the
// global step e*stepsPerEpoch+b; otherwise the epoch schedule indexed by
// epoch. Rate returns the rate of batch b of epoch e either way.
func (c *Config) StepSchedule(stepsPerEpoch int) (StepRate, error) {
	if !c.PerStep {
		s, err := c.LRSchedule()
		return StepRate{s: s, per: 0}, err
	}
	if stepsPerEpoch < 1 {
		return StepRate{}, fmt.Errorf("per-step schedule needs at least one step per epoch, got %d", stepsPerEpoch)
	}
	switch c.Schedule {
	case SchedCosine, "", SchedConstant, SchedStep:
	default:
		if _, err := c.LRSchedule(); err != nil {
			return StepRate{}, err
		}
		return StepRate{}, fmt.Errorf("the %s schedule is defined per epoch only; lr_per_step needs cosine, step or constant", c.Schedule)
	}
	scaled := *c
	scaled.Epochs *= stepsPerEpoch
	scaled.Warmup *= stepsPerEpoch
	scaled.StepEvery = max(c.StepEvery, 1) * stepsPerEpoch
	s, err := scaled.LRSchedule()
	return StepRate{s: s, per: stepsPerEpoch}, err
}

// StepRate gives the learning rate of each training step.
type StepRate struct {
	s   schedule.Schedule
	per int // steps per epoch of a per-step schedule; 0: per epoch
}

// Rate is the rate of batch b (0-based) of epoch e (0-based).
func (r StepRate) Rate(e, b int) float64 {
	if r.per == 0 {
		return r.s.LR(e)
	}
	return r.s.LR(e*r.per + b)
}

// LRSchedule builds the per-epoch learning-rate schedule the config names.
func (c *Config) LRSchedule() (schedule.Schedule, error) {
	switch c.Schedule {
	case SchedCosine, "":
		return schedule.Cosine{Max: c.LR, Min: c.LRMin, Epochs: c.Epochs, Warmup: c.Warmup, StepFirst: c.StepFirst}, nil
	case SchedPowerCosine:
		p := c.Power
		if p == 0 {
			p = 2
		}
		s, err := schedule.NewPowerCosine(c.LR, c.LRMin, c.Epochs, p, c.Warmup)
		if err != nil {
			return nil, err
		}
		return s, nil
	case SchedStep:
		if c.Gamma <= 0 {
			return nil, fmt.Errorf("step schedule needs gamma > 0, got %v", c.Gamma)
		}
		return schedule.Step{Max: c.LR, Gamma: c.Gamma, Every: max(c.StepEvery, 1)}, nil
	case SchedLinear:
		if c.Epochs <= 5 {
			return nil, fmt.Errorf("linear schedule needs more than 5 epochs, got %d", c.Epochs)
		}
		return linearDecay{max: c.LR, epochs: c.Epochs, warmup: c.Warmup}, nil
	case SchedConstant:
		return schedule.Constant(c.LR), nil
	}
	return nil, fmt.Errorf("unknown schedule %q (want one of %v)", c.Schedule, Schedules)
}

// linearDecay is PC-DARTS's ImageNet schedule (train_imagenet.py adjust_lr):
// lr·(E-5-e)/(E-5) while more than 5 epochs remain, then the gentler
// lr·(E-e)/((E-5)·5) for the last five, and for the first warmup epochs the
// linear warm-up lr·(e+1)/warmup that replaces it (the code applies it when
// the batch exceeds 256).
type linearDecay struct {
	max    float64
	epochs int
	warmup int
}

func (l linearDecay) LR(e int) float64 {
	if e < l.warmup {
		return l.max * float64(e+1) / float64(l.warmup)
	}
	E := float64(l.epochs)
	if l.epochs-e > 5 {
		return l.max * (E - 5 - float64(e)) / (E - 5)
	}
	return l.max * (E - float64(e)) / ((E - 5) * 5)
}

// DropPathAt is the drop-path probability of epoch e (0-based): the DARTS
// linear ramp drop_path·e/epochs, set at the start of each epoch.
func (c *Config) DropPathAt(e int) float64 {
	if c.Epochs <= 0 {
		return 0
	}
	return c.DropPath * float64(e) / float64(c.Epochs)
}
