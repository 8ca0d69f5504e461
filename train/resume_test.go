package train

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"gonas/engine/ckpt"
)

// fileHash is the fingerprint of every tensor of a checkpoint file.
func fileHash(t *testing.T, path string) string {
	t.Helper()
	f, err := ckpt.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return ckpt.WeightsSHA256(f.Tensors)
}

// cancelAt cancels a context once a given step is reported.
type cancelAt struct {
	nop
	step   int64
	cancel context.CancelFunc
}

func (c *cancelAt) Step(s StepInfo) {
	if s.Step == c.step {
		c.cancel()
	}
}

// nop is a Progress that ignores everything.
type nop struct{}

func (nop) Begin(RunInfo)            {}
func (nop) Step(StepInfo)            {}
func (nop) Epoch(EpochMetrics, bool) {}
func (nop) Note(string)              {}
func (nop) End(Result)               {}

// sameHistory compares two metric histories field by field, except the
// timings.
func sameHistory(t *testing.T, a, b []EpochMetrics) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%d epochs of metrics vs %d", len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		x.Seconds, y.Seconds, x.ImagesPerSec, y.ImagesPerSec = 0, 0, 0, 0
		if x != y {
			t.Fatalf("epoch %d metrics differ:\n%+v\n%+v", i+1, x, y)
		}
	}
}

// TestResumeBitIdentical stops a run three times (a step limit mid-epoch
// 1, a cancellation mid-epoch 2 as SIGINT would, a step limit exactly at the
// end of epoch 1's batches before its evaluation) and resumes it each time;
// the final checkpoint must equal an uninterrupted run's bit for bit,
// optimizer buffers included, and so must the metrics. It runs with the
// per-epoch and the per-step learning rate, and with AutoAugment, where a
// second uninterrupted run must also be identical and differ from the run
// without it.
func TestResumeBitIdentical(t *testing.T) {
	for _, tc := range []struct{ perStep, autoAugment bool }{{false, false}, {true, false}, {false, true}} {
		t.Run(fmt.Sprintf("lr-per-step=%v,autoaugment=%v", tc.perStep, tc.autoAugment), func(t *testing.T) {
			testResumeBitIdentical(t, tc.perStep, tc.autoAugment)
		})
	}
}

// runHash runs cfg uninterrupted and hashes its final checkpoint.
func runHash(t *testing.T, s tinySetup, cfg Config) string {
	t.Helper()
	dir := t.TempDir()
	tr, err := New(s.net, cfg, s.options(dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return fileHash(t, filepath.Join(dir, CheckpointFile))
}

func testResumeBitIdentical(t *testing.T, perStep, autoAugment bool) {
	s := newTiny(t)
	cfg := tinyConfig()
	cfg.PerStep = perStep
	cfg.AutoAugment = autoAugment

	ref := t.TempDir()
	tr, err := New(s.net, cfg, s.options(ref))
	if err != nil {
		t.Fatal(err)
	}
	r, err := tr.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r.Stop != StopCompleted || len(r.State.History) != 2 || r.State.Step != 12 {
		t.Fatalf("reference run: stop %s, %d epochs, %d steps", r.Stop, len(r.State.History), r.State.Step)
	}
	want := fileHash(t, filepath.Join(ref, CheckpointFile))
	if autoAugment {
		if again := runHash(t, s, cfg); again != want {
			t.Fatalf("two runs with AutoAugment end with tensors %s and %s", want, again)
		}
		plain := cfg
		plain.AutoAugment = false
		if runHash(t, s, plain) == want {
			t.Fatal("AutoAugment changed nothing")
		}
	}

	out := t.TempDir()
	opt := s.options(out)
	opt.MaxSteps = 4 // mid-epoch 1
	tr, err = New(s.net, cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	if r, err = tr.Run(context.Background()); err != nil || r.Stop != StopMaxSteps {
		t.Fatalf("first leg: %v, %v", r, err)
	}
	if r.State.Pos.Epoch != 0 || r.State.Pos.Batch != 4 {
		t.Fatalf("first leg stopped at %v, want epoch 0 batch 4", r.State.Pos)
	}

	path := filepath.Join(out, CheckpointFile)
	opt.MaxSteps = 6 // all batches of epoch 1, evaluation pending
	if tr, err = Resume(path, opt); err != nil {
		t.Fatal(err)
	}
	if r, err = tr.Run(context.Background()); err != nil || r.Stop != StopMaxSteps || r.State.Pos.Batch != 6 || len(r.State.History) != 0 {
		t.Fatalf("second leg: %+v, %v", r, err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt.MaxSteps = 0
	opt.Progress = &cancelAt{step: 9, cancel: cancel} // mid-epoch 2
	if tr, err = Resume(path, opt); err != nil {
		t.Fatal(err)
	}
	if r, err = tr.Run(ctx); err != nil || r.Stop != StopInterrupted {
		t.Fatalf("third leg: %+v, %v", r, err)
	}
	if r.State.Pos.Epoch != 1 || r.State.Pos.Batch != 3 || len(r.State.History) != 1 {
		t.Fatalf("third leg stopped at %v with %d epochs done", r.State.Pos, len(r.State.History))
	}

	opt.Progress = nil
	if tr, err = Resume(path, opt); err != nil {
		t.Fatal(err)
	}
	if r, err = tr.Run(context.Background()); err != nil || r.Stop != StopCompleted {
		t.Fatalf("last leg: %+v, %v", r, err)
	}
	if got := fileHash(t, path); got != want {
		t.Fatalf("resumed run ends with tensors %s, uninterrupted %s", got, want)
	}
	a, err := ReadMetrics(filepath.Join(ref, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadMetrics(filepath.Join(out, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	sameHistory(t, a, b)

	// A finished run resumes to nothing.
	if tr, err = Resume(path, opt); err != nil {
		t.Fatal(err)
	}
	if r, err = tr.Run(context.Background()); err != nil || r.Stop != StopCompleted || r.State.Step != 12 {
		t.Fatalf("resuming a finished run: %+v, %v", r, err)
	}
}
