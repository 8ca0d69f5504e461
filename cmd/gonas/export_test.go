package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"gonas/derive"
	"gonas/engine/model"
	"gonas/export"
	"gonas/export/onnxpb"
	"gonas/internal/npy"
	"gonas/internal/spec"
	"gonas/internal/stage"
	"gonas/models"
	"gonas/train"
)

// runCLI runs the CLI in-process and returns its exit code, stdout and
// stderr. A panic fails the test (mainErr must turn every problem into an
// error).
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := -1
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("gonas %s panicked: %v", strings.Join(args, " "), r)
			}
		}()
		code = mainErr(args, &stdout, &stderr)
	}()
	return code, stdout.String(), stderr.String()
}

// needORT skips the test where ONNX Runtime cannot run.
func needORT(t *testing.T) {
	t.Helper()
	if _, _, err := export.FindORT(); err != nil {
		if errors.Is(err, export.ErrNoRuntime) {
			t.Skip(err)
		}
		t.Fatal(err)
	}
}

// readModel decodes an ONNX file with the repo's protobuf types.
func readModel(t *testing.T, path string) *onnxpb.ModelProto {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m onnxpb.ModelProto
	if err := proto.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &m
}

func metadata(m *onnxpb.ModelProto) map[string]string {
	out := map[string]string{}
	for _, p := range m.MetadataProps {
		out[p.GetKey()] = p.GetValue()
	}
	return out
}

