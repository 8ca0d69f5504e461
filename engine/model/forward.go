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
	if ctx == nil {
		return nil, nil, fmt.Errorf("forward: no context")
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("forward: pending error: %w", err)
	}
	in := m.Net.Input
	if x == nil || len(x.Shape) != 4 || x.Shape[0] <= 0 || x.Shape[1] != in.C || x.Shape[2] != in.H || x.Shape[3] != in.W {
		var got []int
		if x != nil {
			got = x.Shape
		}
		return nil, nil, fmt.Errorf("forward: input shape %v, network wants [N %d %d %d]", got, in.C, in.H, in.W)
	}
	if len(x.Data) != x.Numel() {
		return nil, nil, fmt.Errorf("forward: input has %d values for shape %v", len(x.Data), x.Shape)
	}
	withAux := ctx.Training() && m.Net.AuxOut != 0
	p := &m.plans[0]
	if withAux {
		p = &m.plans[1]
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
		y, err := m.run(ctx, nd, vals, x)
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
		for _, in := range nd.Inputs {
			if uses[in]--; uses[in] == 0 {
				if vals[in] != x { // the input is the caller's
					ctx.Release(vals[in])
				}
				vals[in] = nil
			}
		}
	}
	logits = vals[m.Net.Output]
	if withAux {
		aux = vals[m.Net.AuxOut]
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

func pads(p spec.Pads) nn.Pads { return nn.Pads{T: p.T, L: p.L, B: p.B, R: p.R} }

// run executes one node on the values of its inputs.
func (m *Model) run(ctx *nn.Ctx, nd *spec.Node, vals []*nn.Tensor, x *nn.Tensor) (*nn.Tensor, error) {
	ins := make([]*nn.Tensor, len(nd.Inputs))
	for i, id := range nd.Inputs {
		ins[i] = vals[id]
	}
	ps := m.params[nd.ID]
	switch nd.Kind {
	case spec.Input:
		return x, nil
	case spec.Conv:
		var b *nn.Tensor
		if len(ps) > 1 {
			b = ps[1]
		}
		return nn.Conv2d(ctx, ins[0], ps[0], b, nn.ConvOpts{SH: nd.SH, SW: nd.SW, DH: nd.DH, DW: nd.DW, Groups: nd.Groups, Pad: pads(nd.Pad)}), nil
	case spec.BN:
		var w, b *nn.Tensor
		if nd.Affine {
			w, b, ps = ps[0], ps[1], ps[2:]
		}
		return nn.BatchNorm(ctx, ins[0], w, b, ps[0], ps[1], nn.BNOpts{Eps: nd.Eps, Momentum: nd.Momentum}), nil
	case spec.ReLU:
		return nn.ReLU(ctx, ins[0]), nil
	case spec.MaxPool:
		return nn.MaxPool2d(ctx, ins[0], poolOpts(nd)), nil
	case spec.AvgPool:
		return nn.AvgPool2d(ctx, ins[0], poolOpts(nd), nd.CountPad), nil
	case spec.GAP:
		return nn.GlobalAvgPool(ctx, ins[0]), nil
	case spec.Linear:
		var b *nn.Tensor
		if len(ps) > 1 {
			b = ps[1]
		}
		return nn.Linear(ctx, ins[0], ps[0], b), nil
	case spec.Add:
		if len(ins) == 1 {
			return nn.Scale(ctx, ins[0], 1), nil
		}
		return nn.Add(ctx, ins...), nil
	case spec.Concat:
		return nn.Concat(ctx, ins...), nil
	case spec.Zero:
		return nn.Zero(ctx, ins[0], max(nd.Stride, 1)), nil
	case spec.Pad:
		return nn.Pad2d(ctx, ins[0], pads(nd.Pad)), nil
	case spec.DropPath:
		return nn.DropPath(ctx, ins[0], m.dropPath), nil
	case spec.Shuffle:
		return nn.ChannelShuffle(ctx, ins[0], nd.Groups), nil
	case spec.Slice:
		return nn.SliceChannels(ctx, ins[0], nd.Start, nd.Out.C), nil
	}
	return nil, fmt.Errorf("unknown kind %q", nd.Kind)
}

func poolOpts(nd *spec.Node) nn.PoolOpts {
	return nn.PoolOpts{KH: nd.KH, KW: nd.KW, SH: max(nd.SH, 1), SW: max(nd.SW, 1), Pad: pads(nd.Pad)}
}
