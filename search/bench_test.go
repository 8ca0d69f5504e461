package search

import (
	"testing"

	"gonas/internal/spec"
)

// TestPartialChannelMemory: PC-DARTS's partial channels (K=4) cut the
// search's peak memory to well under half of DARTS's at the same size (the
// ops hold a quarter of the activations; the bypass, concat and shuffle add
// a few full-width tensors per edge). The figure for the paper's setting
// (batch 64, C=16, 8 cells, 32x32) comes from `gonas bench search`.
func TestPartialChannelMemory(t *testing.T) {
	bc := BenchConfig{Batch: 4, Layers: 5, Channels: 8, Input: spec.Shape{C: 3, H: 16, W: 16}, Steps: 1, Threads: 1, Seed: 1}
	peak := map[string]int64{}
	for _, m := range []string{"darts", "pcdarts", "darts2"} {
		bc.Method = m
		r, err := Bench(bc)
		if err != nil {
			t.Fatal(err)
		}
		if r.Method != m || r.Params <= 0 || r.SecondsPerStep <= 0 || r.PeakBytes <= 0 {
			t.Fatalf("result %+v", r)
		}
		peak[m] = r.PeakBytes
	}
	if ratio := float64(peak["pcdarts"]) / float64(peak["darts"]); ratio > 0.45 {
		t.Fatalf("pcdarts peak %d is %.2f of darts's %d", peak["pcdarts"], ratio, peak["darts"])
	}
	// The unrolled step keeps a copy of the weights on top of DARTS's
	// footprint, and at most a pass's activations more.
	if peak["darts2"] < peak["darts"] || peak["darts2"] > 2*peak["darts"] {
		t.Fatalf("darts2 peak %d against darts %d", peak["darts2"], peak["darts"])
	}
}
