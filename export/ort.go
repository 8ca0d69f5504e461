package export

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"

	"gonas/internal/npy"
)

// ErrNoRuntime is returned (wrapped) by RunORT when ONNX Runtime cannot be
// run here: Node.js, tools/ort/run.js or the onnxruntime-node package is
// missing. The message says what to install.
var ErrNoRuntime = errors.New("ONNX Runtime not available")

// ScriptEnv names an environment variable that may point at tools/ort/run.js
// when gonas runs outside its source tree.
const ScriptEnv = "GONAS_ORT_SCRIPT"

// ORTJob is one model run: the model file and an input tensor (float32, C
// order, shape NCHW).
type ORTJob struct {
	Model string
	X     []float32
	Shape []int
}

// ORTResult is the first output of a run and how long ONNX Runtime took to
// load the model and run it.
type ORTResult struct {
	Y      []float32
	Shape  []int
	LoadMS float64
	RunMS  float64
}

// RunORT runs the model at modelPath in ONNX Runtime (CPU) on x of the given
// shape and returns its first output and that output's shape.
func RunORT(modelPath string, x []float32, shape []int) ([]float32, []int, error) {
	res, err := RunORTBatch(context.Background(), []ORTJob{{Model: modelPath, X: x, Shape: shape}})
	if err != nil {
		return nil, nil, err
	}
	return res[0].Y, res[0].Shape, nil
}

// RunORTBatch runs several models in one Node process, so ONNX Runtime loads
// once; results come in job order.
func RunORTBatch(ctx context.Context, jobs []ORTJob) ([]ORTResult, error) {
	node, script, err := FindORT()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "gonas-ort-")
	if err != nil {
		return nil, fmt.Errorf("onnx runtime: %w", err)
	}
	defer os.RemoveAll(dir)
	type jobFile struct {
		Model  string `json:"model"`
		Input  string `json:"input"`
		Output string `json:"output"`
	}
	files := make([]jobFile, len(jobs))
	for i, j := range jobs {
		model, err := filepath.Abs(j.Model)
		if err != nil {
			return nil, fmt.Errorf("onnx runtime: %w", err)
		}
		files[i] = jobFile{model, filepath.Join(dir, "in"+strconv.Itoa(i)+".npy"), filepath.Join(dir, "out"+strconv.Itoa(i)+".npy")}
		if err := npy.WriteFile(files[i].Input, &npy.Array{Dtype: npy.Float32, Shape: j.Shape, F32: j.X}); err != nil {
			return nil, fmt.Errorf("onnx runtime: input of %s: %w", j.Model, err)
		}
	}
	spec, err := json.Marshal(files)
	if err != nil {
		return nil, fmt.Errorf("onnx runtime: %w", err)
	}
	jobsPath := filepath.Join(dir, "jobs.json")
	if err := os.WriteFile(jobsPath, spec, 0o644); err != nil {
		return nil, fmt.Errorf("onnx runtime: %w", err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, node, script, "--batch", jobsPath)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("onnx runtime: %s: %w: %s", script, err, bytes.TrimSpace(stderr.Bytes()))
	}
	var reports []struct {
		OutputShape []int   `json:"output_shape"`
		LoadMS      float64 `json:"load_ms"`
		RunMS       float64 `json:"run_ms"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &reports); err != nil || len(reports) != len(jobs) {
		return nil, fmt.Errorf("onnx runtime: unexpected report from %s: %q (%v)", script, stdout.String(), err)
	}
	out := make([]ORTResult, len(jobs))
	for i := range jobs {
		a, err := npy.ReadFile(files[i].Output)
		if err != nil {
			return nil, fmt.Errorf("onnx runtime: output of %s: %w", jobs[i].Model, err)
		}
		if a.Dtype != npy.Float32 {
			return nil, fmt.Errorf("onnx runtime: output of %s is %s, want float32", jobs[i].Model, a.Dtype)
		}
		out[i] = ORTResult{Y: a.F32, Shape: a.Shape, LoadMS: reports[i].LoadMS, RunMS: reports[i].RunMS}
	}
	return out, nil
}

// FindORT locates the node binary and tools/ort/run.js, and checks that the
// onnxruntime-node package is installed where the script resolves it. The
// script is $GONAS_ORT_SCRIPT, else tools/ort/run.js of the source tree this
// package was built from, else of the working directory or one above it.
func FindORT() (node, script string, err error) {
	node, err = exec.LookPath("node")
	if err != nil {
		return "", "", fmt.Errorf("%w: no node binary on PATH (install Node.js)", ErrNoRuntime)
	}
	script, err = findScript()
	if err != nil {
		return "", "", err
	}
	for dir := filepath.Dir(script); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "onnxruntime-node", "package.json")); err == nil {
			return node, script, nil
		}
		if parent := filepath.Dir(dir); parent == dir {
			break
		}
	}
	return "", "", fmt.Errorf("%w: package onnxruntime-node not installed for %s (run `ONNXRUNTIME_NODE_INSTALL=skip npm ci` in tools/ort)", ErrNoRuntime, script)
}

func findScript() (string, error) {
	if s := os.Getenv(ScriptEnv); s != "" {
		if _, err := os.Stat(s); err != nil {
			return "", fmt.Errorf("%w: $%s: %v", ErrNoRuntime, ScriptEnv, err)
		}
		return filepath.Abs(s)
	}
	var roots []string
	if _, file, _, ok := runtime.Caller(0); ok {
		roots = append(roots, filepath.Dir(filepath.Dir(file)))
	}
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			roots = append(roots, dir)
			if parent := filepath.Dir(dir); parent == dir {
				break
			}
		}
	}
	for _, r := range roots {
		s := filepath.Join(r, "tools", "ort", "run.js")
		if _, err := os.Stat(s); err == nil {
			return s, nil
		}
	}
	return "", fmt.Errorf("%w: tools/ort/run.js not found (set $%s)", ErrNoRuntime, ScriptEnv)
}
