package export

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// exported is one test net written to a file with some options.
type exported struct {
	tn   testNet
	opt  Options
	path string
}

func (e exported) String() string {
	return fmt.Sprintf("%s/opset%d/fold=%v", e.tn.name, e.opt.Opset, e.opt.FoldBN)
}

// exportAll writes every test net for each opset, with and without BN folding.
func exportAll(t *testing.T, opsets ...int) []exported {
	t.Helper()
	dir := t.TempDir()
	var out []exported
	for _, tn := range testNets(t) {
		for _, opset := range opsets {
			for _, fold := range []bool{false, true} {
				opt := Options{Opset: opset, FoldBN: fold, Meta: map[string]string{MetaMean: "0.5", MetaStd: "0.25"}}
				m, err := Build(tn.net, tn.weights, opt)
				if err != nil {
					t.Fatalf("%s: %v", tn.name, err)
				}
				path := filepath.Join(dir, fmt.Sprintf("%s_%d_%v.onnx", tn.name, opset, fold))
				if err := WriteFile(path, m); err != nil {
					t.Fatal(err)
				}
				out = append(out, exported{tn, opt, path})
			}
		}
	}
	return out
}

// needORT skips the test when ONNX Runtime cannot run here.
func needORT(t *testing.T) {
	t.Helper()
	if _, _, err := FindORT(); err != nil {
		if errors.Is(err, ErrNoRuntime) {
			t.Skip(err)
		}
		t.Fatal(err)
	}
}

// assertClose checks got against the float64 reference within 1e-4
// relative (absolute below magnitude 1), and that the reference is not
// trivially zero.
func assertClose(t *testing.T, what string, got []float32, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d outputs, want %d", what, len(got), len(want))
	}
	worst, big := 0.0, 0.0
	for i := range want {
		big = math.Max(big, math.Abs(want[i]))
		err := math.Abs(float64(got[i])-want[i]) / math.Max(1, math.Abs(want[i]))
		if err > worst || math.IsNaN(err) {
			worst = err
		}
	}
	if worst > 1e-4 || math.IsNaN(worst) {
		t.Errorf("%s: relative error %.3g > 1e-4\n got %v\nwant %v", what, worst, got, want)
	}
	if big < 1e-2 {
		t.Errorf("%s: reference output is nearly zero (max %.3g), the comparison proves little", what, big)
	}
}

// ONNX Runtime runs every exported net and agrees with the reference
// interpreter, for the lowest and highest opset, with and without folding.
func TestORTMatchesReference(t *testing.T) {
	needORT(t)
	files := exportAll(t, MinOpset, MaxOpset)
	const batch = 3
	jobs := make([]ORTJob, len(files))
	for i, f := range files {
		in := f.tn.net.Input
		jobs[i] = ORTJob{Model: f.path, X: randomInput(f.tn.net, batch, uint64(i)), Shape: []int{batch, in.C, in.H, in.W}}
	}
	res, err := RunORTBatch(context.Background(), jobs)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		want, err := refForward(f.tn.net, f.tn.weights, jobs[i].X, batch)
		if err != nil {
			t.Fatal(err)
		}
		classes := int(f.tn.net.Nodes[f.tn.net.Output].Out.Numel())
		if len(res[i].Shape) != 2 || res[i].Shape[0] != batch || res[i].Shape[1] != classes {
			t.Errorf("%v: output shape %v, want [%d %d]", f, res[i].Shape, batch, classes)
		}
		assertClose(t, f.String(), res[i].Y, want)
	}
}

