package model

import (
	"errors"

	"gonas/engine/nn"
	"gonas/internal/spec"
)

// forwardFunc runs one node of its kind on the values of its inputs, with
// the node's parameters in the order the kind table declares them. The
// engine records the backward pass of every op it calls on ctx's tape.
type forwardFunc func(m *Model, ctx *nn.Ctx, nd *spec.Node, ins, ps []*nn.Tensor) (*nn.Tensor, error)

// forwards is the engine's entry for every kind of the IR but the input
// (TestEveryKindRuns checks that none is missing).
var forwards = map[spec.Kind]forwardFunc{
	spec.Conv: func(_ *Model, ctx *nn.Ctx, nd *spec.Node, ins, ps []*nn.Tensor) (*nn.Tensor, error) {
		return nn.Conv2d(ctx, ins[0], ps[0], optional(ps, 1), convOpts(nd)), nil
	},
	spec.BN: func(_ *Model, ctx *nn.Ctx, nd *spec.Node, ins, ps []*nn.Tensor) (*nn.Tensor, error) {
		var w, b *nn.Tensor
		if nd.Affine {
			w, b, ps = ps[0], ps[1], ps[2:]
		}
		return nn.BatchNorm(ctx, ins[0], w, b, ps[0], ps[1], nn.BNOpts{Eps: nd.Eps, Momentum: nd.Momentum}), nil
	},
	spec.ReLU: func(_ *Model, ctx *nn.Ctx, _ *spec.Node, ins, _ []*nn.Tensor) (*nn.Tensor, error) {
		return nn.ReLU(ctx, ins[0]), nil
	},
	spec.MaxPool: func(_ *Model, ctx *nn.Ctx, nd *spec.Node, ins, _ []*nn.Tensor) (*nn.Tensor, error) {
		return nn.MaxPool2d(ctx, ins[0], poolOpts(nd)), nil
	},
	spec.AvgPool: func(_ *Model, ctx *nn.Ctx, nd *spec.Node, ins, _ []*nn.Tensor) (*nn.Tensor, error) {
		return nn.AvgPool2d(ctx, ins[0], poolOpts(nd), nd.CountPad), nil
	},
	spec.GAP: func(_ *Model, ctx *nn.Ctx, _ *spec.Node, ins, _ []*nn.Tensor) (*nn.Tensor, error) {
		return nn.GlobalAvgPool(ctx, ins[0]), nil
	},
	spec.Linear: func(_ *Model, ctx *nn.Ctx, _ *spec.Node, ins, ps []*nn.Tensor) (*nn.Tensor, error) {
		return nn.Linear(ctx, ins[0], ps[0], optional(ps, 1)), nil
	},
	spec.Add: func(_ *Model, ctx *nn.Ctx, _ *spec.Node, ins, _ []*nn.Tensor) (*nn.Tensor, error) {
		if len(ins) == 1 {
			return nn.Scale(ctx, ins[0], 1), nil
		}
		return nn.Add(ctx, ins...), nil
	},
	spec.Concat: func(_ *Model, ctx *nn.Ctx, _ *spec.Node, ins, _ []*nn.Tensor) (*nn.Tensor, error) {
		return nn.Concat(ctx, ins...), nil
	},
	spec.Zero: func(_ *Model, ctx *nn.Ctx, nd *spec.Node, ins, _ []*nn.Tensor) (*nn.Tensor, error) {
		return nn.Zero(ctx, ins[0], max(nd.Stride, 1)), nil
	},
	spec.Noise: func(_ *Model, ctx *nn.Ctx, nd *spec.Node, ins, _ []*nn.Tensor) (*nn.Tensor, error) {
		return nn.Noise(ctx, ins[0], max(nd.Stride, 1)), nil
	},
	spec.Pad: func(_ *Model, ctx *nn.Ctx, nd *spec.Node, ins, _ []*nn.Tensor) (*nn.Tensor, error) {
		return nn.Pad2d(ctx, ins[0], pads(nd.Pad)), nil
	},
	spec.DropPath: func(m *Model, ctx *nn.Ctx, _ *spec.Node, ins, _ []*nn.Tensor) (*nn.Tensor, error) {
		return nn.DropPath(ctx, ins[0], m.dropPath), nil
	},
	spec.Shuffle: func(_ *Model, ctx *nn.Ctx, nd *spec.Node, ins, _ []*nn.Tensor) (*nn.Tensor, error) {
		return nn.ChannelShuffle(ctx, ins[0], nd.Groups), nil
	},
	spec.Slice: func(_ *Model, ctx *nn.Ctx, nd *spec.Node, ins, _ []*nn.Tensor) (*nn.Tensor, error) {
		return nn.SliceChannels(ctx, ins[0], nd.Start, nd.Out.C), nil
	},
	// Mix nodes are decided by the search strategy: ForwardMixed runs them
	// through its Mixer (lazy.go); a plain Forward cannot.
	spec.Mix: func(*Model, *nn.Ctx, *spec.Node, []*nn.Tensor, []*nn.Tensor) (*nn.Tensor, error) {
		return nil, errMixNeedsMixer
	},
}

var errMixNeedsMixer = errors.New("a search supernet's mix node runs only in ForwardMixed, with the search's mixer")

// optional is ps[i], or nil when the node declares no such parameter.
func optional(ps []*nn.Tensor, i int) *nn.Tensor {
	if i < len(ps) {
		return ps[i]
	}
	return nil
}
