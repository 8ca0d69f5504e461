package kernels

import (
	"testing"
	"time"
)

func TestPeakGFLOPS(t *testing.T) {
	p := PeakGFLOPS(1, 20*time.Millisecond)
	if !(p > 0.1 && p < 1e5) {
		t.Fatalf("PeakGFLOPS(1) = %g", p)
	}
	if p2 := PeakGFLOPS(2, 20*time.Millisecond); !(p2 > 0.1) {
		t.Fatalf("PeakGFLOPS(2) = %g", p2)
	}
}
