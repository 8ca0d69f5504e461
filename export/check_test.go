package export

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"gonas/internal/spec"
)

// checkerScript runs onnx.checker.check_model(full_check=True) on each file
// given and prints, per file, the shapes ONNX's own shape inference gives
// every value (a dimension is a number or the symbol's name).
const checkerScript = `
import json, sys
import onnx
from onnx import shape_inference
out = {}
for path in sys.argv[1:]:
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    inferred = shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.output):
        dims = []
        for d in vi.type.tensor_type.shape.dim:
            dims.append(d.dim_value if d.HasField("dim_value") else d.dim_param)
        shapes[vi.name] = dims
    out[path] = shapes
print(json.dumps(out))
`

// onnxChecker runs the checker on paths with Debian's python3-onnx and
// returns the inferred shapes; it skips the test where that is missing.
func onnxChecker(t *testing.T, paths ...string) map[string]map[string][]any {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import onnx").Run(); err != nil {
		t.Skip("/usr/bin/python3 lacks the onnx module (apt-get install python3-onnx)")
	}
	out, err := exec.Command("/usr/bin/python3", append([]string{"-c", checkerScript}, paths...)...).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("onnx checker: %v\n%s", err, msg)
	}
	var shapes map[string]map[string][]any
	if err := json.Unmarshal(out, &shapes); err != nil {
		t.Fatalf("onnx checker output: %v\n%s", err, out)
	}
	return shapes
}

// The ONNX checker accepts every exported file at opsets 13 and 17, and
// ONNX's shape inference gives every spec node's value the shape spec's
// builder inferred.
func TestONNXCheckerAndShapes(t *testing.T) {
	files := exportAll(t, 13, 17)
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.path
	}
	shapes := onnxChecker(t, paths...)
	for _, f := range files {
		net := f.tn.net
		byName := map[string]*spec.Node{OutputName: &net.Nodes[net.Output]}
		for i := range net.Nodes {
			byName[net.Nodes[i].Name] = &net.Nodes[i]
		}
		got := shapes[f.path]
		checked := 0
		for value, dims := range got {
			nd, ok := byName[value]
			if !ok {
				continue // a helper value of a multi-node lowering
			}
			checked++
			if len(dims) == 0 || dims[0] != BatchDim {
				t.Errorf("%v: %s has shape %v, want a leading %q", f, value, dims, BatchDim)
				continue
			}
			var want []any
			switch len(dims) {
			case 2:
				want = []any{BatchDim, float64(nd.Out.Numel())}
			default:
				want = []any{BatchDim, float64(nd.Out.C), float64(nd.Out.H), float64(nd.Out.W)}
			}
			if !equalAny(dims, want) {
				t.Errorf("%v: ONNX infers %s as %v, spec says %v", f, value, dims, nd.Out)
			}
		}
		if checked < 3 {
			t.Errorf("%v: only %d values compared", f, checked)
		}
	}
}

func equalAny(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A broken file fails the checker helper's script (so a pass means something).
func TestONNXCheckerRejects(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import onnx").Run(); err != nil {
		t.Skip("/usr/bin/python3 lacks the onnx module")
	}
	tn := testNets(t)[0]
	m, err := Build(tn.net, tn.weights, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m.Graph.Node[0].Input[0] = "nowhere" // reads an undefined value
	path := t.TempDir() + "/bad.onnx"
	if err := WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("/usr/bin/python3", "-c", checkerScript, path).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "nowhere") {
		t.Fatalf("checker accepted a graph reading an undefined value: %v\n%s", err, out)
	}
}
