package export

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"gonas/export/onnxpb"
	"gonas/internal/spec"
)

func findNet(t *testing.T, name string) testNet {
	t.Helper()
	for _, tn := range testNets(t) {
		if tn.name == name {
			return tn
		}
	}
	t.Fatalf("no test net %q", name)
	return testNet{}
}

// The model header, graph interface and metadata are as documented.
func TestBuildModelFields(t *testing.T) {
	tn := findNet(t, "aux_dead")
	m, err := Build(tn.net, tn.weights, Options{Opset: 15, Meta: map[string]string{MetaMean: "0.1307", MetaStd: "0.3081", MetaGenotype: "override"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.GetIrVersion() != 7 || m.GetProducerName() != "gonas" || m.GetProducerVersion() == "" {
		t.Errorf("header: ir %d producer %q %q", m.GetIrVersion(), m.GetProducerName(), m.GetProducerVersion())
	}
	if len(m.OpsetImport) != 1 || m.OpsetImport[0].GetDomain() != "" || m.OpsetImport[0].GetVersion() != 15 {
		t.Errorf("opset_import %v", m.OpsetImport)
	}
	dims := func(v *onnxpb.ValueInfoProto) []string {
		var s []string
		for _, d := range v.GetType().GetTensorType().GetShape().GetDim() {
			if p := d.GetDimParam(); p != "" {
				s = append(s, p)
			} else {
				s = append(s, strings.Repeat("#", int(d.GetDimValue())))
			}
		}
		return s
	}
	g := m.Graph
	if len(g.Input) != 1 || g.Input[0].GetName() != "input" || !slices.Equal(dims(g.Input[0]), []string{"batch", "###", "######", "######"}) {
		t.Errorf("input %v", g.Input)
	}
	if len(g.Output) != 1 || g.Output[0].GetName() != "logits" || !slices.Equal(dims(g.Output[0]), []string{"batch", "###"}) {
		t.Errorf("output %v", g.Output)
	}
	meta := map[string]string{}
	for _, p := range m.MetadataProps {
		meta[p.GetKey()] = p.GetValue()
	}
	want := map[string]string{"genotype": "override", "op_set": "darts", "classes": "3", "dataset": "test", "layers": "2", "channels": "4",
		"input_mean": "0.1307", "input_std": "0.3081"}
	for k, v := range want {
		if meta[k] != v {
			t.Errorf("metadata %s = %q, want %q", k, meta[k], v)
		}
	}
	if meta["gonas_version"] == "" {
		t.Error("no gonas_version in metadata")
	}
	// Initializers are exactly the parameters of the exported nodes: not the
	// auxiliary head's, nor anything of the dead ReLU.
	var inits []string
	for _, t := range g.Initializer {
		inits = append(inits, t.GetName())
	}
	slices.Sort(inits)
	wantInits := []string{"c1.weight", "fc.bias", "fc.weight"}
	if !slices.Equal(inits, wantInits) {
		t.Errorf("initializers %v, want %v", inits, wantInits)
	}
	for _, n := range g.Node {
		if strings.HasPrefix(n.GetName(), "aux") || n.GetName() == "dead" {
			t.Errorf("node %s exported", n.GetName())
		}
	}
}

// FoldBN removes exactly the batch norms that follow a conv read by nothing
// else, and gives those convs a bias.
func TestBuildFoldBN(t *testing.T) {
	tn := findNet(t, "fold")
	for _, fold := range []bool{false, true} {
		m, err := Build(tn.net, tn.weights, Options{FoldBN: fold})
		if err != nil {
			t.Fatal(err)
		}
		var bns []string
		convInputs := map[string]int{}
		for _, n := range m.Graph.Node {
			switch n.GetOpType() {
			case "BatchNormalization":
				bns = append(bns, n.GetName())
			case "Conv":
				convInputs[n.GetName()] = len(n.Input)
			}
		}
		want := []string{"c1.bn", "c2.bn", "c3.bn"}
		wantIn := map[string]int{"c1": 2, "c2": 3, "c3": 2}
		if fold {
			want = []string{"c3.bn"}
			wantIn = map[string]int{"c1": 3, "c2": 3, "c3": 2}
		}
		if !slices.Equal(bns, want) {
			t.Errorf("fold=%v: batch norms %v, want %v", fold, bns, want)
		}
		for k, v := range wantIn {
			if convInputs[k] != v {
				t.Errorf("fold=%v: conv %s has %d inputs, want %d", fold, k, convInputs[k], v)
			}
		}
	}
}

// Build refuses what it cannot export, saying what and where.
func TestBuildErrors(t *testing.T) {
	tn := findNet(t, "stem")
	clone := func() (*spec.Net, map[string][]float32) {
		n := *tn.net
		n.Nodes = slices.Clone(tn.net.Nodes)
		w := map[string][]float32{}
		for k, v := range tn.weights {
			w[k] = v
		}
		return &n, w
	}
	tests := []struct {
		name string
		edit func(n *spec.Net, w map[string][]float32, o *Options)
		want string
	}{
		{"opset low", func(n *spec.Net, w map[string][]float32, o *Options) { o.Opset = 12 }, "opset 12 not supported"},
		{"opset high", func(n *spec.Net, w map[string][]float32, o *Options) { o.Opset = 18 }, "opset 18 not supported"},
		{"missing weight", func(n *spec.Net, w map[string][]float32, o *Options) { delete(w, "stem.bn.running_var") }, "no weights for parameter stem.bn.running_var"},
		{"short weight", func(n *spec.Net, w map[string][]float32, o *Options) {
			w["classifier.weight"] = w["classifier.weight"][:3]
		}, "parameter classifier.weight has 3 values, its shape [5 6] needs 30"},
		{"output out of range", func(n *spec.Net, w map[string][]float32, o *Options) { n.Output = 99 }, "output node 99 does not exist"},
		{"forward reference", func(n *spec.Net, w map[string][]float32, o *Options) { n.Nodes[1].Inputs = []int{5} }, "nodes must come after their inputs"},
		{"aux feeds logits", func(n *spec.Net, w map[string][]float32, o *Options) { n.Nodes[3].Aux = true }, "auxiliary head feeds the logits"},
		{"unknown kind", func(n *spec.Net, w map[string][]float32, o *Options) { n.Nodes[3].Kind = "gelu" }, `kind "gelu" cannot be exported`},
		{"negative conv pad", func(n *spec.Net, w map[string][]float32, o *Options) { n.Nodes[1].Pad.T = -1 }, "node 1 stem.conv (conv): negative convolution padding"},
		{"duplicate names", func(n *spec.Net, w map[string][]float32, o *Options) { n.Nodes[3].Name = "stem.bn" }, `name "stem.bn" used twice`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, w := clone()
			var o Options
			tc.edit(n, w, &o)
			_, err := Build(n, w, o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to mention %q", err, tc.want)
			}
		})
	}
	if _, err := Build(nil, nil, Options{}); err == nil {
		t.Error("nil net accepted")
	}
}

// WriteFile replaces the file whole and leaves no temporary behind.
func TestWriteFileAtomic(t *testing.T) {
	tn := findNet(t, "gap_out")
	m, err := Build(tn.net, tn.weights, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "m.onnx")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back onnxpb.ModelProto
	if err := proto.Unmarshal(b, &back); err != nil || !proto.Equal(&back, m) {
		t.Errorf("file does not hold the model: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only m.onnx", len(entries))
	}
	if err := WriteFile(filepath.Join(dir, "no", "such", "dir.onnx"), m); err == nil || !strings.Contains(err.Error(), "dir.onnx") {
		t.Errorf("writing into a missing directory: %v", err)
	}
	// Deterministic: the same model gives the same bytes.
	b2, err := Marshal(m)
	if err != nil || string(b2) != string(b) {
		t.Error("Marshal is not deterministic")
	}
}
