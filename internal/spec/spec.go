package spec

import "fmt"

// Kind names a primitive op of the IR.
type Kind string

// The primitive ops. Every network gonas builds is made of these.
const (
	Input    Kind = "input"    // the network input; no inputs
	Conv     Kind = "conv"     // 2-D convolution (groups, dilation, asymmetric stride/pad); params weight [Cout, Cin/groups, KH, KW] (+ bias [Cout])
	BN       Kind = "bn"       // batch norm over channels; params weight,bias [C] if Affine; buffers running_mean,running_var [C]
	ReLU     Kind = "relu"     // max(x, 0)
	MaxPool  Kind = "maxpool"  // max pool, padded positions ignored
	AvgPool  Kind = "avgpool"  // average pool; CountIncludePad false divides by the valid count
	GAP      Kind = "gap"      // global average pool to Cx1x1
	Linear   Kind = "linear"   // fully connected on the flattened input; params weight [Out, In], bias [Out]
	Add      Kind = "add"      // elementwise sum of all inputs (same shape)
	Concat   Kind = "concat"   // concatenation along channels
	Zero     Kind = "zero"     // zeros of the input's shape, subsampled by Stride (x[:, :, ::s, ::s]*0)
	Noise    Kind = "noise"    // RobustDARTS S4: N(0, 1) of Zero's output shape while training; its mean (zeros) in eval and export
	Pad      Kind = "pad"      // spatial zero pad; negative amounts crop (the shifted path of FactorizedReduce)
	DropPath Kind = "droppath" // per-sample drop-path while training; identity in eval and export
	Shuffle  Kind = "shuffle"  // channel shuffle with Groups groups (PC-DARTS)
	Slice    Kind = "slice"    // channels [Start, Start+C) of the input (PC-DARTS partial channels)
	Mix      Kind = "mix"      // search supernets only: combines its inputs as the search strategy decides (see MixInfo)
)

// Shape is the per-image shape of a tensor (the batch dimension is implicit).
type Shape struct {
	C int `json:"c"`
	H int `json:"h"`
	W int `json:"w"`
}

// Numel is the number of elements of one image's tensor.
// It saturates at math.MaxInt64 instead of overflowing.
func (s Shape) Numel() int64 { return MulSat(int64(s.C), int64(s.H), int64(s.W)) }

func (s Shape) String() string { return fmt.Sprintf("%dx%dx%d", s.C, s.H, s.W) }

// Pads are spatial paddings (top, left, bottom, right); negative values crop.
type Pads struct {
	T int `json:"t"`
	L int `json:"l"`
	B int `json:"b"`
	R int `json:"r"`
}

// Param declares a learned tensor or a buffer of a node, by its stable name.
// The same names key the engine's parameter store, checkpoints and ONNX
// initializers.
type Param struct {
	Name   string `json:"name"`
	Shape  []int  `json:"shape"`
	Buffer bool   `json:"buffer,omitempty"` // running statistics: saved, not learned, not counted
}

// Numel is the number of elements of the parameter.
func (p Param) Numel() int64 {
	n := int64(1)
	for _, d := range p.Shape {
		n = MulSat(n, int64(d))
	}
	return n
}

// Node is one primitive op. Fields not used by its Kind are zero.
type Node struct {
	ID     int    `json:"id"`
	Kind   Kind   `json:"kind"`
	Name   string `json:"name"` // stable, unique, dotted path, e.g. "cells.3.ops.2.conv_dw1"
	Inputs []int  `json:"inputs,omitempty"`
	Out    Shape  `json:"out"`

	// Conv and pools.
	KH       int  `json:"kh,omitempty"`
	KW       int  `json:"kw,omitempty"`
	SH       int  `json:"sh,omitempty"`
	SW       int  `json:"sw,omitempty"`
	DH       int  `json:"dh,omitempty"`
	DW       int  `json:"dw,omitempty"`
	Pad      Pads `json:"pad,omitzero"`
	Groups   int  `json:"groups,omitempty"`
	Bias     bool `json:"bias,omitempty"`
	CountPad bool `json:"count_include_pad,omitempty"` // AvgPool

	// BN.
	Affine   bool    `json:"affine,omitempty"`
	Eps      float64 `json:"eps,omitempty"`
	Momentum float64 `json:"momentum,omitempty"`

	// Zero and Noise (stride), Slice (start; Out.C is the width). Shuffle uses Groups.
	Stride int `json:"stride,omitempty"`
	Start  int `json:"start,omitempty"`

	Params []Param `json:"params,omitempty"`

	// Mix says what a Mix node combines (nil for every other kind).
	Mix *MixInfo `json:"mix,omitempty"`

	// Aux marks the auxiliary head: counted apart, left out of export and eval.
	Aux bool `json:"aux,omitempty"`
}

// Net is a whole network: nodes in topological order (inputs before users).
type Net struct {
	Input   Shape  `json:"input"`
	Classes int    `json:"classes"`
	Nodes   []Node `json:"nodes"`
	Output  int    `json:"output"`               // logits node
	AuxOut  int    `json:"aux_output,omitempty"` // auxiliary logits node, 0 if none
	Meta    Meta   `json:"meta"`
}

// Meta records how a Net was made, so any file carrying it explains itself.
type Meta struct {
	Genotype string            `json:"genotype,omitempty"` // canonical text form
	OpSet    string            `json:"op_set,omitempty"`
	Dataset  string            `json:"dataset,omitempty"`
	Layers   int               `json:"layers,omitempty"`
	Channels int               `json:"channels,omitempty"`
	Extra    map[string]string `json:"extra,omitempty"`
}

// Node returns the node with the given id.
func (n *Net) Node(id int) *Node { return &n.Nodes[id] }

// Params lists every parameter of the network in node order.
func (n *Net) Params() []Param {
	var ps []Param
	for _, nd := range n.Nodes {
		ps = append(ps, nd.Params...)
	}
	return ps
}
