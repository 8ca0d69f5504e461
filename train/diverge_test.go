package train

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDivergedKeepsLastCheckpoint trains one good epoch, then multiplies the
// learning rate by 1e6 (a step schedule): the second epoch's loss blows up,
// the run stops with a message naming the epoch and step, and the epoch-1
// checkpoint stays as it was and still loads.
func TestDivergedKeepsLastCheckpoint(t *testing.T) {
	s := newTiny(t)
	cfg := tinyConfig()
	cfg.Schedule, cfg.LR, cfg.Gamma, cfg.StepEvery = SchedStep, 0.05, 1e6, 1
	cfg.GradClip = 0 // let the huge rate through
	out := t.TempDir()
	tr, err := New(s.net, cfg, s.options(out))
	if err != nil {
		t.Fatal(err)
	}
	_, err = tr.Run(context.Background())
	var de *DivergedError
	if !errors.As(err, &de) {
		t.Fatalf("want a DivergedError, got %v", err)
	}
	nb := tr.BatchesPerEpoch()
	if de.Epoch != 2 || de.Step <= int64(nb) || de.Step > int64(2*nb) || de.Batch != int(de.Step)-nb-1 {
		t.Fatalf("diverged at epoch %d step %d batch %d; want epoch 2, a step in (%d, %d]", de.Epoch, de.Step, de.Batch, nb, 2*nb)
	}
	path := filepath.Join(out, CheckpointFile)
	msg := err.Error()
	for _, want := range []string{"epoch 2", "step ", path, "end of epoch 1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %q", msg, want)
		}
	}
	c, err := ReadCheckpoint(path)
	if err != nil {
		t.Fatalf("last good checkpoint: %v", err)
	}
	st := c.Header.State
	if st.Step != int64(nb) || st.Pos.Epoch != 1 || st.Pos.Batch != 0 || len(st.History) != 1 {
		t.Fatalf("checkpoint at step %d position %v with %d epochs; want the end of epoch 1", st.Step, st.Pos, len(st.History))
	}
	if _, err := c.Model(); err != nil {
		t.Fatal(err)
	}
	if hist, err := ReadMetrics(filepath.Join(out, MetricsFile)); err != nil || len(hist) != 1 {
		t.Fatalf("metrics after the divergence: %d epochs, %v", len(hist), err)
	}
}

// TestDivergedBeforeAnyCheckpoint: a rate so large that the second step
// already fails leaves no checkpoint and says so.
func TestDivergedBeforeAnyCheckpoint(t *testing.T) {
	s := newTiny(t)
	cfg := tinyConfig()
	cfg.LR, cfg.GradClip, cfg.Momentum = 1e30, 0, 0
	out := t.TempDir()
	tr, err := New(s.net, cfg, s.options(out))
	if err != nil {
		t.Fatal(err)
	}
	_, err = tr.Run(context.Background())
	var de *DivergedError
	if !errors.As(err, &de) || de.Epoch != 1 || de.Checkpoint != "" {
		t.Fatalf("want a DivergedError in epoch 1 without checkpoint, got %v", err)
	}
	if !strings.Contains(err.Error(), "no checkpoint had been written yet") {
		t.Errorf("message %q", err)
	}
	if _, err := os.Stat(filepath.Join(out, CheckpointFile)); !os.IsNotExist(err) {
		t.Fatalf("a checkpoint was written: %v", err)
	}
}
