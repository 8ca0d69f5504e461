package export

import (
	"fmt"
	"maps"
	"strconv"
	"strings"

	onnx "github.com/owulveryck/onnx-go"

	"gonas/export/onnxpb"
	"gonas/internal/spec"
)

// val is what an ONNX value means in the spec.Net being rebuilt: the output
// of spec node id (flat: as [batch, features]), or a pattern in progress that
// becomes a spec node once complete (a zero pad not yet known to be followed
// by a crop, the strided view of a Zero, the two first steps of a shuffle).
type val struct {
	id   int
	flat bool

	pad     *spec.Pads // pending spec.Pad of id, named padName
	padName string

	sub        int  // x[:, :, ::sub, ::sub] of id, read only by Mul by 0
	split      int  // id viewed as (N, split, C/split, H, W)
	transposed bool // ... with the two channel axes swapped
}

func (v *val) pending() bool { return v.sub > 0 || v.split > 0 }

// importer rebuilds a spec.Net from the graph onnx-go decoded.
type importer struct {
	g      *decoded
	b      *spec.Builder
	w      map[string][]float32
	vals   map[int64]*val
	consts map[int64]*constant
	names  map[string]bool
	noBias map[int]string // Linear nodes (to their names) from a MatMul whose bias may follow

	lastName string // spec name of the last Linear added
}

// rebuild turns onnx-go's graph (with node names and metadata from pb) into
// a spec.Net and its weights.
func rebuild(pb *onnxpb.ModelProto, g *decoded, m *onnx.Model) (*spec.Net, map[string][]float32, error) {
	if len(m.Input) != 1 || len(m.Output) != 1 {
		return nil, nil, fmt.Errorf("%w: the graph has %d inputs and %d outputs besides initializers, want 1 and 1", ErrUnsupported, len(m.Input), len(m.Output))
	}
	in := g.nodes[m.Input[0]]
	if in == nil {
		return nil, nil, fmt.Errorf("onnx-go lost the graph input")
	}
	shape, err := inputShape(pb, in.name)
	if err != nil {
		return nil, nil, err
	}
	imp := &importer{
		g: g, b: spec.NewBuilder(shape), w: map[string][]float32{},
		vals: map[int64]*val{in.id: {id: 0}}, consts: map[int64]*constant{},
		names: map[string]bool{"input": true}, noBias: map[int]string{},
	}
	if err := imp.b.Err(); err != nil {
		return nil, nil, fmt.Errorf("input %q: %w", in.name, err)
	}
	produced := map[int64]bool{}
	for _, a := range g.ops {
		for _, o := range a.outputs {
			produced[o.id] = true
		}
	}
	for _, n := range g.order {
		if n.t != nil && n.id != in.id && !produced[n.id] {
			c, err := toConstant(n.name, n.t)
			if err != nil {
				return nil, nil, err
			}
			imp.consts[n.id] = c
		}
	}
	for k, a := range g.ops {
		name := nodeName(pb.Graph.Node[k], k)
		if err := imp.apply(a, name); err != nil {
			return nil, nil, fmt.Errorf("node %q (%s): %w", name, a.op.Name, err)
		}
	}
	out, ok := imp.vals[m.Output[0]]
	if !ok {
		return nil, nil, fmt.Errorf("the graph output %q is not computed by a supported operator", imp.valueName(m.Output[0]))
	}
	id, err := imp.materialize(out)
	if err != nil {
		return nil, nil, fmt.Errorf("graph output: %w", err)
	}
	if id == 0 {
		return nil, nil, fmt.Errorf("%w: the output is the input", ErrUnsupported)
	}
	outShape := imp.b.Shape(id)
	net, err := imp.b.Finish(int(outShape.Numel()), id, 0)
	if err != nil {
		return nil, nil, err
	}
	if err := checkOutputShape(pb, imp.valueName(m.Output[0]), outShape); err != nil {
		return nil, nil, err
	}
	net.Meta = importMeta(pb.MetadataProps)
	if err := checkWeights(net, imp.w); err != nil {
		return nil, nil, err
	}
	return net, imp.w, nil
}

