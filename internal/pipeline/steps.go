package pipeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"gonas/internal/atomicfile"
	"gonas/train"
)

// StepsFile holds the retraining's curve within epochs (the trainer keeps
// one record per epoch; a run of two epochs needs more to show a curve).
const StepsFile = "steps.jsonl"

// StepPoint is the training loss and accuracy of the steps since the
// previous point.
type StepPoint struct {
	Step int64   `json:"step"`
	X    float64 `json:"x"` // epochs done when the point was taken (fractional)
	Loss float64 `json:"loss"`
	Acc  float64 `json:"acc"`
	// Where in which epoch, and the epoch's running means, from which the
	// next point's interval means are computed (also after a resume).
	Epoch     int     `json:"epoch"` // 1-based
	Batch     int     `json:"batch"`
	EpochLoss float64 `json:"epoch_loss"`
	EpochAcc  float64 `json:"epoch_acc"`
}

// stepRecorder passes a run's progress on and records about 20 points per
// epoch into a file, rewritten atomically at each point. The points are a
// function of the (deterministic) training, so a resumed run that keeps
// the points up to its checkpoint records what an uninterrupted one does.
type stepRecorder struct {
	train.Progress
	path  string
	pts   []StepPoint
	err   error
	every int64
}

// newStepRecorder continues the points in path up to step (0: afresh).
func newStepRecorder(next train.Progress, path string, step int64) (*stepRecorder, error) {
	r := &stepRecorder{Progress: next, path: path}
	if step == 0 {
		return r, nil
	}
	pts, err := ReadSteps(path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	} else if err != nil {
		return nil, err
	}
	for _, p := range pts {
		if p.Step <= step {
			r.pts = append(r.pts, p)
		}
	}
	return r, nil
}

// Step implements train.Progress.
func (r *stepRecorder) Step(s train.StepInfo) {
	r.Progress.Step(s)
	if r.every == 0 {
		r.every = int64(max(1, s.Batches/20))
	}
	if s.Step%r.every != 0 && s.Batch != s.Batches {
		return
	}
	p := StepPoint{Step: s.Step, X: float64(s.Epoch-1) + float64(s.Batch)/float64(max(s.Batches, 1)),
		Epoch: s.Epoch, Batch: s.Batch, EpochLoss: s.Loss, EpochAcc: s.Acc, Loss: s.Loss, Acc: s.Acc}
	if n := len(r.pts); n > 0 {
		if last := r.pts[n-1]; last.Epoch == s.Epoch && last.Batch < s.Batch {
			// Batches weigh the same (the epoch's last may be smaller).
			k := float64(s.Batch - last.Batch)
			p.Loss = (s.Loss*float64(s.Batch) - last.EpochLoss*float64(last.Batch)) / k
			p.Acc = (s.Acc*float64(s.Batch) - last.EpochAcc*float64(last.Batch)) / k
		}
	}
	r.pts = append(r.pts, p)
	if err := writeSteps(r.path, r.pts); err != nil && r.err == nil {
		r.err = err
	}
}

// writeSteps writes the points, one JSON object per line.
func writeSteps(path string, pts []StepPoint) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, p := range pts {
		if err := enc.Encode(p); err != nil {
			return err
		}
	}
	return atomicfile.Write(path, buf.Bytes())
}

// ReadSteps reads a steps.jsonl file.
func ReadSteps(path string) ([]StepPoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []StepPoint
	dec := json.NewDecoder(bytes.NewReader(b))
	for dec.More() {
		var p StepPoint
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("read %s: record %d: %w", path, len(out)+1, err)
		}
		out = append(out, p)
	}
	return out, nil
}
