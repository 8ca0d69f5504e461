package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"gonas/export"
	"gonas/internal/stage"
	"gonas/internal/units"
	"gonas/train"
)

// runVerify classifies the test split with the exported model in ONNX
// Runtime and with the Go engine on the final checkpoint, on the same
// normalised inputs, and compares them image by image. Without Node.js
// or onnxruntime-node it measures the engine alone and says why.
func (r *Runner) runVerify(ctx context.Context, s *Stage) error {
	if r.st.Train == nil || r.st.Export == nil {
		return fmt.Errorf("no retrained checkpoint or export recorded in %s", StateFile)
	}
	c, m, err := stage.LoadCheckpoint(r.path(r.st.Train.Checkpoint))
	if err != nil {
		return err
	}
	cfg := c.Header.Config
	test, err := train.LoadSplit(&cfg, "test", m.Net.Input, m.Net.Classes)
	if err != nil {
		return err
	}
	x := stage.Normalise(test)
	n, k := test.Len(), m.Net.Classes
	batch := r.st.Config.Plan.Export.Batch
	v := &VerifyResult{Images: n}

	r.logf("the Go engine on %d test images ...", n)
	t0 := time.Now()
	goLogits, err := train.Predict(m, x, n, min(batch, 256), r.threads)
	if err != nil {
		return err
	}
	v.GoSeconds = time.Since(t0).Seconds()
	v.GoCorrect = train.CountCorrect(goLogits, test.Labels)
	v.GoAcc = 100 * float64(v.GoCorrect) / float64(n)
	r.logf("Go engine: %.2f%% (%d/%d) in %s", v.GoAcc, v.GoCorrect, n, units.Seconds(v.GoSeconds))
	if err := ctx.Err(); err != nil {
		return ErrInterrupted
	}

	r.logf("ONNX Runtime on %d test images ...", n)
	t0 = time.Now()
	size := test.ImageSize()
	var jobs []export.ORTJob
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		jobs = append(jobs, export.ORTJob{Model: r.path(ONNXFile), X: x[lo*size : hi*size], Shape: []int{hi - lo, test.C, test.H, test.W}})
	}
	res, err := export.RunORTBatch(ctx, jobs)
	switch {
	case errors.Is(err, export.ErrNoRuntime):
		v.ORTSkipped = err.Error()
		r.st.Verify = v
		r.logf("ONNX Runtime accuracy SKIPPED: %v", err)
		s.Summary = fmt.Sprintf("Go engine %.2f%% on %d test images; ONNX Runtime skipped (not installed)", v.GoAcc, n)
		return nil
	case err != nil && ctx.Err() != nil:
		return ErrInterrupted
	case err != nil:
		return err
	}
	var ortLogits []float32
	for _, j := range res {
		ortLogits = append(ortLogits, j.Y...)
	}
	if len(ortLogits) != n*k {
		return fmt.Errorf("ONNX Runtime gave %d logits for %d images of %d classes", len(ortLogits), n, k)
	}
	v.ORTSeconds = time.Since(t0).Seconds()
	v.ORTCorrect = train.CountCorrect(ortLogits, test.Labels)
	v.ORTAcc = 100 * float64(v.ORTCorrect) / float64(n)
	v.Agree = stage.Agreement(ortLogits, goLogits, k)
	for i := range goLogits {
		v.MaxAbsDiff = math.Max(v.MaxAbsDiff, math.Abs(float64(ortLogits[i])-float64(goLogits[i])))
	}
	r.st.Verify = v
	r.logf("ONNX Runtime: %.2f%% (%d/%d) in %s; the same class as the engine on %d images, logits within %.3g",
		v.ORTAcc, v.ORTCorrect, n, units.Seconds(v.ORTSeconds), v.Agree, v.MaxAbsDiff)
	s.Summary = fmt.Sprintf("ONNX Runtime %.2f%%, Go engine %.2f%% on %d test images; same class on %d, logits within %.2g",
		v.ORTAcc, v.GoAcc, n, v.Agree, v.MaxAbsDiff)
	return nil
}
