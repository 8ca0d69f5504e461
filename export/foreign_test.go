package export

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"gonas/export/onnxpb"
	"gonas/internal/spec"
)

// graphMaker writes ONNX graphs by hand, the way other exporters (PyTorch,
// older opsets) spell them, to test the importer beyond what Build emits.
type graphMaker struct {
	g   *onnxpb.GraphProto
	rng *rand.Rand
}

func newGraphMaker(c, h, w int) *graphMaker {
	gm := &graphMaker{g: &onnxpb.GraphProto{Name: proto.String("foreign")}, rng: rand.New(rand.NewPCG(3, 4))}
	in := valueInfo("x", c, h, w)
	in.Type.GetTensorType().Shape.Dim[0].Value = &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: "N"}
	gm.g.Input = []*onnxpb.ValueInfoProto{in}
	return gm
}

func (gm *graphMaker) node(op, out string, in []string, attrs ...*onnxpb.AttributeProto) {
	gm.g.Node = append(gm.g.Node, &onnxpb.NodeProto{OpType: proto.String(op), Name: proto.String(out), Input: in, Output: []string{out}, Attribute: attrs})
}

// floats adds a random float initializer; scale 0 means ones.
func (gm *graphMaker) floats(name string, scale float64, dims ...int) string {
	n := 1
	for _, d := range dims {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = 1
		if scale != 0 {
			v[i] = float32(scale * (gm.rng.Float64()*2 - 1))
		}
	}
	t := floatTensor(name, dims, v)
	// Typed data instead of raw bytes, as some exporters write it.
	t.RawData, t.FloatData = nil, v
	gm.g.Initializer = append(gm.g.Initializer, t)
	return name
}

func (gm *graphMaker) ints(name string, v ...int64) string {
	gm.g.Initializer = append(gm.g.Initializer, int64Tensor(name, v))
	return name
}

func (gm *graphMaker) model(opset int64, out string, outDims ...int) *onnxpb.ModelProto {
	gm.g.Output = []*onnxpb.ValueInfoProto{valueInfo(out, outDims...)}
	return &onnxpb.ModelProto{
		IrVersion:    proto.Int64(6),
		OpsetImport:  []*onnxpb.OperatorSetIdProto{{Version: proto.Int64(opset)}},
		ProducerName: proto.String("pytorch"),
		Graph:        gm.g,
	}
}

