package search

import (
	"fmt"
	"math"

	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/engine/optim"
)

// Batch is a batch as the engine takes it: images [N, C, H, W] and labels.
type Batch struct {
	X *nn.Tensor
	Y []int
}

// Step is one search iteration as a strategy sees it.
type Step struct {
	Ctx      *nn.Ctx
	Model    *model.Model // the supernet and its weights
	Strategy Strategy
	Train    *Batch // from the weights' half of the training set
	Val      *Batch // from the architecture's half
	Epoch    int    // 0-based
	// LR is the weight learning rate of this epoch: ξ of the unrolled
	// (second-order) DARTS step.
	LR          float64
	Momentum    float64
	WeightDecay float64
	// SGD is the weight optimizer, whose momentum buffers enter the
	// unrolled step.
	SGD *optim.SGD
}

// setTrainable turns the gradients of every learned tensor of p on or off.
func setTrainable(p *nn.Params, on bool) {
	for _, t := range p.Learned() {
		t.SetRequiresGrad(on)
	}
}

// Pass runs the supernet on b with the strategy's mixer for phase and,
// unless phase is PhaseEval, back-propagates the batch's mean
// cross-entropy: gradients accumulate into the weights, the architecture or
// both, as phase says. It returns the loss and accuracy of the batch.
func (s *Step) Pass(b *Batch, phase Phase) (Result, error) {
	ctx := s.Ctx
	setTrainable(s.Model.Params, phase.gradWeights())
	setTrainable(s.Strategy.Arch(), phase.gradArch())
	eval := phase == PhaseEval
	ctx.SetTrain(!eval)
	ctx.SetGrad(!eval)
	defer func() {
		ctx.SetTrain(true)
		ctx.SetGrad(true)
	}()
	mixer, err := s.Strategy.Mixer(ctx, phase)
	if err != nil {
		ctx.Reset()
		return Result{}, fmt.Errorf("%s pass: %w", phase, err)
	}
	logits, err := s.Model.ForwardMixed(ctx, b.X, mixer)
	if err != nil {
		ctx.Reset()
		return Result{}, fmt.Errorf("%s pass: %w", phase, err)
	}
	loss := nn.SoftmaxCrossEntropy(ctx, logits, b.Y, 0)
	if err := ctx.Err(); err != nil {
		ctx.Reset()
		return Result{}, fmt.Errorf("%s pass: %w", phase, err)
	}
	n := len(b.Y)
	r := Result{LossSum: float64(loss.Item()) * float64(n), Correct: correct(logits, b.Y), N: n}
	if l := loss.Item(); math.IsNaN(float64(l)) || math.IsInf(float64(l), 0) {
		ctx.Reset()
		return r, fmt.Errorf("%s pass: the loss is %v (diverged)", phase, l)
	}
	if eval {
		ctx.Reset()
		return r, nil
	}
	if err := ctx.Backward(loss); err != nil {
		return r, fmt.Errorf("%s pass: %w", phase, err)
	}
	return r, nil
}

// correct counts the rows of logits [N, K] whose argmax (the first on
// ties) is the label.
func correct(logits *nn.Tensor, labels []int) int {
	n := len(labels)
	if n == 0 || len(logits.Data)%n != 0 {
		return 0
	}
	k := len(logits.Data) / n
	c := 0
	for i, l := range labels {
		row := logits.Data[i*k : (i+1)*k]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		if best == l {
			c++
		}
	}
	return c
}

// FirstOrderArchStep is the first-order architecture gradient
// ∇α L_val(w, α): one pass on the validation batch (DARTS V1, PC-DARTS,
// sharpDARTS).
func FirstOrderArchStep(s *Step) (Result, error) { return s.Pass(s.Val, PhaseArch) }

// PlainWeightStep is the weight gradient ∇w L_train(w, α): one pass on the
// training batch.
func PlainWeightStep(s *Step) (Result, error) { return s.Pass(s.Train, PhaseWeights) }
