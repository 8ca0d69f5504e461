package schedule

import (
	"fmt"
	"math"
)

// Schedule gives the learning rate of epoch e (0-based) of a run.
type Schedule interface {
	LR(epoch int) float64
}

// Cosine anneals from Max to Min over Epochs epochs:
// lr(t) = Min + (Max-Min)(1+cos(pi t/Epochs))/2.
// With StepFirst (the DARTS/PC-DARTS PyTorch-0.3 code, which calls
// scheduler.step() at the start of each epoch) epoch e uses t = e+1, else t = e.
// Warmup > 0 replaces the first Warmup epochs by a linear ramp Max*(e+1)/Warmup.
type Cosine struct {
	Max, Min  float64
	Epochs    int
	Warmup    int
	StepFirst bool
}

// LR implements Schedule.
func (c Cosine) LR(e int) float64 {
	if e < c.Warmup {
		return c.Max * float64(e+1) / float64(c.Warmup)
	}
	t := e
	if c.StepFirst {
		t++
	}
	if c.Epochs <= 0 {
		return c.Max
	}
	if t > c.Epochs {
		t = c.Epochs
	}
	return c.Min + (c.Max-c.Min)*(1+math.Cos(math.Pi*float64(t)/float64(c.Epochs)))/2
}

// PowerCosine is sharpDARTS's cosine power annealing (docs/papers.md §4) as its
// code computes it: epochs e = 1..E, shifted by -Warmup; c = (1+cos(pi e/E))/2;
// q = P^(c+1) (q = c when P == 1); q normalised to [0,1] over the epochs; the
// first Warmup+1 entries replaced by a linear ramp (i+1)/(Warmup+1);
// lr = q (Max-Min) + Min. lr(first) = Max and lr(last) = Min exactly.
type PowerCosine struct {
	Max, Min float64
	Epochs   int
	Power    float64
	Warmup   int
	table    []float64
}

// NewPowerCosine precomputes the table of a cosine power annealing schedule.
func NewPowerCosine(max, min float64, epochs int, power float64, warmup int) (*PowerCosine, error) {
	if epochs < 2 || warmup < 0 || warmup >= epochs-1 || power <= 0 {
		return nil, fmt.Errorf("cosine power annealing: need epochs >= 2, 0 <= warmup < epochs-1 and power > 0 (got epochs %d, warmup %d, power %g)", epochs, warmup, power)
	}
	p := &PowerCosine{Max: max, Min: min, Epochs: epochs, Power: power, Warmup: warmup}
	q := make([]float64, epochs)
	lo, hi := math.Inf(1), math.Inf(-1)
	E := float64(epochs - warmup)
	for i := range q {
		e := float64(i + 1 - warmup)
		c := (1 + math.Cos(math.Pi*e/E)) / 2
		if power == 1 {
			q[i] = c
		} else {
			q[i] = math.Pow(power, c+1)
		}
		lo, hi = math.Min(lo, q[i]), math.Max(hi, q[i])
	}
	for i := range q {
		q[i] = (q[i] - lo) / (hi - lo)
		if warmup > 0 && i <= warmup {
			q[i] = float64(i+1) / float64(warmup+1)
		}
		q[i] = q[i]*(max-min) + min
	}
	p.table = q
	return p, nil
}

// LR implements Schedule.
func (p *PowerCosine) LR(e int) float64 {
	if e < 0 {
		e = 0
	}
	if e >= len(p.table) {
		e = len(p.table) - 1
	}
	return p.table[e]
}

// Step multiplies Max by Gamma every Every epochs (DARTS ImageNet: 0.97 each epoch).
type Step struct {
	Max, Gamma float64
	Every      int
}

// LR implements Schedule.
func (s Step) LR(e int) float64 {
	every := s.Every
	if every < 1 {
		every = 1
	}
	return s.Max * math.Pow(s.Gamma, float64(e/every))
}

// Constant is a fixed rate.
type Constant float64

// LR implements Schedule.
func (c Constant) LR(int) float64 { return float64(c) }
