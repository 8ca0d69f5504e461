package export

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"google.golang.org/protobuf/proto"

	"gonas/export/onnxpb"
	"gonas/internal/buildinfo"
	"gonas/internal/spec"
)

// Build lowers net with its weights (keyed by spec.Param names) to an ONNX
// model. Only the nodes the logits depend on are exported, so the auxiliary
// head is left out; every parameter of an exported node must be present with
// the number of elements its shape declares.
func Build(net *spec.Net, weights map[string][]float32, opt Options) (*onnxpb.ModelProto, error) {
	opset, err := opt.opset()
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if net == nil {
		return nil, fmt.Errorf("export: nil network")
	}
	l, err := newLowering(net, weights, opt.FoldBN)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := l.lower(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return &onnxpb.ModelProto{
		IrVersion:       proto.Int64(IRVersion),
		OpsetImport:     []*onnxpb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(int64(opset))}},
		ProducerName:    proto.String(Producer),
		ProducerVersion: proto.String(buildinfo.Version()),
		Graph:           l.graph,
		MetadataProps:   metadata(net, opt.Meta),
	}, nil
}

// metadata gathers the provenance of net, then extra entries, sorted by key.
func metadata(net *spec.Net, extra map[string]string) []*onnxpb.StringStringEntryProto {
	m := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set(MetaGenotype, net.Meta.Genotype)
	set(MetaOpSet, net.Meta.OpSet)
	set(MetaDataset, net.Meta.Dataset)
	if net.Meta.Layers > 0 {
		set(MetaLayers, strconv.Itoa(net.Meta.Layers))
	}
	if net.Meta.Channels > 0 {
		set(MetaChannels, strconv.Itoa(net.Meta.Channels))
	}
	if net.Classes > 0 {
		set(MetaClasses, strconv.Itoa(net.Classes))
	}
	maps.Copy(m, net.Meta.Extra)
	m[MetaVersion] = buildinfo.Version()
	maps.Copy(m, extra)
	var out []*onnxpb.StringStringEntryProto
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, &onnxpb.StringStringEntryProto{Key: proto.String(k), Value: proto.String(m[k])})
	}
	return out
}

// lowering turns the live nodes of a net into ONNX nodes and initializers.
type lowering struct {
	net     *spec.Net
	weights map[string][]float32
	graph   *onnxpb.GraphProto

	live      []bool         // the logits depend on the node
	consumers []int          // live nodes reading each node's output
	value     []string       // ONNX value holding each lowered node's output
	flat      []bool         // that value is [batch, features] rather than NCHW
	nchw      map[int]string // 4-D views of flat values, made on demand
	names     map[string]bool
	foldInto  map[int]int // conv id -> the BN folded into it
	folded    map[int]bool
}

func newLowering(net *spec.Net, weights map[string][]float32, foldBN bool) (*lowering, error) {
	n := len(net.Nodes)
	if net.Output < 0 || net.Output >= n {
		return nil, fmt.Errorf("output node %d does not exist (%d nodes)", net.Output, n)
	}
	if net.Nodes[net.Output].Kind == spec.Input {
		return nil, fmt.Errorf("the output node %d is the input", net.Output)
	}
	l := &lowering{
		net: net, weights: weights,
		graph:     &onnxpb.GraphProto{Name: proto.String(Producer)},
		live:      make([]bool, n),
		consumers: make([]int, n),
		value:     make([]string, n),
		flat:      make([]bool, n),
		nchw:      map[int]string{},
		names:     map[string]bool{},
		foldInto:  map[int]int{},
		folded:    map[int]bool{},
	}
	for i, nd := range net.Nodes {
		if nd.ID != i {
			return nil, fmt.Errorf("node %d (%s) has id %d", i, nd.Name, nd.ID)
		}
		for _, in := range nd.Inputs {
			if in < 0 || in >= i {
				return nil, fmt.Errorf("node %d (%s) reads node %d: nodes must come after their inputs", i, nd.Name, in)
			}
		}
	}
	l.live[net.Output] = true
	for i := net.Output; i >= 0; i-- {
		if !l.live[i] {
			continue
		}
		nd := &net.Nodes[i]
		if nd.Aux {
			return nil, fmt.Errorf("node %d (%s) of the auxiliary head feeds the logits", i, nd.Name)
		}
		for _, in := range nd.Inputs {
			l.live[in] = true
			l.consumers[in]++
		}
	}
	if foldBN {
		for i, nd := range net.Nodes {
			if !l.live[i] || nd.Kind != spec.BN || len(nd.Inputs) != 1 {
				continue
			}
			c := nd.Inputs[0]
			if net.Nodes[c].Kind == spec.Conv && l.consumers[c] == 1 && c != net.Output {
				l.foldInto[c] = i
				l.folded[i] = true
			}
		}
	}
	return l, nil
}