// randomBatch is n N(0,1) images of shape in.
func randomBatch(in spec.Shape, n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 5))
	x := make([]float32, int64(n)*in.Numel())
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// An untrained network exported with --json --verify: the report's numbers
// are those of the file, ONNX Runtime agreed with the engine, and the
// metadata carries the provenance and MNIST's normalisation.
func TestExportGenotypeJSON(t *testing.T) {
	needORT(t)
	path := filepath.Join(t.TempDir(), "m.onnx")
	code, out, errOut := runCLI(t, "export", "-g", "DARTS_V2", "-d", "mnist", "--layers", "3", "--channels", "6",
		"--seed", "7", "-o", path, "--opset", "17", "--verify", "--json", "--verify-batch", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Path         string   `json:"path"`
		Opset        int      `json:"opset"`
		Nodes        int      `json:"nodes"`
		Initializers int      `json:"initializers"`
		Bytes        int64    `json:"bytes"`
		MaxAbs       *float64 `json:"max_abs_diff"`
		MaxRel       *float64 `json:"max_rel_diff"`
		Verified     bool     `json:"verified"`
		Mean         string   `json:"input_mean"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	m := readModel(t, path)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Path != path || rep.Opset != 17 || rep.Nodes != len(m.Graph.Node) || rep.Initializers != len(m.Graph.Initializer) || rep.Bytes != st.Size() {
		t.Errorf("report %+v; the file has %d nodes, %d initializers, %d bytes", rep, len(m.Graph.Node), len(m.Graph.Initializer), st.Size())
	}
	if got := m.OpsetImport[0].GetVersion(); got != 17 {
		t.Errorf("file opset %d", got)
	}
	if rep.Mean != "0.1307" {
		t.Errorf("report input_mean %q", rep.Mean)
	}
	if !rep.Verified || rep.MaxAbs == nil || rep.MaxRel == nil || *rep.MaxRel > 1e-4 {
		t.Errorf("verification: %+v", rep)
	}
	meta := metadata(m)
	zoo, _ := models.LookupZoo("DARTS_V2")
	want := map[string]string{
		"genotype":      zoo.Genotype.String(),
		"genotype_name": "DARTS_V2",
		"op_set":        "darts",
		"classes":       "10",
		"dataset":       "mnist",
		"layers":        "3",
		"channels":      "6",
		"input_mean":    "0.1307", // the usual MNIST constants
		"input_std":     "0.3081",
		"source":        "untrained, seed 7",
	}
	for k, v := range want {
		if meta[k] != v {
			t.Errorf("metadata %s = %q, want %q", k, meta[k], v)
		}
	}
	if meta["gonas_version"] == "" {
		t.Error("no gonas_version in the metadata")
	}

	// The weights are the engine's initialisation with that seed.
	net, w, err := export.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	gf, _ := models.GenotypeFromArg("DARTS_V2")
	set, _ := models.LookupOpSet("darts")
	orig, err := derive.Build(&gf.Genotype, set, derive.Config{Dataset: "mnist", Layers: 3, Channels: 6})
	if err != nil {
		t.Fatal(err)
	}
	m0, err := model.New(orig, 7)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range net.Params() {
		if !slices.Equal(w[p.Name], m0.Params.Get(p.Name).Data) {
			t.Errorf("weights of %s are not model.New's with seed 7", p.Name)
		}
	}
}

// The human-readable report, and verification skipped (not an error) where
// ONNX Runtime is missing unless --verify asks for it.
func TestExportVerifySkipped(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir) // no node
	t.Setenv(export.ScriptEnv, "")
	path := filepath.Join(dir, "m.onnx")
	args := []string{"export", "-g", "DARTS_V1", "-d", "mnist", "--layers", "2", "--channels", "4", "-o", path}
	code, out, errOut := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"exported DARTS_V1 (op set darts) in the cifar network for mnist",
		"wrote " + path + ": opset 13, ",
		"input normalisation: (pixel/255 - mean)/std, mean 0.1307, std 0.3081",
		"verification in ONNX Runtime skipped: ONNX Runtime not available: no node binary on PATH",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = runCLI(t, append(args, "--verify", "--json")...)
	if code != 1 || !strings.Contains(errOut, "no node binary on PATH") || !strings.Contains(errOut, path+" was written") {
		t.Errorf("--verify without ONNX Runtime: exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, `"verified": false`) {
		t.Errorf("--json report: %s", out)
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
	code, out, _ = runCLI(t, append(args, "--verify=false", "--json")...)
	if code != 0 || !strings.Contains(out, `"verify_skipped": "turned off with --verify=false"`) || !strings.Contains(out, `"max_rel_diff": null`) {
		t.Errorf("--verify=false: exit %d\n%s", code, out)
	}
}

// --fold-bn writes fewer nodes computing the same logits (checked by the
// export's own verification), and an impossible tolerance fails the
// command with the differences.
func TestExportFoldAndTolerance(t *testing.T) {
	needORT(t)
	dir := t.TempDir()
	base := []string{"export", "-g", "GDAS_F1", "-d", "mnist", "--layers", "3", "--channels", "8", "--json"}
	nodes := map[bool]int{}
	for _, fold := range []bool{false, true} {
		path := filepath.Join(dir, "m"+strconv.FormatBool(fold)+".onnx")
		code, out, errOut := runCLI(t, append(base, "-o", path, "--fold-bn="+strconv.FormatBool(fold))...)
		if code != 0 {
			t.Fatalf("fold=%v: exit %d: %s", fold, code, errOut)
		}
		var rep exportReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		if !rep.Verified || !rep.FoldBN == fold {
			t.Errorf("fold=%v: %+v", fold, rep)
		}
		nodes[fold] = rep.Nodes
	}
	if nodes[true] >= nodes[false] {
		t.Errorf("folding left %d nodes of %d", nodes[true], nodes[false])
	}
	code, out, errOut := runCLI(t, append(base, "-o", filepath.Join(dir, "t.onnx"), "--tolerance", "1e-30")...)
	if code != 1 || !strings.Contains(errOut, "above the tolerance 1e-30") || !strings.Contains(out, `"verified": false`) {
		t.Errorf("impossible tolerance: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
}

// Bad command lines are usage errors (exit 2) that say what is wrong;
// unreadable checkpoints are errors naming the file.
func TestExportBadArgs(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.ckpt")
	if err := os.WriteFile(garbage, []byte("not a checkpoint at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "m.onnx")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-g", "DARTS_V2"}, 2, "-o model.onnx is required"},
		{[]string{"-o", out}, 2, "give exactly one of --checkpoint FILE and --genotype G"},
		{[]string{"-o", out, "-g", "DARTS_V2", "-c", garbage}, 2, "give exactly one"},
		{[]string{"-o", out, "-c", garbage, "--layers", "3"}, 2, "--layers does not go with --checkpoint"},
		{[]string{"-o", out, "-g", "DARTS_V2", "--opset", "12"}, 2, "--opset 12: want 13 to 17"},
		{[]string{"-o", out, "-g", "DARTS_V2", "--verify-batch", "0"}, 2, "--verify-batch must be positive"},
		{[]string{"-o", out, "-g", "NO_SUCH_NET"}, 1, "NO_SUCH_NET"},
		{[]string{"-o", out, "-c", garbage}, 1, "garbage.ckpt"},
		{[]string{"-o", out, "-c", filepath.Join(dir, "missing.ckpt")}, 1, "missing.ckpt"},
		{[]string{"-o", filepath.Join(dir, "no", "such", "dir", "m.onnx"), "-g", "DARTS_V2", "-d", "mnist", "--layers", "2", "--channels", "4", "--verify=false"}, 1, "no/such/dir"},
		{[]string{"-o", out, "-g", "DARTS_V2", "extra"}, 2, "unexpected arguments"},
	}
	for _, tc := range tests {
		code, _, errOut := runCLI(t, append([]string{"export"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("export %v: exit %d, stderr %q; want exit %d mentioning %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed export left a file")
	}
}

// livelyModel is net with the engine's initialisation (seed) and batch-norm
// running variances of 0.1 to 0.2, so activations do not fade through the
// cells and the logits depend on the input.
func livelyModel(t *testing.T, net *spec.Net, seed uint64) *model.Model {
	t.Helper()
	m, err := model.New(net, seed)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 8))
	for name, p := range m.Params.All() {
		switch {
		case strings.HasSuffix(name, ".running_var"):
			for i := range p.Data {
				p.Data[i] = float32(0.1 + 0.1*rng.Float64())
			}
		case strings.HasSuffix(name, ".running_mean"):
			for i := range p.Data {
				p.Data[i] = float32(0.05 * rng.NormFloat64())
			}
		}
	}
	return m
}

// writeONNX exports m to path.
func writeONNX(t *testing.T, m *model.Model, path string, opt export.Options) {
	t.Helper()
	pb, err := export.Build(m.Net, stage.Weights(m), opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := export.WriteFile(path, pb); err != nil {
		t.Fatal(err)
	}
}

// gonas predict --model runs an ONNX file in the engine (through
// export.Load): the logits are bit-identical to the engine's on the
// original model, and agree with ONNX Runtime on the same file; a single
// (C, H, W) image works too.
func TestPredictONNX(t *testing.T) {
	dir := t.TempDir()
	zoo, _ := models.LookupZoo("PC_DARTS_cifar")
	set, _ := models.LookupOpSet(zoo.OpSet)
	net, err := derive.Build(zoo.Genotype, set, derive.Config{Dataset: "cifar10", Layers: 4, Channels: 8})
	if err != nil {
		t.Fatal(err)
	}
	m := livelyModel(t, net, 11)
	path := filepath.Join(dir, "m.onnx")
	writeONNX(t, m, path, export.Options{})
	const n = 3
	in := net.Input
	x := randomBatch(in, n, 4)
	xPath, yPath := filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	if err := npy.WriteFile(xPath, &npy.Array{Dtype: npy.Float32, Shape: []int{n, in.C, in.H, in.W}, F32: x}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "predict", "--model", path, "--input", xPath, "--output", yPath, "--batch", "2")
	if code != 0 {
		t.Fatalf("predict: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "logits of shape [3 10]") {
		t.Errorf("predict output: %s", out)
	}
	y, err := npy.ReadFile(yPath)
	if err != nil {
		t.Fatal(err)
	}
	want, err := train.Predict(m, x, n, n, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(y.Shape, []int{n, 10}) || !slices.Equal(y.F32, want) {
		t.Errorf("predict --model gives %v %v, the engine on the original model %v", y.Shape, y.F32, want)
	}
	spread := 0.0
	for j := range 10 {
		spread = math.Max(spread, math.Abs(float64(want[j]-want[10+j])))
	}
	if spread < 0.05 {
		t.Errorf("the logits barely depend on the input (spread %.3g): the comparison proves little", spread)
	}

	// One image, shape (C, H, W).
	one := filepath.Join(dir, "one.npy")
	if err := npy.WriteFile(one, &npy.Array{Dtype: npy.Float32, Shape: []int{in.C, in.H, in.W}, F32: x[:in.Numel()]}); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "predict", "-m", path, "-i", one, "-o", yPath); code != 0 {
		t.Fatalf("predict one image: %s", errOut)
	}
	if y1, err := npy.ReadFile(yPath); err != nil || !slices.Equal(y1.F32, want[:10]) {
		t.Errorf("one image: %v %v, want %v", y1, err, want[:10])
	}

	if _, _, err := export.FindORT(); err != nil {
		t.Logf("ONNX Runtime comparison skipped: %v", err)
		return
	}
	got, _, err := export.RunORT(path, x, []int{n, in.C, in.H, in.W})
	if err != nil {
		t.Fatal(err)
	}
	if d := export.MaxRelDiff(got, y.F32); !(d <= 1e-4) {
		t.Errorf("ONNX Runtime and predict --model differ by %.3g relative", d)
	}
}

// Malformed, truncated, foreign or unsupported files given to predict
// --model are errors naming the file and the problem, never panics.
func TestPredictBadModel(t *testing.T) {
	dir := t.TempDir()
	gf, _ := models.GenotypeFromArg("DARTS_V2")
	set, _ := models.LookupOpSet("darts")
	net, err := derive.Build(&gf.Genotype, set, derive.Config{Dataset: "mnist", Layers: 2, Channels: 4})
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.New(net, 1)
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.onnx")
	writeONNX(t, m, good, export.Options{})
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// edit decodes the good model, changes it and writes it under name.
	edit := func(name string, change func(*onnxpb.ModelProto)) string {
		var pb onnxpb.ModelProto
		if err := proto.Unmarshal(data, &pb); err != nil {
			t.Fatal(err)
		}
		change(&pb)
		b, err := proto.Marshal(&pb)
		if err != nil {
			t.Fatal(err)
		}
		return write(name, b)
	}
	firstOf := func(pb *onnxpb.ModelProto, op string) *onnxpb.NodeProto {
		for _, nd := range pb.Graph.Node {
			if nd.GetOpType() == op {
				return nd
			}
		}
		t.Fatalf("no %s node", op)
		return nil
	}
	var reluName string
	tests := []struct {
		name, path string
		want       []string
	}{
		{"missing", filepath.Join(dir, "missing.onnx"), []string{"missing.onnx", "no such file"}},
		{"empty", write("empty.onnx", nil), []string{"empty.onnx", "not an ONNX model"}},
		{"text", write("text.onnx", []byte("hello, I am not a model\n")), []string{"text.onnx", "not an ONNX model"}},
		{"truncated", write("truncated.onnx", data[:len(data)/2]), []string{"truncated.onnx", "not an ONNX model"}},
		{"checkpoint-like", write("ckpt.onnx", append([]byte("GONASCKP"), data[:100]...)), []string{"ckpt.onnx"}},
		{"unsupported op", edit("sigmoid.onnx", func(pb *onnxpb.ModelProto) {
			nd := firstOf(pb, "Relu")
			nd.OpType = proto.String("Sigmoid")
			reluName = nd.GetName()
		}), []string{"sigmoid.onnx", "unsupported operator Sigmoid", "cells.0"}},
		{"foreign domain", edit("domain.onnx", func(pb *onnxpb.ModelProto) {
			firstOf(pb, "Relu").Domain = proto.String("com.microsoft")
		}), []string{"domain.onnx", `domain "com.microsoft"`}},
		{"dangling input", edit("dangling.onnx", func(pb *onnxpb.ModelProto) {
			firstOf(pb, "Conv").Input[0] = "nowhere"
		}), []string{"dangling.onnx", "nowhere"}},
		{"old opset", edit("opset.onnx", func(pb *onnxpb.ModelProto) {
			pb.OpsetImport[0].Version = proto.Int64(3)
		}), []string{"opset.onnx", "opset 3"}},
		{"bad initializer", edit("init.onnx", func(pb *onnxpb.ModelProto) {
			pb.Graph.Initializer[0].Dims = append(pb.Graph.Initializer[0].Dims, 7)
		}), []string{"init.onnx", pbInitName(data)}},
	}
	x := filepath.Join(dir, "x.npy")
	if err := npy.WriteFile(x, &npy.Array{Dtype: npy.Float32, Shape: []int{1, 1, 28, 28}, F32: randomBatch(net.Input, 1, 1)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		code, _, errOut := runCLI(t, "predict", "--model", tc.path, "--input", x, "--output", filepath.Join(dir, "y.npy"))
		if code != 1 {
			t.Errorf("%s: exit %d, stderr %q", tc.name, code, errOut)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s: error %q does not mention %q", tc.name, strings.TrimSpace(errOut), w)
			}
		}
		t.Logf("%s: %s", tc.name, strings.TrimSpace(errOut))
	}
	if reluName == "" {
		t.Error("the unsupported-op case edited no node")
	}
	if _, err := os.Stat(filepath.Join(dir, "y.npy")); err == nil {
		t.Error("a failed predict wrote its output")
	}
}

// pbInitName is the name of the first initializer of an ONNX model.
func pbInitName(data []byte) string {
	var pb onnxpb.ModelProto
	if err := proto.Unmarshal(data, &pb); err != nil || len(pb.Graph.GetInitializer()) == 0 {
		return "?"
	}
	return pb.Graph.Initializer[0].GetName()
}
