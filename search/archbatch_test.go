package search

import (
	"context"
	"slices"
	"testing"

	"gonas/engine/data"
)

// valRecorder wraps a strategy and keeps a copy of every architecture batch.
type valRecorder struct {
	Strategy
	got [][]float32
}

func (r *valRecorder) ArchStep(s *Step) (Result, error) {
	r.got = append(r.got, slices.Clone(s.Val.X.Data))
	return r.Strategy.ArchStep(s)
}

// TestArchBatchesAreFreshDraws: every architecture step gets the first
// batch of a fresh shuffle of the architecture's half (the reference's
// next(iter(valid_queue))), not the next batch of one pass over it.
func TestArchBatchesAreFreshDraws(t *testing.T) {
	cfg := fastConfig(t, "darts")
	cfg.Epochs, cfg.ArchWarmup = 1, 0
	d := synthData(t, 32, 1, 8, 8, 3, 2)
	s, err := New(cfg, d, Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	rec := &valRecorder{Strategy: s.Strategy}
	s.Strategy = rec
	if _, err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rec.got) < 3 {
		t.Fatalf("%d architecture steps", len(rec.got))
	}
	var b data.Batch
	for i, got := range rec.got {
		if err := s.valL.Fill(&b, data.Position{Epoch: i}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, b.X) {
			t.Errorf("architecture step %d: not the first batch of shuffle %d", i, i)
		}
	}
	if n := s.valL.BatchesPerEpoch(); n < 2 {
		t.Fatalf("the architecture half has %d batches; the test needs 2", n)
	} else {
		// The old stream would give batch 1 of shuffle 0 second.
		if err := s.valL.Fill(&b, data.Position{Epoch: 0, Batch: 1}); err != nil {
			t.Fatal(err)
		}
		if slices.Equal(rec.got[1], b.X) {
			t.Error("the second architecture batch continues the first shuffle")
		}
	}
}
