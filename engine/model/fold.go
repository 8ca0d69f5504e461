package model

import (
	"math"

	"gonas/engine/nn"
	"gonas/internal/spec"
)

// Inference without gradients folds each evaluation-mode batch norm into
// the convolution feeding it, when nothing else reads that convolution: the
// convolution runs with weights scaled per output channel and a bias, and
// the batch norm does not run (as ONNX Runtime does with the exported file).

// foldPairs finds the convolution -> batch-norm pairs of net that can be
// folded, given the merged nodes same: it returns the batch norm of each
// such convolution and points the batch norm at the convolution in same.
func foldPairs(net *spec.Net, same []int) map[int]int {
	consumers := make([]int, len(net.Nodes))
	for _, nd := range net.Nodes {
		for _, in := range nd.Inputs {
			consumers[same[in]]++
		}
	}
	fold := map[int]int{}
	for id := range net.Nodes {
		nd := &net.Nodes[id]
		if nd.Kind != spec.BN || same[id] != id || len(nd.Inputs) != 1 {
			continue
		}
		c := same[nd.Inputs[0]]
		if net.Nodes[c].Kind != spec.Conv || consumers[c] != 1 || c == net.Output || c == net.AuxOut {
			continue
		}
		fold[c] = id
		same[id] = c
	}
	return fold
}

// foldedConv is a convolution's weights and bias with its batch norm
// folded in.
type foldedConv struct{ w, b *nn.Tensor }

// foldConvs folds every foldable pair of the inference plan.
func (m *Model) foldConvs() map[int]foldedConv {
	p := &m.plans[3]
	out := make(map[int]foldedConv, len(p.fold))
	for c, bn := range p.fold {
		out[c] = m.fold(&m.Net.Nodes[c], &m.Net.Nodes[bn])
	}
	return out
}

// fold returns the weights w*scale and bias b*scale + shift per output
// channel of convolution nd followed by batch norm bn, scale and shift as
// the batch norm computes them in evaluation (float64, then float32).
func (m *Model) fold(nd, bn *spec.Node) foldedConv {
	ps, bps := m.params[nd.ID], m.params[bn.ID]
	var gamma, beta []float32
	if bn.Affine {
		gamma, beta, bps = bps[0].Data, bps[1].Data, bps[2:]
	}
	mean, variance := bps[0].Data, bps[1].Data
	w := ps[0]
	cout := w.Shape[0]
	k := len(w.Data) / cout
	fw := nn.NewTensor(w.Shape...)
	fb := nn.NewTensor(cout)
	for co := range cout {
		is := 1 / math.Sqrt(float64(variance[co])+bn.Eps)
		mu := float64(mean[co])
		scale, shift := float32(is), float32(-mu*is)
		if gamma != nil {
			g, b := float64(gamma[co]), float64(beta[co])
			scale, shift = float32(is*g), float32(b-mu*is*g)
		}
		for i, v := range w.Data[co*k : (co+1)*k] {
			fw.Data[co*k+i] = v * scale
		}
		var bias float32
		if len(ps) > 1 {
			bias = ps[1].Data[co]
		}
		fb.Data[co] = bias*scale + shift
	}
	return foldedConv{fw, fb}
}
