package schedule

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

func TestCosine(t *testing.T) {
	tests := []struct {
		name string
		s    Cosine
		e    int
		want float64
	}{
		{"start", Cosine{Max: 0.025, Min: 0.001, Epochs: 50}, 0, 0.025},
		{"middle", Cosine{Max: 0.025, Min: 0.001, Epochs: 50}, 25, 0.013},
		{"quarter", Cosine{Max: 1, Min: 0, Epochs: 4}, 1, (1 + math.Sqrt2/2) / 2},
		{"step-first epoch 0 is once stepped", Cosine{Max: 1, Min: 0, Epochs: 4, StepFirst: true}, 0, (1 + math.Sqrt2/2) / 2},
		{"step-first last epoch reaches min", Cosine{Max: 1, Min: 0.5, Epochs: 4, StepFirst: true}, 3, 0.5},
		{"warmup ramps", Cosine{Max: 0.4, Epochs: 10, Warmup: 4}, 1, 0.2},
		{"after warmup is cosine", Cosine{Max: 0.4, Epochs: 10, Warmup: 4}, 5, 0.2},
		{"clamped past end", Cosine{Max: 1, Min: 0.1, Epochs: 3}, 9, 0.1},
	}
	for _, tc := range tests {
		if got := tc.s.LR(tc.e); !near(got, tc.want) {
			t.Errorf("%s: LR(%d) = %v, want %v", tc.name, tc.e, got, tc.want)
		}
	}
}

func TestPowerCosineEnds(t *testing.T) {
	for _, w := range []int{0, 5} {
		p, err := NewPowerCosine(0.025, 1e-4, 50, 2, w)
		if err != nil {
			t.Fatal(err)
		}
		if !near(p.LR(49), 1e-4) {
			t.Errorf("warmup %d: last lr %v, want min", w, p.LR(49))
		}
		if w == 0 && !near(p.LR(0), 0.025) {
			t.Errorf("first lr %v, want max", p.LR(0))
		}
		if w == 5 {
			// Ramp (i+1)/(W+1) of the range for the first W+1 epochs.
			for i := 0; i <= 5; i++ {
				want := float64(i+1)/6*(0.025-1e-4) + 1e-4
				if !near(p.LR(i), want) {
					t.Errorf("warmup lr(%d) = %v, want %v", i, p.LR(i), want)
				}
			}
		}
		for e := w + 1; e < 49; e++ {
			if p.LR(e+1) > p.LR(e) {
				t.Errorf("warmup %d: lr rises after warm-up at %d: %v -> %v", w, e, p.LR(e), p.LR(e+1))
			}
		}
	}
}

// The analytic form min + (max-min)(p^(c+1)-p)/(p^2-p) agrees with the
// normalised table up to the normalisation's endpoint effect (docs/papers.md §4).
func TestPowerCosineAnalytic(t *testing.T) {
	const E, P = 1000, 2.0
	s, err := NewPowerCosine(1, 0, E, P, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []int{100, 500, 900} {
		c := (1 + math.Cos(math.Pi*float64(e+1)/E)) / 2
		want := (math.Pow(P, c+1) - P) / (P*P - P)
		if math.Abs(s.LR(e)-want) > 1e-4 {
			t.Errorf("lr(%d) = %v, analytic %v", e, s.LR(e), want)
		}
	}
}

func TestPowerCosineRejects(t *testing.T) {
	for _, c := range [][3]int{{1, 0, 2}, {10, 9, 2}, {10, -1, 2}, {10, 0, 0}} {
		if _, err := NewPowerCosine(1, 0, c[0], float64(c[2]), c[1]); err == nil {
			t.Errorf("epochs %d warmup %d power %d: no error", c[0], c[1], c[2])
		}
	}
}

func TestStep(t *testing.T) {
	s := Step{Max: 0.1, Gamma: 0.97, Every: 1}
	if !near(s.LR(2), 0.1*0.97*0.97) {
		t.Errorf("step lr(2) = %v", s.LR(2))
	}
}
