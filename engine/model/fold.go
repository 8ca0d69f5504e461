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

// foldedConv runs convolution nd with batch norm bn folded in: weights
// w*scale and bias b*scale + shift per output channel, scale and shift as
// the batch norm computes them in evaluation (float64, then float32).
func (m *Model) foldedConv(ctx *nn.Ctx, nd, bn *spec.Node, x *nn.Tensor) *nn.Tensor {
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
	return nn.Conv2d(ctx, x, fw, fb, nn.ConvOpts{SH: nd.SH, SW: nd.SW, DH: nd.DH, DW: nd.DW, Groups: nd.Groups, Pad: pads(nd.Pad)})
}