// inputShape reads the declared [N, C, H, W] float shape of the graph input.
func inputShape(pb *onnxpb.ModelProto, name string) (spec.Shape, error) {
	for _, v := range pb.Graph.Input {
		if v.GetName() != name {
			continue
		}
		tt := v.GetType().GetTensorType()
		if tt == nil || tt.GetElemType() != int32(onnxpb.TensorProto_FLOAT) {
			return spec.Shape{}, fmt.Errorf("%w: input %q is not a float tensor", ErrUnsupported, name)
		}
		dims := tt.GetShape().GetDim()
		if len(dims) != 4 {
			return spec.Shape{}, fmt.Errorf("%w: input %q has rank %d, want 4 (NCHW)", ErrUnsupported, name, len(dims))
		}
		var s [3]int
		for i, d := range dims[1:] {
			v, ok := d.GetValue().(*onnxpb.TensorShapeProto_Dimension_DimValue)
			if !ok || v.DimValue <= 0 {
				return spec.Shape{}, fmt.Errorf("%w: input %q dimension %d is not a fixed size", ErrUnsupported, name, i+1)
			}
			s[i] = int(v.DimValue)
		}
		return spec.Shape{C: s[0], H: s[1], W: s[2]}, nil
	}
	return spec.Shape{}, fmt.Errorf("input %q is not declared", name)
}

// checkOutputShape compares the declared output shape (if fixed) with the
// rebuilt one.
func checkOutputShape(pb *onnxpb.ModelProto, name string, got spec.Shape) error {
	for _, v := range pb.Graph.Output {
		if v.GetName() != name {
			continue
		}
		dims := v.GetType().GetTensorType().GetShape().GetDim()
		if len(dims) < 2 {
			return nil
		}
		n := int64(1)
		for _, d := range dims[1:] {
			dv, ok := d.GetValue().(*onnxpb.TensorShapeProto_Dimension_DimValue)
			if !ok {
				return nil // symbolic: nothing to compare
			}
			n *= dv.DimValue
		}
		if n != got.Numel() {
			return fmt.Errorf("output %q is declared with %d features per image, the graph computes %v", name, n, got)
		}
	}
	return nil
}

// importMeta turns metadata_props back into spec.Meta; keys without a field
// (the gonas version, input normalisation, ...) go to Extra.
func importMeta(props []*onnxpb.StringStringEntryProto) spec.Meta {
	var m spec.Meta
	extra := map[string]string{}
	for _, p := range props {
		k, v := p.GetKey(), p.GetValue()
		switch k {
		case MetaGenotype:
			m.Genotype = v
		case MetaOpSet:
			m.OpSet = v
		case MetaDataset:
			m.Dataset = v
		case MetaClasses:
			// Implied by the output shape.
		case MetaLayers, MetaChannels:
			n, err := strconv.Atoi(v)
			if err != nil {
				extra[k] = v
			} else if k == MetaLayers {
				m.Layers = n
			} else {
				m.Channels = n
			}
		default:
			extra[k] = v
		}
	}
	if len(extra) > 0 {
		m.Extra = extra
	}
	return m
}

// checkWeights makes sure the weights are exactly the net's parameters.
func checkWeights(net *spec.Net, w map[string][]float32) error {
	want := map[string]bool{}
	for _, p := range net.Params() {
		want[p.Name] = true
		if int64(len(w[p.Name])) != p.Numel() {
			return fmt.Errorf("internal: parameter %s has %d values, want %d", p.Name, len(w[p.Name]), p.Numel())
		}
	}
	for k := range maps.Keys(w) {
		if !want[k] {
			return fmt.Errorf("internal: weights for %s, which no node declares", k)
		}
	}
	return nil
}

// uniq returns name, or name with a numeric suffix if taken, and reserves it.
func (imp *importer) uniq(name string) string {
	if name == "" {
		name = "node"
	}
	n := name
	for i := 2; imp.names[n]; i++ {
		n = name + "_" + strconv.Itoa(i)
	}
	imp.names[n] = true
	return n
}

// specName names a node after its parameter (weight "x.weight" names it
// "x"), else after the ONNX node.
func (imp *importer) specName(node string, param *constant, suffix string) string {
	if param != nil && strings.HasSuffix(param.name, suffix) && len(param.name) > len(suffix) {
		return imp.uniq(strings.TrimSuffix(param.name, suffix))
	}
	return imp.uniq(node)
}

// materialize turns v into a spec node id, emitting a pending pad.
func (imp *importer) materialize(v *val) (int, error) {
	if v.pending() {
		return -1, fmt.Errorf("%w: a strided Slice or 5-D Reshape is only supported inside a Zero or channel-shuffle pattern", ErrUnsupported)
	}
	if v.pad != nil {
		id := imp.b.Pad(imp.uniq(v.padName), v.id, *v.pad)
		if err := imp.b.Err(); err != nil {
			return -1, err
		}
		*v = val{id: id}
	}
	return v.id, nil
}
