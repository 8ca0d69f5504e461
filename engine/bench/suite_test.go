package bench

import (
	"testing"

	"gonas/internal/spec"
)

// TestQuickSuite runs the quick suite on a tiny network: every item in
// order, each with a positive speed and the step with its images/s and peak.
func TestQuickSuite(t *testing.T) {
	b := spec.NewBuilder(spec.Shape{C: 3, H: 8, W: 8})
	x := b.ReLU("r", b.Conv("c", 0, spec.Square(4, 3, 1, 1, 1)))
	out := b.Linear("fc", b.GAP("p", x), 10)
	net, err := b.Finish(10, out, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []Result
	err = Suite{Threads: 2, Quick: true}.Run("step-tiny", net, 4*27*64+40, func(r Result) error {
		got = append(got, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"peak-1t", "peak-2t", "gemm-256x6144x2304-1t", "conv3x3-n32c64-16x16-fwdbwd", "dwconv3x3-n32c64-32x32-fwdbwd", "step-tiny", "infer-tiny"}
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d: %+v", len(got), len(want), got)
	}
	for i, r := range got {
		if r.Name != want[i] || !(r.GFLOPS > 0) || !(r.Seconds > 0) {
			t.Errorf("result %d: %+v, want %s with a positive speed", i, r, want[i])
		}
	}
	for _, s := range got[len(got)-2:] {
		if !(s.ImagesPerSec > 0) || s.PeakBytes <= 0 {
			t.Errorf("%s: %+v", s.Name, s)
		}
	}
}
