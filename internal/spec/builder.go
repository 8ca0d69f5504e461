package spec

import "fmt"

// ConvOpts describes a convolution. Zero strides, dilations and groups mean 1.
type ConvOpts struct {
	Out    int
	KH, KW int
	SH, SW int
	DH, DW int
	Pad    Pads
	Groups int
	Bias   bool
}

// Square returns options for a square kernel k with stride s, padding p and
// dilation d on all sides.
func Square(out, k, s, p, d int) ConvOpts {
	return ConvOpts{Out: out, KH: k, KW: k, SH: s, SW: s, DH: d, DW: d, Pad: Pads{p, p, p, p}}
}

// Builder appends nodes to a Net, inferring every shape. The first shape
// error sticks: later calls return -1 and Err reports it, so op builders stay
// straight-line code.
type Builder struct {
	net Net
	err error
	aux bool
	bn  BNOpts
}

// BNOpts are the batch-norm defaults applied by Builder.BN.
type BNOpts struct {
	Eps      float64
	Momentum float64
}

// NewBuilder starts a network whose input has shape in; node 0 is the input.
func NewBuilder(in Shape) *Builder {
	b := &Builder{bn: BNOpts{Eps: 1e-5, Momentum: 0.1}}
	b.net.Input = in
	b.add(Node{Kind: Input, Name: "input", Out: in})
	if in.C <= 0 || in.H <= 0 || in.W <= 0 {
		b.err = fmt.Errorf("input shape %v: every dimension must be positive", in)
	}
	return b
}

// Err is the first error met while building, nil if none.
func (b *Builder) Err() error { return b.err }

// SetAux marks the nodes added from now on as part of the auxiliary head (or not).
func (b *Builder) SetAux(aux bool) { b.aux = aux }

// Len is the number of nodes built so far.
func (b *Builder) Len() int { return len(b.net.Nodes) }

// Shape is the output shape of node id.
func (b *Builder) Shape(id int) Shape {
	if id < 0 || id >= len(b.net.Nodes) {
		return Shape{}
	}
	return b.net.Nodes[id].Out
}

// Failf records an error (if none yet) and returns -1.
func (b *Builder) Failf(format string, args ...any) int {
	if b.err == nil {
		b.err = fmt.Errorf(format, args...)
	}
	return -1
}

// Finish returns the built network with the given logits (and optional
// auxiliary logits, 0 for none) nodes.
func (b *Builder) Finish(classes, out, aux int) (*Net, error) {
	if b.err != nil {
		return nil, b.err
	}
	n := b.net
	n.Classes, n.Output, n.AuxOut = classes, out, aux
	return &n, nil
}

// add appends nd with the parameters the kind table declares for it.
func (b *Builder) add(nd Node) int {
	if len(b.net.Nodes) >= MaxNodes {
		return b.Failf("%s: the network would have more than %d nodes; build a smaller one (fewer cells or nodes per cell)", nd.Name, MaxNodes)
	}
	nd.ID = len(b.net.Nodes)
	nd.Aux = b.aux
	if len(nd.Inputs) > 0 {
		ps, err := ParamsOf(&nd, b.Shape(nd.Inputs[0]))
		if err != nil {
			return b.Failf("%s: %w", nd.Name, err)
		}
		nd.Params = ps
	}
	b.net.Nodes = append(b.net.Nodes, nd)
	return nd.ID
}

// ok checks the inputs exist and no error is pending.
func (b *Builder) ok(ids ...int) bool {
	if b.err != nil {
		return false
	}
	for _, id := range ids {
		if id < 0 || id >= len(b.net.Nodes) {
			b.Failf("internal: node %d does not exist", id)
			return false
		}
	}
	return true
}

func one(v int) int {
	if v == 0 {
		return 1
	}
	return v
}

// outSize is PyTorch's floor((in + pads - dil*(k-1) - 1)/stride) + 1.
func outSize(in, pad0, pad1, k, s, d int) int {
	num := in + pad0 + pad1 - d*(k-1) - 1
	if num < 0 {
		return 0
	}
	return num/s + 1
}

