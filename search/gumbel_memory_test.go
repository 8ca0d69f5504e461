package search

import (
	"testing"

	"gonas/internal/spec"
)

// TestGumbelMemory compares the peak memory of a search iteration of the
// single-path methods with DARTS's on one supernet (the paper's Table 7 at
// a smaller size: batch 16, 5 cells of C=8, 3x16x16 inputs). ROME holds one
// sub-network of 8 edges per cell at a time (its K passes each free their
// activations in their backward; only gradients accumulate) and GDAS one op
// on each of 14 edges, where DARTS holds all 7 ops of all 14 edges.
func TestGumbelMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a DARTS iteration")
	}
	peak := map[string]float64{}
	for _, m := range []string{"darts", "gdas", "rome"} {
		r, err := Bench(BenchConfig{Method: m, Batch: 16, Layers: 5, Channels: 8,
			Input: spec.Shape{C: 3, H: 16, W: 16}, Steps: 2, Threads: 2, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		peak[m] = float64(r.PeakBytes)
		t.Logf("%s: peak %.1f MiB, %.2f s per iteration", m, peak[m]/(1<<20), r.SecondsPerStep)
	}
	if r := peak["rome"] / peak["darts"]; r > 0.30 {
		t.Errorf("rome peak is %.2f of darts's, want <= 0.30", r)
	}
	if r := peak["gdas"] / peak["darts"]; r > 0.40 {
		t.Errorf("gdas peak is %.2f of darts's, want <= 0.40", r)
	}
}
