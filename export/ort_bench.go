package export

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"gonas/internal/npy"
)

// ORTBench is ONNX Runtime's timing of one model: the session's load and
// each timed run, in milliseconds.
type ORTBench struct {
	LoadMS float64   `json:"load_ms"`
	RunMS  []float64 `json:"run_ms"`
}

// BenchORT runs the model at modelPath reps times in one ONNX Runtime
// session with the given intra-op thread count (after two warm-up runs),
// on input x of the given shape.
func BenchORT(ctx context.Context, modelPath string, x []float32, shape []int, reps, threads int) (*ORTBench, error) {
	node, script, err := FindORT()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "gonas-ort-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "x.npy")
	if err := npy.WriteFile(in, &npy.Array{Dtype: npy.Float32, Shape: shape, F32: x}); err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, node, script, "--bench", modelPath, in, fmt.Sprint(reps), fmt.Sprint(threads))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("onnx runtime bench: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	var b ORTBench
	if err := json.Unmarshal(stdout.Bytes(), &b); err != nil || len(b.RunMS) != reps {
		return nil, fmt.Errorf("onnx runtime bench: unexpected report %q (%v)", stdout.String(), err)
	}
	return &b, nil
}