// lower emits the whole graph.
func (l *lowering) lower() error {
	inputs := 0
	for i := range l.net.Nodes {
		if !l.live[i] {
			continue
		}
		nd := &l.net.Nodes[i]
		if nd.Kind == spec.Input {
			inputs++
		}
		if err := l.lowerNode(nd); err != nil {
			return fmt.Errorf("node %d %s (%s): %w", nd.ID, nd.Name, nd.Kind, err)
		}
	}
	if inputs != 1 {
		return fmt.Errorf("the logits depend on %d input nodes, want 1", inputs)
	}
	in := l.net.Input
	l.graph.Input = []*onnxpb.ValueInfoProto{valueInfo(InputName, in.C, in.H, in.W)}
	out := l.net.Output
	if v := l.value[out]; v != OutputName {
		op := "Flatten"
		var attrs []*onnxpb.AttributeProto
		if l.flat[out] {
			op = "Identity"
		} else {
			attrs = append(attrs, attrInt("axis", 1))
		}
		if err := l.claim(OutputName); err != nil {
			return err
		}
		l.emit(op, OutputName+"/"+op, []string{v}, OutputName, attrs...)
	}
	l.graph.Output = []*onnxpb.ValueInfoProto{valueInfo(OutputName, int(l.net.Nodes[out].Out.Numel()))}
	return nil
}

// claim reserves a value or initializer name.
func (l *lowering) claim(name string) error {
	if name == "" {
		return fmt.Errorf("empty value name")
	}
	if l.names[name] {
		return fmt.Errorf("name %q used twice", name)
	}
	l.names[name] = true
	return nil
}

// outName is the ONNX value name of a node's output.
func (l *lowering) outName(nd *spec.Node) string {
	if nd.ID == l.net.Output && nd.Kind == spec.Linear {
		return OutputName
	}
	if nd.Name == "" {
		return fmt.Sprintf("node%d", nd.ID)
	}
	return nd.Name
}

// emit appends a node.
func (l *lowering) emit(op, name string, inputs []string, output string, attrs ...*onnxpb.AttributeProto) {
	l.graph.Node = append(l.graph.Node, &onnxpb.NodeProto{
		OpType:    proto.String(op),
		Name:      proto.String(name),
		Input:     inputs,
		Output:    []string{output},
		Attribute: attrs,
	})
}

// initializer adds a constant, claiming its name.
func (l *lowering) initializer(t *onnxpb.TensorProto) (string, error) {
	if err := l.claim(t.GetName()); err != nil {
		return "", err
	}
	l.graph.Initializer = append(l.graph.Initializer, t)
	return t.GetName(), nil
}

// ints adds an int64 vector constant.
func (l *lowering) ints(name string, v ...int) (string, error) {
	return l.initializer(int64Tensor(name, int64s(v)))
}

// param returns the weights of nd's parameter named name+suffix, checked
// against its declared shape.
func (l *lowering) param(nd *spec.Node, suffix string) (spec.Param, []float32, error) {
	for _, p := range nd.Params {
		if p.Name != nd.Name+"."+suffix {
			continue
		}
		w, ok := l.weights[p.Name]
		if !ok {
			return p, nil, fmt.Errorf("no weights for parameter %s", p.Name)
		}
		if int64(len(w)) != p.Numel() {
			return p, nil, fmt.Errorf("parameter %s has %d values, its shape %v needs %d", p.Name, len(w), p.Shape, p.Numel())
		}
		return p, w, nil
	}
	return spec.Param{}, nil, fmt.Errorf("no parameter %s.%s declared", nd.Name, suffix)
}

// in4D is the NCHW value of node id, reshaping a flat value when needed.
func (l *lowering) in4D(id int) (string, error) {
	if !l.flat[id] {
		return l.value[id], nil
	}
	if v, ok := l.nchw[id]; ok {
		return v, nil
	}
	s := l.net.Nodes[id].Out
	v := l.value[id] + "/nchw"
	shape, err := l.ints(v+".shape", 0, s.C, s.H, s.W)
	if err != nil {
		return "", err
	}
	if err := l.claim(v); err != nil {
		return "", err
	}
	l.emit("Reshape", v, []string{l.value[id], shape}, v)
	l.nchw[id] = v
	return v, nil
}

// inputs returns the values of several inputs in one rank: flat if all
// are flat, else NCHW.
func (l *lowering) inputs(ids []int) ([]string, bool, error) {
	allFlat := true
	for _, id := range ids {
		allFlat = allFlat && l.flat[id]
	}
	vs := make([]string, len(ids))
	for i, id := range ids {
		if allFlat {
			vs[i] = l.value[id]
			continue
		}
		v, err := l.in4D(id)
		if err != nil {
			return nil, false, err
		}
		vs[i] = v
	}
	return vs, allFlat, nil
}
