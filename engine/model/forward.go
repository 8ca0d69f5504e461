package model

import (
	"fmt"

	"gonas/engine/nn"
	"gonas/internal/spec"
)

// Forward runs the network on x [N, C, H, W] (the spec's input shape) and
// returns the logits [N, classes] and, in training mode when the network has
// an auxiliary head, the auxiliary logits (nil otherwise). Intermediate
// activations are released after their last consumer; the outputs are the
// caller's (released by ctx.Backward, ctx.Reset or ctx.Release).
func (m *Model) Forward(ctx *nn.Ctx, x *nn.Tensor) (logits, aux *nn.Tensor, err error) {
	return m.forward(ctx, x, nil)
}

// forward is Forward with the folded convolutions of inference without
// gradients computed once by the caller (folded), or here when nil.
func (m *Model) forward(ctx *nn.Ctx, x *nn.Tensor, folded map[int]foldedConv) (logits, aux *nn.Tensor, err error) {
	if ctx == nil {
		return nil, nil, fmt.Errorf("forward: no context")
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("forward: pending error: %w", err)
	}
	if err := m.checkInput(x); err != nil {
		return nil, nil, err
	}
	withAux := ctx.Training() && m.Net.AuxOut != 0
	p := &m.plans[2]
	switch {
	case !ctx.Training() && !ctx.GradEnabled():
		p = &m.plans[3]
		if folded == nil {
			folded = m.foldConvs()
		}
	case withAux:
		p = &m.plans[1]
	case ctx.Training():
		p = &m.plans[0]
	}
	uses := append([]int(nil), p.uses...)
	vals := make([]*nn.Tensor, len(m.Net.Nodes))
	cur := -1
	defer func() {
		if r := recover(); r != nil {
			logits, aux, err = nil, nil, fmt.Errorf("forward: internal error: %v", r)
			if cur >= 0 {
				nd := &m.Net.Nodes[cur]
				err = fmt.Errorf("forward: node %d %q (%s): internal error: %v", nd.ID, nd.Name, nd.Kind, r)
			}
		}
	}()
	for _, id := range p.order {
		cur = id
		nd := &m.Net.Nodes[id]
		var y *nn.Tensor
		var err error
		if f, ok := folded[id]; ok || p.reluIn[id] {
			y = m.conv(ctx, nd, vals[p.inputs[id][0]], f, p.reluIn[id])
		} else {
			y, err = m.run(ctx, nd, p.inputs[id], vals, x)
		}
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			err = checkShape(nd, y, x.Shape[0])
		}
		if err != nil {
			return nil, nil, fmt.Errorf("forward: node %d %q (%s): %w", nd.ID, nd.Name, nd.Kind, err)
		}
		vals[id] = y
		for _, in := range p.inputs[id] {
			if uses[in]--; uses[in] == 0 {
				if vals[in] != x { // the input is the caller's
					ctx.Release(vals[in])
				}
				vals[in] = nil
			}
		}
	}
	logits = vals[p.output]
	if withAux {
		aux = vals[p.aux]
	}
	return logits, aux, nil
}

// checkShape compares an op's output with the spec's shape for the node.
func checkShape(nd *spec.Node, y *nn.Tensor, n int) error {
	if len(y.Shape) == 0 || y.Shape[0] != n || int64(y.Numel()) != int64(n)*nd.Out.Numel() {
		return fmt.Errorf("output %v does not match the spec's %v per image", y.Shape, nd.Out)
	}
	if len(y.Shape) == 4 && (y.Shape[1] != nd.Out.C || y.Shape[2] != nd.Out.H || y.Shape[3] != nd.Out.W) {
		return fmt.Errorf("output %v does not match the spec's %v", y.Shape, nd.Out)
	}
	return nil
}

// conv runs convolution nd on x, or on relu(x) with reluIn, with its batch
// norm folded in when f has weights.
func (m *Model) conv(ctx *nn.Ctx, nd *spec.Node, x *nn.Tensor, f foldedConv, reluIn bool) *nn.Tensor {
	ps := m.params[nd.ID]
	w, b := ps[0], optional(ps, 1)
	if f.w != nil {
		w, b = f.w, f.b
	}
	o := convOpts(nd)
	o.ReLUIn = reluIn
	return nn.Conv2d(ctx, x, w, b, o)
}

func convOpts(nd *spec.Node) nn.ConvOpts {
	return nn.ConvOpts{SH: nd.SH, SW: nd.SW, DH: nd.DH, DW: nd.DW, Groups: nd.Groups, Pad: pads(nd.Pad)}
}

func pads(p spec.Pads) nn.Pads { return nn.Pads{T: p.T, L: p.L, B: p.B, R: p.R} }

// run executes one node on the values of its inputs through the kind's
// entry in forwards, reading the values of the nodes inputs; node 0 is the
// input x.
func (m *Model) run(ctx *nn.Ctx, nd *spec.Node, inputs []int, vals []*nn.Tensor, x *nn.Tensor) (*nn.Tensor, error) {
	if nd.Kind == spec.Input {
		return x, nil
	}
	f, ok := forwards[nd.Kind]
	if !ok {
		return nil, fmt.Errorf("the engine cannot run kind %q", nd.Kind)
	}
	ins := make([]*nn.Tensor, len(inputs))
	for i, id := range inputs {
		ins[i] = vals[id]
	}
	return f(m, ctx, nd, ins, m.params[nd.ID])
}

func poolOpts(nd *spec.Node) nn.PoolOpts {
	return nn.PoolOpts{KH: nd.KH, KW: nd.KW, SH: max(nd.SH, 1), SW: max(nd.SW, 1), Pad: pads(nd.Pad)}
}