// Conv adds a convolution of x.
func (b *Builder) Conv(name string, x int, o ConvOpts) int {
	if !b.ok(x) {
		return -1
	}
	in := b.Shape(x)
	o.SH, o.SW, o.DH, o.DW, o.Groups = one(o.SH), one(o.SW), one(o.DH), one(o.DW), one(o.Groups)
	if o.Out <= 0 || o.KH <= 0 || o.KW <= 0 {
		return b.Failf("%s: conv needs positive channels and kernel, got out=%d kernel=%dx%d", name, o.Out, o.KH, o.KW)
	}
	if in.C%o.Groups != 0 || o.Out%o.Groups != 0 {
		return b.Failf("%s: channels in=%d out=%d not divisible by groups=%d", name, in.C, o.Out, o.Groups)
	}
	h := outSize(in.H, o.Pad.T, o.Pad.B, o.KH, o.SH, o.DH)
	w := outSize(in.W, o.Pad.L, o.Pad.R, o.KW, o.SW, o.DW)
	if h <= 0 || w <= 0 {
		return b.Failf("%s: conv %dx%d (stride %dx%d, dilation %dx%d) does not fit input %v", name, o.KH, o.KW, o.SH, o.SW, o.DH, o.DW, in)
	}
	return b.add(Node{Kind: Conv, Name: name, Inputs: []int{x}, Out: Shape{o.Out, h, w},
		KH: o.KH, KW: o.KW, SH: o.SH, SW: o.SW, DH: o.DH, DW: o.DW, Pad: o.Pad, Groups: o.Groups, Bias: o.Bias})
}

// BN adds a batch norm of x (eps 1e-5, momentum 0.1 unless BNWith is used).
func (b *Builder) BN(name string, x int, affine bool) int {
	return b.BNWith(name, x, affine, b.bn)
}

// BNWith adds a batch norm of x with explicit eps and momentum.
func (b *Builder) BNWith(name string, x int, affine bool, o BNOpts) int {
	if !b.ok(x) {
		return -1
	}
	return b.add(Node{Kind: BN, Name: name, Inputs: []int{x}, Out: b.Shape(x), Affine: affine,
		Eps: o.Eps, Momentum: o.Momentum})
}

// ReLU adds max(x, 0).
func (b *Builder) ReLU(name string, x int) int {
	if !b.ok(x) {
		return -1
	}
	return b.add(Node{Kind: ReLU, Name: name, Inputs: []int{x}, Out: b.Shape(x)})
}

// Pool adds a max or average pool (kind MaxPool or AvgPool) with a square
// kernel k, stride s and padding p on all sides.
func (b *Builder) Pool(name string, kind Kind, x, k, s, p int, countIncludePad bool) int {
	if !b.ok(x) {
		return -1
	}
	in := b.Shape(x)
	if p*2 > k {
		return b.Failf("%s: pool padding %d exceeds half the kernel %d", name, p, k)
	}
	h, w := outSize(in.H, p, p, k, s, 1), outSize(in.W, p, p, k, s, 1)
	if h <= 0 || w <= 0 {
		return b.Failf("%s: pool %dx%d stride %d does not fit input %v", name, k, k, s, in)
	}
	return b.add(Node{Kind: kind, Name: name, Inputs: []int{x}, Out: Shape{in.C, h, w},
		KH: k, KW: k, SH: s, SW: s, DH: 1, DW: 1, Pad: Pads{p, p, p, p}, CountPad: countIncludePad})
}

// GAP adds a global average pool.
func (b *Builder) GAP(name string, x int) int {
	if !b.ok(x) {
		return -1
	}
	return b.add(Node{Kind: GAP, Name: name, Inputs: []int{x}, Out: Shape{b.Shape(x).C, 1, 1}})
}

// Linear adds a fully connected layer on the flattened x.
func (b *Builder) Linear(name string, x, out int) int {
	if !b.ok(x) {
		return -1
	}
	return b.add(Node{Kind: Linear, Name: name, Inputs: []int{x}, Out: Shape{out, 1, 1}, Bias: true})
}