// foreignModels are models gonas did not write, with the kinds Load must
// rebuild from them.
func foreignModels() []struct {
	name  string
	model *onnxpb.ModelProto
	kinds []spec.Kind
} {
	// PyTorch-like, opset 11: VALID conv without bias, BN with foreign
	// initializer names, Pad with input pads, Reshape flatten, MatMul + Add,
	// Dropout and Identity.
	a := newGraphMaker(3, 9, 9)
	a.node("Conv", "conv0", []string{"x", a.floats("W0", 0.5, 4, 3, 3, 3)}, attrInts("kernel_shape", 3, 3), &onnxpb.AttributeProto{Name: proto.String("auto_pad"), Type: onnxpb.AttributeProto_STRING.Enum(), S: []byte("VALID")})
	a.node("BatchNormalization", "bn0", []string{"conv0", a.floats("gamma", 0.5, 4), a.floats("beta", 0.5, 4), a.floats("mu", 0.2, 4), a.floats("sigma2", 0, 4)}, attrFloat("epsilon", 1e-3), attrFloat("momentum", 0.9))
	a.node("Relu", "relu0", []string{"bn0"})
	a.node("MaxPool", "pool0", []string{"relu0"}, attrInts("kernel_shape", 2, 2), attrInts("strides", 2, 2))
	a.node("Pad", "pad0", []string{"pool0", a.ints("pads", 0, 0, 1, 1, 0, 0, 1, 1)})
	a.node("AveragePool", "pool1", []string{"pad0"}, attrInts("kernel_shape", 3, 3), attrInts("pads", 1, 1, 1, 1), attrInt("count_include_pad", 0))
	a.node("Reshape", "flat", []string{"pool1", a.ints("shape", 0, -1)})
	a.node("MatMul", "mm", []string{"flat", a.floats("fc_w", 0.3, 4*5*5, 6)})
	a.node("Add", "logits0", []string{"mm", a.floats("fc_b", 0.5, 6)})
	a.node("Dropout", "drop", []string{"logits0"})
	a.node("Identity", "out", []string{"drop"})
	ma := a.model(11, "out", 6)

	// Old opsets (9): Pad and Slice with attributes, Gemm with transB=0 and a
	// [1, out] bias, Sum of three, Concat along axis -3, Flatten.
	b := newGraphMaker(4, 6, 6)
	b.node("Slice", "lo", []string{"x"}, attrInts("starts", 0), attrInts("ends", 2), attrInts("axes", 1))
	b.node("Slice", "hi", []string{"x"}, attrInts("starts", -2), attrInts("ends", 1000), attrInts("axes", 1))
	b.node("Relu", "lo_relu", []string{"lo"})
	b.node("Sum", "sum3", []string{"lo", "hi", "lo_relu"})
	b.node("Pad", "padded", []string{"sum3"}, &onnxpb.AttributeProto{Name: proto.String("mode"), Type: onnxpb.AttributeProto_STRING.Enum(), S: []byte("constant")}, attrInts("pads", 0, 0, 0, 1, 0, 0, 1, 0))
	b.node("Slice", "cropped", []string{"padded"}, attrInts("starts", 1, 0), attrInts("ends", 1000, -1), attrInts("axes", 2, 3))
	b.node("Concat", "cat", []string{"cropped", "cropped"}, attrInt("axis", -3))
	b.node("GlobalAveragePool", "gap", []string{"cat"})
	b.node("Flatten", "flat", []string{"gap"})
	b.node("Gemm", "y", []string{"flat", b.floats("fc.weight", 0.5, 4, 3), b.floats("fc.bias", 0.5, 1, 3)}, attrInt("transB", 0))
	mb := b.model(9, "y", 3)

	return []struct {
		name  string
		model *onnxpb.ModelProto
		kinds []spec.Kind
	}{
		{"pytorch11", ma, []spec.Kind{spec.Input, spec.Conv, spec.BN, spec.ReLU, spec.MaxPool, spec.Pad, spec.AvgPool, spec.Linear}},
		{"opset9", mb, []spec.Kind{spec.Input, spec.Slice, spec.Slice, spec.ReLU, spec.Add, spec.Pad, spec.Concat, spec.GAP, spec.Linear}},
	}
}

// Load rebuilds models written by others, and the reference interpreter
// on the rebuilt net agrees with ONNX Runtime on the original file.
func TestLoadForeign(t *testing.T) {
	dir := t.TempDir()
	var jobs []ORTJob
	var nets []*spec.Net
	var weights []map[string][]float32
	for _, fm := range foreignModels() {
		path := filepath.Join(dir, fm.name+".onnx")
		if err := WriteFile(path, fm.model); err != nil {
			t.Fatal(err)
		}
		net, w, err := Load(path)
		if err != nil {
			t.Fatalf("%s: %v", fm.name, err)
		}
		var kinds []spec.Kind
		for _, nd := range net.Nodes {
			kinds = append(kinds, nd.Kind)
		}
		if strings.Join(kindStrings(kinds), " ") != strings.Join(kindStrings(fm.kinds), " ") {
			t.Errorf("%s: kinds %v, want %v", fm.name, kinds, fm.kinds)
		}
		in := net.Input
		jobs = append(jobs, ORTJob{Model: path, X: randomInput(net, 2, 1), Shape: []int{2, in.C, in.H, in.W}})
		nets, weights = append(nets, net), append(weights, w)
	}
	needORT(t)
	res, err := RunORTBatch(context.Background(), jobs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range jobs {
		want, err := refForward(nets[i], weights[i], jobs[i].X, 2)
		if err != nil {
			t.Fatal(err)
		}
		assertClose(t, jobs[i].Model, res[i].Y, want)
	}
}

func kindStrings(ks []spec.Kind) []string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return s
}