// RunORT on one model; its errors name the model.
func TestRunORT(t *testing.T) {
	needORT(t)
	tn := testNets(t)[0]
	path := filepath.Join(t.TempDir(), "stem.onnx")
	m, err := Build(tn.net, tn.weights, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	in := tn.net.Input
	x := randomInput(tn.net, 1, 3)
	y, shape, err := RunORT(path, x, []int{1, in.C, in.H, in.W})
	if err != nil {
		t.Fatal(err)
	}
	want, err := refForward(tn.net, tn.weights, x, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(shape) != 2 || shape[0] != 1 || shape[1] != 5 {
		t.Errorf("shape %v", shape)
	}
	assertClose(t, "RunORT", y, want)

	bad := filepath.Join(t.TempDir(), "bad.onnx")
	if err := os.WriteFile(bad, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := RunORT(bad, x, []int{1, in.C, in.H, in.W}); err == nil || !strings.Contains(err.Error(), "bad.onnx") {
		t.Errorf("running a bad file: %v", err)
	}
	if _, _, err := RunORT(path, x[:5], []int{1, in.C, in.H, in.W}); err == nil {
		t.Error("input of the wrong size accepted")
	}
}

// Without Node, the script or the npm package, RunORT says so with
// ErrNoRuntime.
func TestRunORTMissing(t *testing.T) {
	script := filepath.Join(t.TempDir(), "run.js")
	if err := os.WriteFile(script, []byte("// no node_modules here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, script, want string
	}{
		{"no node", t.TempDir(), "", "no node binary"},
		{"no script", os.Getenv("PATH"), filepath.Join(t.TempDir(), "nothing.js"), ScriptEnv},
		{"no package", os.Getenv("PATH"), script, "onnxruntime-node not installed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := exec.LookPath("node"); err != nil && tc.name != "no node" {
				t.Skip("node not installed")
			}
			t.Setenv("PATH", tc.path)
			t.Setenv(ScriptEnv, tc.script)
			_, _, err := RunORT("m.onnx", []float32{1}, []int{1, 1, 1, 1})
			if !errors.Is(err, ErrNoRuntime) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrNoRuntime mentioning %q", err, tc.want)
			}
		})
	}
}

// A DARTS-sized network (hundreds of nodes) runs in ONNX Runtime and agrees
// with the reference; the ONNX checker accepts it.
func TestORTDartsLike(t *testing.T) {
	needORT(t)
	tn := dartsLike(t, 6, 8)
	path := filepath.Join(t.TempDir(), "darts.onnx")
	m, err := Build(tn.net, tn.weights, Options{FoldBN: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	const batch = 2
	in := tn.net.Input
	x := randomInput(tn.net, batch, 1)
	res, err := RunORTBatch(context.Background(), []ORTJob{{Model: path, X: x, Shape: []int{batch, in.C, in.H, in.W}}})
	if err != nil {
		t.Fatal(err)
	}
	want, err := refForward(tn.net, tn.weights, x, batch)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "darts", res[0].Y, want)
	t.Logf("%d spec nodes, %d ONNX nodes; ORT load %.1f ms, run %.1f ms (batch %d)", len(tn.net.Nodes), len(m.Graph.Node), res[0].LoadMS, res[0].RunMS, batch)
}

// Verify accepts the engine's logits (here the reference's) and rejects
// perturbed ones.
func TestVerify(t *testing.T) {
	needORT(t)
	tn := findNet(t, "cell")
	path := filepath.Join(t.TempDir(), "cell.onnx")
	m, err := Build(tn.net, tn.weights, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	in := tn.net.Input
	shape := []int{2, in.C, in.H, in.W}
	x := randomInput(tn.net, 2, 4)
	ref, err := refForward(tn.net, tn.weights, x, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float32, len(ref))
	for i, v := range ref {
		want[i] = float32(v)
	}
	if d, err := Verify(path, x, shape, want, 0); err != nil || d > 1e-4 {
		t.Errorf("Verify = %g, %v", d, err)
	}
	want[3] += 0.01
	if d, err := Verify(path, x, shape, want, 0); err == nil || d < 1e-3 {
		t.Errorf("perturbed logits: Verify = %g, %v", d, err)
	}
	if _, err := Verify(path, x, shape, want[:4], 0); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("wrong length: %v", err)
	}
}

func TestMaxRelDiff(t *testing.T) {
	tests := []struct {
		got, want []float32
		d         float64
	}{
		{[]float32{1, 2}, []float32{1, 2}, 0},
		{[]float32{0.5}, []float32{0.25}, 0.25},      // absolute below 1
		{[]float32{110}, []float32{100}, 0.1},        // relative above 1
		{[]float32{1}, []float32{1, 2}, math.Inf(1)}, // lengths differ
	}
	for _, tc := range tests {
		if d := MaxRelDiff(tc.got, tc.want); math.Abs(d-tc.d) > 1e-7 && d != tc.d {
			t.Errorf("MaxRelDiff(%v, %v) = %g, want %g", tc.got, tc.want, d, tc.d)
		}
	}
	if d := MaxRelDiff([]float32{float32(math.NaN())}, []float32{1}); !math.IsNaN(d) {
		t.Errorf("NaN gives %g", d)
	}
}
