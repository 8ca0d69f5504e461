package train

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var sampleHist = []EpochMetrics{
	{Epoch: 1, Step: 10, LR: 0.05, TrainLoss: 1.2, TrainAcc: 60, TestLoss: 0.9, TestAcc: 70, Seconds: 3, ImagesPerSec: 100},
	{Epoch: 2, Step: 20, LR: 0.02, TrainLoss: 0.5, TrainAcc: 85, TestLoss: 0.4, TestAcc: 88, Seconds: 3, ImagesPerSec: 100},
	{Epoch: 3, Step: 30, LR: 0.01, TrainLoss: 0.3, TrainAcc: 91, TestLoss: 0.35, TestAcc: 90, Seconds: 3, ImagesPerSec: 100},
}

// TestWriteCurves: both plots are written and decode (PNG) or parse as SVG.
func TestWriteCurves(t *testing.T) {
	dir := t.TempDir()
	if err := WriteCurves(dir, sampleHist); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, CurvesPNG))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r := img.Bounds(); r.Dx() < 400 || r.Dy() < 150 {
		t.Fatalf("PNG is %v", r)
	}
	svg, err := os.ReadFile(filepath.Join(dir, CurvesSVG))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "epoch", "accuracy", "loss", "train", "test"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

// TestMetricsFileRoundTrip: one JSON object per line with the documented
// keys, read back unchanged.
func TestMetricsFileRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), MetricsFile)
	if err := writeMetrics(p, sampleHist); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, key := range []string{`"epoch":1`, `"lr":0.05`, `"train_loss":1.2`, `"train_acc":60`, `"test_loss":0.9`, `"test_acc":70`, `"seconds":3`, `"images_per_sec":100`} {
		if !strings.Contains(lines[0], key) {
			t.Errorf("line %q lacks %s", lines[0], key)
		}
	}
	got, err := ReadMetrics(p)
	if err != nil {
		t.Fatal(err)
	}
	sameHistory(t, got, sampleHist)
}

// TestLineProgress: a line every N steps and at each epoch's last step, an
// epoch summary, and how the run ended.
func TestLineProgress(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, false, 2)
	p.Begin(RunInfo{Epochs: 1, StepsPerEpoch: 3, TrainImages: 30, TestImages: 10, Params: 1234, Threads: 2})
	for i := 1; i <= 3; i++ {
		p.Step(StepInfo{Epoch: 1, Epochs: 1, Batch: i, Batches: 3, Step: int64(i), LR: 0.1, Loss: 1, Acc: 50, ImagesPerSec: 10, ETA: time.Second})
	}
	p.Epoch(sampleHist[0], true)
	p.End(Result{Stop: StopCompleted, State: State{History: sampleHist[:1], Best: 70, BestEpoch: 1}})
	out := b.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	for i, want := range []string{"starting 1 epochs of 3 steps", "epoch 1/1 step 2/3 (2): loss 1.0000 acc 50.00% lr 0.1 10.0 img/s eta 1s",
		"epoch 1/1 step 3/3 (3)", "epoch 1: lr 0.05 train loss 1.2000 acc 60.00% | test loss 0.9000 acc 70.00% (best)",
		"done: 1 epochs, best test accuracy 70.00% at epoch 1"} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d %q lacks %q", i, lines[i], want)
		}
	}
}

// TestBarProgress: the terminal reporter draws loss, accuracy, images/s and
// the ETA.
func TestBarProgress(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, true, 1)
	p.Begin(RunInfo{Epochs: 2, StepsPerEpoch: 2})
	p.Step(StepInfo{Epoch: 1, Epochs: 2, Batch: 1, Batches: 2, Step: 1, Loss: 0.5, Acc: 75, ImagesPerSec: 42, ETA: 90 * time.Second})
	time.Sleep(250 * time.Millisecond) // the bar throttles redraws
	p.Step(StepInfo{Epoch: 1, Epochs: 2, Batch: 2, Batches: 2, Step: 2, Loss: 0.25, Acc: 80, ImagesPerSec: 42, ETA: 60 * time.Second})
	p.Epoch(sampleHist[0], false)
	p.Note("hello")
	p.End(Result{Stop: StopInterrupted, State: State{Step: 2}, Checkpoint: "x.ckpt"})
	out := b.String()
	for _, want := range []string{"epoch 1/2 loss 0.2500 acc 80.00% 42 img/s eta 1m0s", "2/2", "epoch 1: lr 0.05", "hello", "stopped (interrupted)", "x.ckpt"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%q", want, out)
		}
	}
}