// Malformed or foreign files give clear errors naming the file and problem.
func TestLoadErrors(t *testing.T) {
	tn := testNets(t)[0]
	good, err := Build(tn.net, tn.weights, Options{})
	if err != nil {
		t.Fatal(err)
	}
	goodBytes, err := Marshal(good)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(m *onnxpb.ModelProto)) []byte {
		m := proto.Clone(good).(*onnxpb.ModelProto)
		f(m)
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	lstm := newGraphMaker(1, 4, 4)
	lstm.node("LSTM", "lstm1", []string{"x", lstm.floats("W", 1, 1, 16, 4), lstm.floats("R", 1, 1, 16, 4)}, attrInt("hidden_size", 4))
	lstmBytes, _ := proto.Marshal(lstm.model(13, "lstm1", 4))
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"empty", nil, []string{"not an ONNX model"}},
		{"random bytes", random, []string{"not an ONNX model"}},
		{"png", png, []string{"not an ONNX model"}},
		{"json", []byte(`{"nodes": []}`), []string{"not an ONNX model"}},
		{"truncated", goodBytes[:len(goodBytes)*2/3], []string{"not an ONNX model"}},
		{"lstm", lstmBytes, []string{`node "lstm1" (LSTM)`, "unsupported operator LSTM"}},
		{"softmax", edit(func(m *onnxpb.ModelProto) {
			m.Graph.Node = append(m.Graph.Node, &onnxpb.NodeProto{OpType: proto.String("Softmax"), Name: proto.String("probs"), Input: []string{OutputName}, Output: []string{"probs"}})
			m.Graph.Output[0].Name = proto.String("probs")
		}), []string{`node "probs" (Softmax)`, "unsupported operator Softmax"}},
		{"custom domain", edit(func(m *onnxpb.ModelProto) { m.Graph.Node[0].Domain = proto.String("com.example") }), []string{`domain "com.example"`, "stem.conv"}},
		{"opset 5", edit(func(m *onnxpb.ModelProto) { m.OpsetImport[0].Version = proto.Int64(5) }), []string{"opset 5"}},
		{"short weights", edit(func(m *onnxpb.ModelProto) { m.Graph.Initializer[0].RawData = m.Graph.Initializer[0].RawData[:8] }), []string{`initializer "stem.conv.weight"`, "needs 162 elements, the data has 2"}},
		{"same pads", edit(func(m *onnxpb.ModelProto) {
			m.Graph.Node[0].Attribute = append(m.Graph.Node[0].Attribute, &onnxpb.AttributeProto{Name: proto.String("auto_pad"), Type: onnxpb.AttributeProto_STRING.Enum(), S: []byte("SAME_UPPER")})
		}), []string{`node "stem.conv" (Conv)`, "auto_pad SAME_UPPER"}},
		{"two inputs", edit(func(m *onnxpb.ModelProto) { m.Graph.Input = append(m.Graph.Input, valueInfo("extra", 1)) }), []string{"2 inputs"}},
		{"wrong output shape", edit(func(m *onnxpb.ModelProto) { m.Graph.Output[0] = valueInfo(OutputName, 7) }), []string{"declared with 7 features"}},
		{"rank-2 input", edit(func(m *onnxpb.ModelProto) { m.Graph.Input[0] = valueInfo(InputName, 3) }), []string{"rank 2, want 4"}},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".onnx")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := Load(path)
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			for _, w := range append(tc.want, path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	if _, _, err := Load(filepath.Join(dir, "missing.onnx")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
