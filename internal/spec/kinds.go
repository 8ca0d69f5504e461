package spec

import (
	"fmt"
	"slices"
)

// KindInfo is one row of the kind table: what every consumer of the IR
// needs to know about a kind. How a kind runs, lowers to ONNX and imports
// lives with the engine (engine/model) and the exporter (export), each in a
// registry keyed by kind; their tests walk Kinds() and fail for a kind that
// a registry lacks.
type KindInfo struct {
	Kind Kind
	// MinInputs and MaxInputs bound the number of inputs; MaxInputs < 0
	// means no bound.
	MinInputs, MaxInputs int
	// Params declares the node's parameters and buffers, in order, from its
	// attributes and the shape of its first input; nil for none. Each name
	// is the node's name, a dot and a Role.
	Params func(nd *Node, in Shape) []Param
	// Cost is the counting rule for one image: multiply-adds by the
	// AutoDL/GDAS rule and FLOPs by the sovrasov "full" rule (see
	// derive.Count). in is the shape of the first input.
	Cost func(nd *Node, in Shape) (macs, full int64)
	// EvalIdentity kinds pass their input through outside training
	// (drop-path): exported as an alias of the input.
	EvalIdentity bool
	// SearchOnly kinds exist only in search supernets: the search strategy
	// runs them, and derived networks and ONNX files never hold them.
	SearchOnly bool

	replay func(b *Builder, nd *Node) int // re-adds nd through its Builder method (Validate)
}

// Parameter roles: a parameter's name is its node's name, a dot and one of these.
const (
	RoleWeight      = "weight"
	RoleBias        = "bias"
	RoleRunningMean = "running_mean"
	RoleRunningVar  = "running_var"
)

var (
	kindTable []KindInfo
	kindIndex map[Kind]int
)

// Kinds lists every kind of the IR, in table order.
func Kinds() []Kind {
	ks := make([]Kind, len(kindTable))
	for i, r := range kindTable {
		ks[i] = r.Kind
	}
	return ks
}

// Info returns the row of kind k; an unknown kind is an error naming it.
func Info(k Kind) (KindInfo, error) {
	i, ok := kindIndex[k]
	if !ok {
		return KindInfo{}, fmt.Errorf("unknown kind %q", k)
	}
	return kindTable[i], nil
}

// CheckInputs checks that n inputs suit kind k.
func (r KindInfo) CheckInputs(n int) error {
	if n < r.MinInputs || r.MaxInputs >= 0 && n > r.MaxInputs {
		return fmt.Errorf("%s with %d inputs (want %s)", r.Kind, n, r.arity())
	}
	return nil
}

func (r KindInfo) arity() string {
	switch {
	case r.MinInputs == r.MaxInputs:
		return fmt.Sprint(r.MinInputs)
	case r.MaxInputs < 0:
		return fmt.Sprintf("at least %d", r.MinInputs)
	}
	return fmt.Sprintf("%d to %d", r.MinInputs, r.MaxInputs)
}

// ParamsOf is the parameter list the kind table declares for nd, whose
// first input has shape in.
func ParamsOf(nd *Node, in Shape) ([]Param, error) {
	r, err := Info(nd.Kind)
	if err != nil || r.Params == nil {
		return nil, err
	}
	return r.Params(nd, in), nil
}

// Role is the role of parameter p of nd (the part of its name after the
// node's name), or "" when p's name does not start with the node's.
func Role(nd *Node, p Param) string {
	prefix := nd.Name + "."
	if len(p.Name) <= len(prefix) || p.Name[:len(prefix)] != prefix {
		return ""
	}
	return p.Name[len(prefix):]
}

// SameParams reports whether two parameter lists declare the same names,
// shapes and buffer flags.
func SameParams(a, b []Param) bool {
	return slices.EqualFunc(a, b, func(x, y Param) bool {
		return x.Name == y.Name && x.Buffer == y.Buffer && slices.Equal(x.Shape, y.Shape)
	})
}

func param(nd *Node, role string, buffer bool, shape ...int) Param {
	return Param{Name: nd.Name + "." + role, Shape: shape, Buffer: buffer}
}

func convParams(nd *Node, in Shape) []Param {
	ps := []Param{param(nd, RoleWeight, false, nd.Out.C, in.C/one(nd.Groups), nd.KH, nd.KW)}
	if nd.Bias {
		ps = append(ps, param(nd, RoleBias, false, nd.Out.C))
	}
	return ps
}

func bnParams(nd *Node, in Shape) []Param {
	var ps []Param
	if nd.Affine {
		ps = append(ps, param(nd, RoleWeight, false, in.C), param(nd, RoleBias, false, in.C))
	}
	return append(ps, param(nd, RoleRunningMean, true, in.C), param(nd, RoleRunningVar, true, in.C))
}

func linearParams(nd *Node, in Shape) []Param {
	ps := []Param{param(nd, RoleWeight, false, nd.Out.C, int(in.Numel()))}
	if nd.Bias {
		ps = append(ps, param(nd, RoleBias, false, nd.Out.C))
	}
	return ps
}

// Counting rules (derive.Count documents them and the papers they follow).

func free(*Node, Shape) (int64, int64) { return 0, 0 }

func convCost(nd *Node, in Shape) (int64, int64) {
	m := MulSat(int64(nd.KH), int64(nd.KW), int64(in.C)/int64(one(nd.Groups)), nd.Out.Numel()) // kh·kw·(Cin/g)·Cout·H·W
	if nd.Bias {
		m = AddSat(m, nd.Out.Numel())
	}
	return m, m
}

