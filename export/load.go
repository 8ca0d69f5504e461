package export

import (
	"errors"
	"fmt"
	"os"

	onnx "github.com/owulveryck/onnx-go"
	"google.golang.org/protobuf/proto"

	"gonas/export/onnxpb"
	"gonas/internal/spec"
)

// ErrUnsupported is wrapped by Load's errors about operators, attributes or
// patterns that have no spec.Net equivalent.
var ErrUnsupported = errors.New("unsupported")

// Opsets Load accepts.
const (
	minLoadOpset = 7
	maxLoadOpset = 22
)

// Load reads an ONNX file and rebuilds the network and its weights (keyed
// by the rebuilt net's parameter names). It reads what Build writes and
// plain CNNs made of the same operators (Conv, BatchNormalization, Relu,
// MaxPool, AveragePool, GlobalAveragePool, Flatten+Gemm, MatMul+Add, Add,
// Sum, Concat, Pad, Slice, Reshape/Transpose channel shuffles, Identity,
// Dropout); anything else is an error naming the operator and node.
//
// A model written with FoldBN comes back with the folded convolutions
// carrying biases and without those batch norms.
func Load(path string) (*spec.Net, map[string][]float32, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("load %s: %w", path, err)
	}
	net, w, err := Decode(data)
	if err != nil {
		return nil, nil, fmt.Errorf("load %s: %w", path, err)
	}
	return net, w, nil
}

// Decode is Load on the bytes of an ONNX file.
func Decode(data []byte) (*spec.Net, map[string][]float32, error) {
	var pb onnxpb.ModelProto
	if err := proto.Unmarshal(data, &pb); err != nil {
		return nil, nil, fmt.Errorf("not an ONNX model: %w", err)
	}
	if err := validate(&pb); err != nil {
		return nil, nil, err
	}
	g := newDecoded()
	model, err := decodeOnnxGo(data, g)
	if err != nil {
		k := len(g.ops)
		if k < len(pb.Graph.Node) {
			nd := pb.Graph.Node[k]
			return nil, nil, fmt.Errorf("onnx-go: node %q (%s): %w", nodeName(nd, k), nd.GetOpType(), err)
		}
		return nil, nil, fmt.Errorf("onnx-go: %w", err)
	}
	if len(g.ops) != len(pb.Graph.Node) {
		return nil, nil, fmt.Errorf("onnx-go applied %d operators, the file has %d", len(g.ops), len(pb.Graph.Node))
	}
	for k, a := range g.ops {
		nd := pb.Graph.Node[k]
		if a.op.Name != nd.GetOpType() || len(a.outputs) != len(nd.Output) {
			return nil, nil, fmt.Errorf("onnx-go: operator %d is %s with %d outputs, the file says %s with %d", k, a.op.Name, len(a.outputs), nd.GetOpType(), len(nd.Output))
		}
		for i, o := range a.outputs {
			if o.name != nd.Output[i] {
				return nil, nil, fmt.Errorf("onnx-go: operator %d output %d is %q, the file says %q", k, i, o.name, nd.Output[i])
			}
		}
	}
	return rebuild(&pb, g, model)
}

// decodeOnnxGo runs onnx-go's decoder into g. onnx-go was not written for
// hostile input, so a panic inside it becomes an error.
func decodeOnnxGo(data []byte, g *decoded) (m *onnx.Model, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decoder failed: %v", r)
		}
	}()
	m = onnx.NewModel(g)
	if err := m.UnmarshalBinary(data); err != nil {
		return nil, err
	}
	return m, nil
}

func nodeName(nd *onnxpb.NodeProto, k int) string {
	if nd.GetName() != "" {
		return nd.GetName()
	}
	if len(nd.Output) > 0 && nd.Output[0] != "" {
		return nd.Output[0]
	}
	return fmt.Sprintf("#%d", k)
}

// Limits on what validate lets through to onnx-go.
const (
	maxTensorElems = 1 << 30
	maxDim         = 1 << 24
)