// Add sums xs elementwise; all must have the same shape.
func (b *Builder) Add(name string, xs ...int) int {
	if !b.ok(xs...) {
		return -1
	}
	if len(xs) == 1 {
		return xs[0]
	}
	for _, x := range xs[1:] {
		if b.Shape(x) != b.Shape(xs[0]) {
			return b.Failf("%s: cannot add shapes %v and %v", name, b.Shape(xs[0]), b.Shape(x))
		}
	}
	return b.add(Node{Kind: Add, Name: name, Inputs: append([]int(nil), xs...), Out: b.Shape(xs[0])})
}

// Concat joins xs along channels; spatial sizes must agree.
func (b *Builder) Concat(name string, xs ...int) int {
	if !b.ok(xs...) {
		return -1
	}
	out := b.Shape(xs[0])
	out.C = 0
	for _, x := range xs {
		s := b.Shape(x)
		if s.H != out.H || s.W != out.W {
			return b.Failf("%s: cannot concat spatial sizes %dx%d and %dx%d", name, out.H, out.W, s.H, s.W)
		}
		out.C += s.C
	}
	return b.add(Node{Kind: Concat, Name: name, Inputs: append([]int(nil), xs...), Out: out})
}

// Zero adds zeros shaped like x subsampled by stride (ceil(H/s)).
func (b *Builder) Zero(name string, x, stride int) int {
	if !b.ok(x) {
		return -1
	}
	return b.subsampled(Zero, name, x, stride)
}

// subsampled adds a node of kind k whose output has x's shape subsampled
// by stride (x[:, :, ::s, ::s]): Zero and Noise.
func (b *Builder) subsampled(k Kind, name string, x, stride int) int {
	in := b.Shape(x)
	s := one(stride)
	return b.add(Node{Kind: k, Name: name, Inputs: []int{x}, Stride: s,
		Out: Shape{in.C, (in.H + s - 1) / s, (in.W + s - 1) / s}})
}

// Noise adds RobustDARTS's noise op on x: standard normal values of the
// shape Zero gives (x subsampled by stride), drawn afresh in every
// training pass, independent of x's values; in evaluation and export it is
// its mean, zeros, so that the exported network is deterministic.
func (b *Builder) Noise(name string, x, stride int) int {
	if !b.ok(x) {
		return -1
	}
	return b.subsampled(Noise, name, x, stride)
}

// Pad zero-pads (or with negative amounts crops) x spatially.
func (b *Builder) Pad(name string, x int, p Pads) int {
	if !b.ok(x) {
		return -1
	}
	in := b.Shape(x)
	h, w := in.H+p.T+p.B, in.W+p.L+p.R
	if h <= 0 || w <= 0 {
		return b.Failf("%s: padding %+v leaves nothing of input %v", name, p, in)
	}
	return b.add(Node{Kind: Pad, Name: name, Inputs: []int{x}, Pad: p, Out: Shape{in.C, h, w}})
}

// DropPath adds a training-time drop-path of x.
func (b *Builder) DropPath(name string, x int) int {
	if !b.ok(x) {
		return -1
	}
	return b.add(Node{Kind: DropPath, Name: name, Inputs: []int{x}, Out: b.Shape(x)})
}

// Shuffle adds a channel shuffle with the given number of groups.
func (b *Builder) Shuffle(name string, x, groups int) int {
	if !b.ok(x) {
		return -1
	}
	if groups <= 0 || b.Shape(x).C%groups != 0 {
		return b.Failf("%s: %d channels not divisible into %d shuffle groups", name, b.Shape(x).C, groups)
	}
	return b.add(Node{Kind: Shuffle, Name: name, Inputs: []int{x}, Groups: groups, Out: b.Shape(x)})
}

// Slice takes channels [start, start+c) of x.
func (b *Builder) Slice(name string, x, start, c int) int {
	if !b.ok(x) {
		return -1
	}
	in := b.Shape(x)
	if start < 0 || c <= 0 || start+c > in.C {
		return b.Failf("%s: channel slice [%d,%d) outside %d channels", name, start, start+c, in.C)
	}
	return b.add(Node{Kind: Slice, Name: name, Inputs: []int{x}, Start: start, Out: Shape{c, in.H, in.W}})
}