func linearCost(nd *Node, in Shape) (int64, int64) {
	m := MulSat(in.Numel(), int64(nd.Out.C))
	return AddSat(m, int64(nd.Out.C)), m
}

func reluCost(nd *Node, _ Shape) (int64, int64) { return 0, nd.Out.Numel() }

func bnCost(nd *Node, _ Shape) (int64, int64) {
	if nd.Affine {
		return 0, MulSat(2, nd.Out.Numel())
	}
	return 0, nd.Out.Numel()
}

func poolCost(_ *Node, in Shape) (int64, int64) { return 0, in.Numel() }

func init() {
	unary := func(k Kind) KindInfo { return KindInfo{Kind: k, MinInputs: 1, MaxInputs: 1, Cost: free} }
	row := func(r KindInfo, edit func(*KindInfo)) KindInfo { edit(&r); return r }
	kindTable = []KindInfo{
		{Kind: Input, Cost: free, replay: func(b *Builder, nd *Node) int {
			return b.Failf("%s: a second input node", nd.Name)
		}},
		row(unary(Conv), func(r *KindInfo) {
			r.Params, r.Cost = convParams, convCost
			r.replay = func(b *Builder, nd *Node) int {
				return b.Conv(nd.Name, nd.Inputs[0], ConvOpts{Out: nd.Out.C, KH: nd.KH, KW: nd.KW, SH: nd.SH, SW: nd.SW,
					DH: nd.DH, DW: nd.DW, Pad: nd.Pad, Groups: nd.Groups, Bias: nd.Bias})
			}
		}),
		row(unary(BN), func(r *KindInfo) {
			r.Params, r.Cost = bnParams, bnCost
			r.replay = func(b *Builder, nd *Node) int {
				return b.BNWith(nd.Name, nd.Inputs[0], nd.Affine, BNOpts{Eps: nd.Eps, Momentum: nd.Momentum})
			}
		}),
		row(unary(ReLU), func(r *KindInfo) {
			r.Cost = reluCost
			r.replay = func(b *Builder, nd *Node) int { return b.ReLU(nd.Name, nd.Inputs[0]) }
		}),
		row(unary(MaxPool), func(r *KindInfo) { r.Cost, r.replay = poolCost, replayPool }),
		row(unary(AvgPool), func(r *KindInfo) { r.Cost, r.replay = poolCost, replayPool }),
		row(unary(GAP), func(r *KindInfo) {
			r.Cost = poolCost
			r.replay = func(b *Builder, nd *Node) int { return b.GAP(nd.Name, nd.Inputs[0]) }
		}),
		row(unary(Linear), func(r *KindInfo) {
			r.Params, r.Cost = linearParams, linearCost
			r.replay = func(b *Builder, nd *Node) int { return b.Linear(nd.Name, nd.Inputs[0], nd.Out.C) }
		}),
		{Kind: Add, MinInputs: 2, MaxInputs: -1, Cost: free,
			replay: func(b *Builder, nd *Node) int { return b.Add(nd.Name, nd.Inputs...) }},
		{Kind: Concat, MinInputs: 1, MaxInputs: -1, Cost: free,
			replay: func(b *Builder, nd *Node) int { return b.Concat(nd.Name, nd.Inputs...) }},
		row(unary(Zero), func(r *KindInfo) {
			r.replay = func(b *Builder, nd *Node) int { return b.Zero(nd.Name, nd.Inputs[0], nd.Stride) }
		}),
		row(unary(Noise), func(r *KindInfo) {
			r.replay = func(b *Builder, nd *Node) int { return b.Noise(nd.Name, nd.Inputs[0], nd.Stride) }
		}),
		row(unary(Pad), func(r *KindInfo) {
			r.replay = func(b *Builder, nd *Node) int { return b.Pad(nd.Name, nd.Inputs[0], nd.Pad) }
		}),
		row(unary(DropPath), func(r *KindInfo) {
			r.EvalIdentity = true
			r.replay = func(b *Builder, nd *Node) int { return b.DropPath(nd.Name, nd.Inputs[0]) }
		}),
		row(unary(Shuffle), func(r *KindInfo) {
			r.replay = func(b *Builder, nd *Node) int { return b.Shuffle(nd.Name, nd.Inputs[0], nd.Groups) }
		}),
		row(unary(Slice), func(r *KindInfo) {
			r.replay = func(b *Builder, nd *Node) int { return b.Slice(nd.Name, nd.Inputs[0], nd.Start, nd.Out.C) }
		}),
		{Kind: Mix, MinInputs: 1, MaxInputs: -1, Cost: free, SearchOnly: true,
			replay: func(b *Builder, nd *Node) int {
				if nd.Mix == nil {
					return b.Failf("%s: mix node without its mix description", nd.Name)
				}
				return b.Mix(nd.Name, *nd.Mix, nd.Inputs...)
			}},
	}
	kindIndex = make(map[Kind]int, len(kindTable))
	for i, r := range kindTable {
		kindIndex[r.Kind] = i
	}
}

func replayPool(b *Builder, nd *Node) int {
	p := nd.Pad
	if nd.KH != nd.KW || nd.SH != nd.SW || p.T != p.L || p.T != p.B || p.T != p.R || nd.KH <= 0 || nd.SH <= 0 {
		return b.Failf("%s: pools must be square with uniform padding, got kernel %dx%d stride %dx%d pad %+v",
			nd.Name, nd.KH, nd.KW, nd.SH, nd.SW, p)
	}
	return b.Pool(nd.Name, nd.Kind, nd.Inputs[0], nd.KH, nd.SH, p.T, nd.CountPad)
}