// validate checks what onnx-go takes on trust, so malformed files give
// clear errors instead of panics or huge allocations.
func validate(m *onnxpb.ModelProto) error {
	if m.Graph == nil || m.IrVersion == nil || len(m.OpsetImport) == 0 {
		return fmt.Errorf("not an ONNX model: no graph, IR version or opset")
	}
	opset := int64(-1)
	for _, o := range m.OpsetImport {
		if d := o.GetDomain(); d == "" || d == "ai.onnx" {
			opset = o.GetVersion()
		}
	}
	if opset < minLoadOpset || opset > maxLoadOpset {
		return fmt.Errorf("%w: default-domain opset %d (want %d to %d)", ErrUnsupported, opset, minLoadOpset, maxLoadOpset)
	}
	g := m.Graph
	if len(g.Node) == 0 {
		return fmt.Errorf("the graph has no nodes")
	}
	for k, nd := range g.Node {
		if d := nd.GetDomain(); d != "" && d != "ai.onnx" {
			return fmt.Errorf("%w operator %s of domain %q (node %q)", ErrUnsupported, nd.GetOpType(), d, nodeName(nd, k))
		}
		if len(nd.Output) == 0 {
			return fmt.Errorf("node %q (%s) has no outputs", nodeName(nd, k), nd.GetOpType())
		}
		for _, a := range nd.Attribute {
			if a.T != nil {
				if err := checkTensor(a.T); err != nil {
					return fmt.Errorf("node %q attribute %s: %w", nodeName(nd, k), a.GetName(), err)
				}
			}
		}
	}
	for _, t := range g.Initializer {
		if err := checkTensor(t); err != nil {
			return fmt.Errorf("initializer %q: %w", t.GetName(), err)
		}
	}
	for _, vs := range [][]*onnxpb.ValueInfoProto{g.Input, g.Output, g.ValueInfo} {
		for _, v := range vs {
			tt := v.GetType().GetTensorType()
			if tt == nil {
				continue
			}
			n := int64(1)
			for _, d := range tt.GetShape().GetDim() {
				dv := d.GetDimValue()
				if dv < 0 || dv > maxDim {
					return fmt.Errorf("value %q has dimension %d", v.GetName(), dv)
				}
				if dv > 0 {
					n *= dv
				}
				if n > maxTensorElems {
					return fmt.Errorf("value %q is too large", v.GetName())
				}
			}
			if err := checkDtype(tt.GetElemType()); err != nil {
				return fmt.Errorf("value %q: %w", v.GetName(), err)
			}
		}
	}
	return nil
}

// checkDtype accepts the element types the importer reads.
func checkDtype(dt int32) error {
	switch onnxpb.TensorProto_DataType(dt) {
	case onnxpb.TensorProto_FLOAT, onnxpb.TensorProto_DOUBLE, onnxpb.TensorProto_INT64, onnxpb.TensorProto_INT32:
		return nil
	}
	return fmt.Errorf("%w element type %s", ErrUnsupported, onnxpb.TensorProto_DataType(dt))
}

// checkTensor checks a constant's type, shape and that its data fills it.
func checkTensor(t *onnxpb.TensorProto) error {
	if err := checkDtype(t.GetDataType()); err != nil {
		return err
	}
	if t.Segment != nil || len(t.ExternalData) > 0 || t.GetDataLocation() != onnxpb.TensorProto_DEFAULT {
		return fmt.Errorf("%w: segmented or external tensor data", ErrUnsupported)
	}
	n := int64(1)
	for _, d := range t.Dims {
		if d < 0 || d > maxDim {
			return fmt.Errorf("dimension %d out of range", d)
		}
		n *= d
		if n > maxTensorElems {
			return fmt.Errorf("shape %v too large", t.Dims)
		}
	}
	var have int64
	size := int64(4)
	switch onnxpb.TensorProto_DataType(t.GetDataType()) {
	case onnxpb.TensorProto_FLOAT:
		have = int64(len(t.FloatData))
	case onnxpb.TensorProto_DOUBLE:
		have, size = int64(len(t.DoubleData)), 8
	case onnxpb.TensorProto_INT64:
		have, size = int64(len(t.Int64Data)), 8
	case onnxpb.TensorProto_INT32:
		have = int64(len(t.Int32Data))
	}
	if t.RawData != nil {
		if have > 0 {
			return fmt.Errorf("both raw and typed data")
		}
		if int64(len(t.RawData))%size != 0 {
			return fmt.Errorf("raw data of %d bytes is not a whole number of elements", len(t.RawData))
		}
		have = int64(len(t.RawData)) / size
	}
	if have != n {
		return fmt.Errorf("shape %v needs %d elements, the data has %d", t.Dims, n, have)
	}
	if n == 0 {
		return fmt.Errorf("%w: empty tensor", ErrUnsupported)
	}
	return nil
}
