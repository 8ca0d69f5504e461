package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"gonas/engine/model"
	"gonas/export"
	"gonas/train"
)

// verifyMode says whether export runs the exported file in ONNX Runtime.
type verifyMode int

const (
	verifyAuto     verifyMode = iota // when ONNX Runtime is installed; skipped with a note otherwise
	verifyRequired                   // --verify: a missing runtime is an error
	verifyOff                        // --verify=false
)

// verifySeed seeds the random verification inputs, so that a verification
// can be repeated.
const verifySeed = 20240601

// exportReport is what export prints: with --json as one object.
type exportReport struct {
	Path         string   `json:"path"`
	Opset        int      `json:"opset"`
	FoldBN       bool     `json:"fold_bn"`
	Nodes        int      `json:"nodes"`
	Initializers int      `json:"initializers"`
	Bytes        int64    `json:"bytes"`
	InputMean    string   `json:"input_mean,omitempty"` // the normalisation recorded in the metadata
	InputStd     string   `json:"input_std,omitempty"`
	MaxAbsDiff   *float64 `json:"max_abs_diff"` // null when not verified
	MaxRelDiff   *float64 `json:"max_rel_diff"`
	Verified     bool     `json:"verified"`
	Skipped      string   `json:"verify_skipped,omitempty"` // why the verification did not run
}

// verify runs the file at path in ONNX Runtime on batch random N(0,1)
// inputs and compares its logits with the engine's (evaluation mode),
// recording the differences. The error is a failed comparison, a runtime
// failure, or a missing runtime when the check is required.
func (r *exportReport) verify(mode verifyMode, path string, m *model.Model, batch int, tol float64, threads int) error {
	if mode == verifyOff {
		r.Skipped = "turned off with --verify=false"
		return nil
	}
	in := m.Net.Input
	rng := rand.New(rand.NewPCG(verifySeed, uint64(batch)))
	x := make([]float32, int64(batch)*in.Numel())
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	got, shape, err := export.RunORT(path, x, []int{batch, in.C, in.H, in.W})
	if err != nil {
		if errors.Is(err, export.ErrNoRuntime) && mode == verifyAuto {
			r.Skipped = err.Error()
			return nil
		}
		return fmt.Errorf("verification failed: %w", err)
	}
	want, err := train.Predict(m, x, batch, batch, threads)
	if err != nil {
		return fmt.Errorf("verification failed: engine: %w", err)
	}
	if len(shape) != 2 || shape[0] != batch || shape[0]*shape[1] != len(want) {
		return fmt.Errorf("verification failed: ONNX Runtime gives logits of shape %v, the engine [%d %d]", shape, batch, m.Net.Classes)
	}
	abs := 0.0
	for i := range want {
		abs = math.Max(abs, math.Abs(float64(got[i])-float64(want[i])))
	}
	rel := export.MaxRelDiff(got, want)
	r.MaxAbsDiff, r.MaxRelDiff = &abs, &rel
	if !(rel <= tol) {
		return fmt.Errorf("ONNX Runtime and the engine differ by %.3g relative (%.3g absolute), above the tolerance %.3g", rel, abs, tol)
	}
	r.Verified = true
	return nil
}

// line is the report's verification line.
func (r *exportReport) line(batch int, tol float64) string {
	switch {
	case r.Skipped != "":
		return "verification in ONNX Runtime skipped: " + r.Skipped
	case r.MaxRelDiff == nil:
		return "verification in ONNX Runtime failed"
	}
	verdict := "verified in"
	if !r.Verified {
		verdict = "MISMATCH with"
	}
	return fmt.Sprintf("%s ONNX Runtime on %d random N(0,1) inputs against the engine: max abs diff %.3g, max rel diff %.3g (tolerance %.3g)",
		verdict, batch, *r.MaxAbsDiff, *r.MaxRelDiff, tol)
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}
