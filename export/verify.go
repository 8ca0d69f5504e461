package export

import (
	"fmt"
	"math"
)

// DefaultTolerance is the largest relative difference Verify accepts by
// default between ONNX Runtime and the Go engine.
const DefaultTolerance = 1e-4

// MaxRelDiff is the largest |got-want| / max(1, |want|) over the elements
// (+Inf if the lengths differ, NaN if either holds a NaN).
func MaxRelDiff(got, want []float32) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	worst := 0.0
	for i := range want {
		w := float64(want[i])
		d := math.Abs(float64(got[i])-w) / math.Max(1, math.Abs(w))
		if math.IsNaN(d) {
			return math.NaN()
		}
		worst = math.Max(worst, d)
	}
	return worst
}

// Verify runs the model at modelPath in ONNX Runtime on x (shape NCHW) and
// compares its logits with want, the Go engine's logits for the same input.
// It returns the largest relative difference, and an error when that
// exceeds tol (DefaultTolerance if tol <= 0), when the output shape is not
// [batch, len(want)/batch], or when the runtime fails (ErrNoRuntime if it
// is not installed).
func Verify(modelPath string, x []float32, shape []int, want []float32, tol float64) (float64, error) {
	if tol <= 0 {
		tol = DefaultTolerance
	}
	got, gotShape, err := RunORT(modelPath, x, shape)
	if err != nil {
		return 0, err
	}
	if len(shape) == 0 || len(gotShape) != 2 || gotShape[0] != shape[0] || gotShape[0]*gotShape[1] != len(want) {
		return 0, fmt.Errorf("verify %s: ONNX Runtime gives logits of shape %v, the engine %d values for batch %v", modelPath, gotShape, len(want), shape[:min(1, len(shape))])
	}
	d := MaxRelDiff(got, want)
	if !(d <= tol) {
		return d, fmt.Errorf("verify %s: ONNX Runtime and the engine differ by %.3g relative (tolerance %.3g)", modelPath, d, tol)
	}
	return d, nil
}
