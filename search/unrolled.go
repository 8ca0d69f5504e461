package search

import (
	"fmt"
	"math"

	"gonas/engine/nn"
)

// unrolledR is the reference's r: the finite-difference step of the
// Hessian-vector product is R = r/‖v‖.
const unrolledR = 0.01

// UnrolledArchStep is DARTS's second-order architecture gradient
// (architect.py _backward_step_unrolled, docs/papers.md §4):
//
//	w' = w − ξ(momentum·buf + ∇w L_train(w, α) + wd·w)
//	v  = ∇w' L_val(w', α)
//	g  = ∇α L_val(w', α) − ξ [∇α L_train(w+, α) − ∇α L_train(w−, α)] / (2R)
//	w± = w ± R v,  R = 0.01/‖v‖
//
// with ξ the epoch's weight learning rate and buf the weight optimizer's
// momentum buffers (zero before its first step). It leaves g in the
// architecture's gradients and the weights as they were, their gradients
// zeroed. Where the reference builds a second network for w', this
// overwrites the weights in place and keeps a copy of w, whose memory it
// accounts. The result reported is the validation loss at w'.
func UnrolledArchStep(s *Step) (Result, error) {
	type slot struct {
		name string
		t    *nn.Tensor
		w0   []float32
		buf  []float32
	}
	var slots []slot
	var nw int
	for name, t := range s.Model.Params.Learned() {
		slots = append(slots, slot{name: name, t: t})
		nw += len(t.Data)
	}
	arch := s.Strategy.Arch()
	var na int
	var archTs []*nn.Tensor
	for _, t := range arch.Learned() {
		archTs = append(archTs, t)
		na += len(t.Data)
	}
	// w (a copy) and three architecture-sized gradients.
	extra := int64(nw+3*na) * 4
	s.Ctx.Account(extra)
	defer s.Ctx.Account(-extra)
	backup := make([]float32, nw)
	off := 0
	for i := range slots {
		n := len(slots[i].t.Data)
		slots[i].w0 = backup[off : off+n : off+n]
		copy(slots[i].w0, slots[i].t.Data)
		off += n
		if s.SGD != nil {
			slots[i].buf = s.SGD.State().Buffers[slots[i].name]
		}
	}
	restore := func() {
		for _, sl := range slots {
			copy(sl.t.Data, sl.w0)
		}
		s.Model.Params.ZeroGrad()
	}

	// ∇w L_train(w, α), then w' in place.
	s.Model.Params.ZeroGrad()
	if _, err := s.Pass(s.Train, PhaseWeights); err != nil {
		restore()
		return Result{}, fmt.Errorf("unrolled step, training gradient: %w", err)
	}
	xi, m, wd := float32(s.LR), float32(s.Momentum), float32(s.WeightDecay)
	for _, sl := range slots {
		d, g := sl.t.Data, sl.t.Grad
		for i, w := range sl.w0 {
			var mom float32
			if sl.buf != nil {
				mom = m * sl.buf[i]
			}
			d[i] = w - xi*(mom+(g[i]+wd*w))
		}
	}

	// ∇w' and ∇α of L_val(w', α).
	s.Model.Params.ZeroGrad()
	arch.ZeroGrad()
	res, err := s.Pass(s.Val, PhaseBoth)
	if err != nil {
		restore()
		return res, fmt.Errorf("unrolled step, validation gradient: %w", err)
	}
	dalpha := make([][]float32, len(archTs))
	for i, t := range archTs {
		dalpha[i] = append([]float32(nil), t.Grad...)
	}
	var sq float64
	for _, sl := range slots {
		for _, g := range sl.t.Grad {
			sq += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(sq)

	// The Hessian-vector product by central differences at w ± R v (v is
	// kept in the weights' gradients: the weights are frozen meanwhile).
	if norm > 0 && !math.IsInf(norm, 0) && !math.IsNaN(norm) {
		R := float32(unrolledR / norm)
		grad := func(sign float32) ([][]float32, error) {
			for _, sl := range slots {
				d, v := sl.t.Data, sl.t.Grad
				for i, w := range sl.w0 {
					d[i] = w + sign*R*v[i]
				}
			}
			arch.ZeroGrad()
			if _, err := s.Pass(s.Train, PhaseArch); err != nil {
				return nil, err
			}
			out := make([][]float32, len(archTs))
			for i, t := range archTs {
				out[i] = append([]float32(nil), t.Grad...)
			}
			return out, nil
		}
		gp, err := grad(1)
		if err != nil {
			restore()
			return res, fmt.Errorf("unrolled step, Hessian-vector product: %w", err)
		}
		gn, err := grad(-1)
		if err != nil {
			restore()
			return res, fmt.Errorf("unrolled step, Hessian-vector product: %w", err)
		}
		for i, t := range archTs {
			for k := range t.Grad {
				ig := (gp[i][k] - gn[i][k]) / (2 * R)
				dalpha[i][k] -= xi * ig
			}
		}
	}
	for i, t := range archTs {
		copy(t.Grad, dalpha[i])
	}
	restore()
	return res, nil
}
