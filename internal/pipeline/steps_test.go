package pipeline

import (
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"gonas/train"
)

// feed runs a recorder over two epochs of 40 batches whose batch b of
// epoch e has loss lossOf(e, b) and accuracy accOf(e, b), handing it the
// running means the trainer reports, from step `from` on.
func feed(r *stepRecorder, from int64) {
	const batches = 40
	for e := 1; e <= 2; e++ {
		var sumL, sumA float64
		for b := 1; b <= batches; b++ {
			sumL += lossOf(e, b)
			sumA += accOf(e, b)
			step := int64((e-1)*batches + b)
			if step <= from {
				continue
			}
			r.Step(train.StepInfo{Epoch: e, Epochs: 2, Batch: b, Batches: batches, Step: step, Loss: sumL / float64(b), Acc: sumA / float64(b)})
		}
	}
}

func lossOf(e, b int) float64 { return 2/float64(e) + math.Sin(float64(b)) }
func accOf(e, b int) float64  { return 50 + 10*float64(e) + float64(b%7) }

// The points are the means of the batches since the previous point of the
// same epoch, computed here from the batches themselves; a recorder that
// resumes from a step keeps the points up to it and ends with the same
// points as one that ran through.
func TestStepRecorder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, StepsFile)
	quiet := train.NewProgress(io.Discard, false, 1000)
	r, err := newStepRecorder(quiet, path, 0)
	if err != nil {
		t.Fatal(err)
	}
	feed(r, 0)
	if r.err != nil {
		t.Fatal(r.err)
	}
	// 40 batches: a point every 2 steps, 20 per epoch.
	if len(r.pts) != 40 {
		t.Fatalf("%d points, want 40", len(r.pts))
	}
	prev := map[int]int{} // epoch -> batch of the previous point
	for _, p := range r.pts {
		var l, a float64
		for b := prev[p.Epoch] + 1; b <= p.Batch; b++ {
			l += lossOf(p.Epoch, b)
			a += accOf(p.Epoch, b)
		}
		n := float64(p.Batch - prev[p.Epoch])
		if math.Abs(p.Loss-l/n) > 1e-9 || math.Abs(p.Acc-a/n) > 1e-9 {
			t.Errorf("point at step %d: loss %v acc %v, want %v %v", p.Step, p.Loss, p.Acc, l/n, a/n)
		}
		if want := float64(p.Epoch-1) + float64(p.Batch)/40; p.X != want {
			t.Errorf("point at step %d: x %v, want %v", p.Step, p.X, want)
		}
		prev[p.Epoch] = p.Batch
	}
	onDisk, err := ReadSteps(path)
	if err != nil || !reflect.DeepEqual(onDisk, r.pts) {
		t.Fatalf("file: %v", err)
	}

	// A run killed after step 53 resumes from its checkpoint at step 46:
	// the file holds points past the checkpoint, which are dropped.
	cut := filepath.Join(dir, "cut.jsonl")
	var upTo53 []StepPoint
	for _, p := range r.pts {
		if p.Step <= 53 {
			upTo53 = append(upTo53, p)
		}
	}
	if err := writeSteps(cut, upTo53); err != nil {
		t.Fatal(err)
	}
	r2, err := newStepRecorder(quiet, cut, 46)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(r2.pts); n == 0 || r2.pts[n-1].Step != 46 {
		t.Fatalf("resumed recorder keeps %d points, the last at step %d; want up to step 46", n, r2.pts[n-1].Step)
	}
	feed(r2, 46)
	if !reflect.DeepEqual(r2.pts, r.pts) {
		t.Errorf("resumed points differ from the uninterrupted ones")
	}

	png1 := filepath.Join(dir, StepsPNG)
	hist := []train.EpochMetrics{{Epoch: 1, TestLoss: 0.5, TestAcc: 90}, {Epoch: 2, TestLoss: 0.3, TestAcc: 95}}
	if err := WriteStepCurves(png1, r.pts, hist); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(png1)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if cfg, err := png.DecodeConfig(f); err != nil || cfg.Width < 500 {
		t.Errorf("steps.png: %v %+v", err, cfg)
	}
}
