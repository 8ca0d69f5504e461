package optim

import (
	"fmt"
	"math"
)

// Slot is one parameter as optimizers see it: its values and its gradient.
type Slot struct {
	Name string
	Data []float32
	Grad []float32
}

// State is an optimizer's per-parameter buffers by name, plus its step count,
// for checkpoints.
type State struct {
	Step    int64                `json:"step"`
	Buffers map[string][]float32 `json:"-"`
}

// SGD is torch.optim.SGD: d = g + wd*p; buf = m*buf + (1-dampening)*d (buf = d
// on the first step); d = d + m*buf (Nesterov) or buf; p -= lr*d.
type SGD struct {
	Momentum    float64
	WeightDecay float64
	Nesterov    bool
	state       State
}

// NewSGD returns an SGD optimizer.
func NewSGD(momentum, weightDecay float64, nesterov bool) *SGD {
	return &SGD{Momentum: momentum, WeightDecay: weightDecay, Nesterov: nesterov,
		state: State{Buffers: map[string][]float32{}}}
}

// State returns the optimizer's state (shared, not copied).
func (o *SGD) State() *State { return &o.state }

// Step applies one update with learning rate lr to every slot with a gradient.
func (o *SGD) Step(slots []Slot, lr float64) {
	o.state.Step++
	m, wd := float32(o.Momentum), float32(o.WeightDecay)
	for _, s := range slots {
		if s.Grad == nil {
			continue
		}
		buf := o.state.Buffers[s.Name]
		first := buf == nil && m != 0
		if first {
			buf = make([]float32, len(s.Data))
			o.state.Buffers[s.Name] = buf
		}
		for i, p := range s.Data {
			d := s.Grad[i] + wd*p
			if m != 0 {
				if first {
					buf[i] = d
				} else {
					buf[i] = m*buf[i] + d
				}
				if o.Nesterov {
					d += m * buf[i]
				} else {
					d = buf[i]
				}
			}
			s.Data[i] = p - float32(lr)*d
		}
	}
}

// Adam is torch.optim.Adam with L2 weight decay added to the gradient.
type Adam struct {
	Beta1, Beta2, Eps, WeightDecay float64
	state                          State
}

// NewAdam returns an Adam optimizer.
func NewAdam(beta1, beta2, eps, weightDecay float64) *Adam {
	return &Adam{Beta1: beta1, Beta2: beta2, Eps: eps, WeightDecay: weightDecay,
		state: State{Buffers: map[string][]float32{}}}
}

// State returns the optimizer's state (shared, not copied).
func (o *Adam) State() *State { return &o.state }

// Step applies one update with learning rate lr.
func (o *Adam) Step(slots []Slot, lr float64) {
	o.state.Step++
	t := float64(o.state.Step)
	bc1 := 1 - math.Pow(o.Beta1, t)
	bc2 := 1 - math.Pow(o.Beta2, t)
	b1, b2, wd := float32(o.Beta1), float32(o.Beta2), float32(o.WeightDecay)
	stepSize := float32(lr / bc1)
	sqrtBC2 := float32(math.Sqrt(bc2))
	eps := float32(o.Eps)
	for _, s := range slots {
		if s.Grad == nil {
			continue
		}
		mb, vb := o.state.Buffers[s.Name+".exp_avg"], o.state.Buffers[s.Name+".exp_avg_sq"]
		if mb == nil {
			mb, vb = make([]float32, len(s.Data)), make([]float32, len(s.Data))
			o.state.Buffers[s.Name+".exp_avg"], o.state.Buffers[s.Name+".exp_avg_sq"] = mb, vb
		}
		for i, p := range s.Data {
			g := s.Grad[i] + wd*p
			mb[i] = b1*mb[i] + (1-b1)*g
			vb[i] = b2*vb[i] + (1-b2)*g*g
			denom := float32(math.Sqrt(float64(vb[i])))/sqrtBC2 + eps
			s.Data[i] = p - stepSize*mb[i]/denom
		}
	}
}

// ClipGradNorm scales all gradients so their global L2 norm is at most max
// (torch.nn.utils.clip_grad_norm_: coefficient max/(norm+1e-6) when below 1)
// and returns the norm before clipping. A NaN or Inf norm is an error and
// leaves the gradients untouched.
func ClipGradNorm(slots []Slot, max float64) (float64, error) {
	var sum float64
	for _, s := range slots {
		for _, g := range s.Grad {
			sum += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(sum)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return norm, fmt.Errorf("gradient norm is %v", norm)
	}
	if coef := max / (norm + 1e-6); coef < 1 {
		c := float32(coef)
		for _, s := range slots {
			for i := range s.Grad {
				s.Grad[i] *= c
			}
		}
	}
	return norm, nil
}
