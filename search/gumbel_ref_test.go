package search

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"gonas/engine/nn"
)

// Float64 references for the Gumbel tests, written from the formulas of
// PAPERS §3 (not from the code under test).

func refSoftmax(x []float64) []float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = max(m, v)
	}
	var s float64
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = math.Exp(v - m)
		s += y[i]
	}
	for i := range y {
		y[i] /= s
	}
	return y
}

func refLogSoftmax(x []float64) []float64 {
	p := refSoftmax(x)
	for i := range p {
		p[i] = math.Log(p[i])
	}
	return p
}

// refRelaxed is softmax((log softmax(x) + g)/tau), the relaxed sample.
func refRelaxed(x, g []float64, tau float64) []float64 {
	z := refLogSoftmax(x)
	for i := range z {
		z[i] = (z[i] + g[i]) / tau
	}
	return refSoftmax(z)
}

// refPairProb is ROME §3.5's probability that two draws without replacement
// with probabilities p give the set {i, j}: p_i p_j/(1-p_i) + p_j p_i/(1-p_j).
func refPairProb(p []float64, i, j int) float64 {
	return p[i]*p[j]/(1-p[i]) + p[j]*p[i]/(1-p[j])
}

// refMarginal is PAPERS §3's probability that edge i is one of the two:
// p_i + sum_{k != i} p_k p_i/(1-p_k).
func refMarginal(p []float64, i int) float64 {
	s := p[i]
	for k := range p {
		if k != i {
			s += p[k] * p[i] / (1 - p[k])
		}
	}
	return s
}

// gumbelStream replays the Gumbel noise a context seeded with seed draws:
// g = -log(E), E ~ Exp(1), in order (nn's documented draw).
type gumbelStream struct{ c *nn.Ctx }

func newGumbelStream(seed uint64) gumbelStream { return gumbelStream{nn.NewCtx(seed, 1)} }

func (s gumbelStream) next(n int) []float64 {
	g := make([]float64, n)
	for i := range g {
		g[i] = float64(float32(-math.Log(s.c.Rand().ExpFloat64())))
	}
	return g
}

// checkChi2 fails when observed counts are implausible under the expected
// probabilities (chi-square survival below 1e-4, a fixed seed making the
// test repeatable) and when any cell is off by more than 5 sigma.
func checkChi2(t *testing.T, what string, counts []int, probs []float64, n int) {
	t.Helper()
	var chi2, total float64
	for i, k := range counts {
		e := probs[i] * float64(n)
		chi2 += (float64(k) - e) * (float64(k) - e) / e
		total += probs[i]
		f := float64(k) / float64(n)
		if sigma := math.Sqrt(probs[i] * (1 - probs[i]) / float64(n)); math.Abs(f-probs[i]) > 5*sigma {
			t.Errorf("%s %d: frequency %.4f, want %.4f (5 sigma %.4f)", what, i, f, probs[i], 5*sigma)
		}
	}
	if math.Abs(total-1) > 1e-9 {
		t.Fatalf("%s: expected probabilities sum to %v", what, total)
	}
	df := float64(len(counts) - 1)
	if s := (distuv.ChiSquared{K: df}).Survival(chi2); s < 1e-4 {
		t.Errorf("%s: chi-square %.2f with %v degrees of freedom, p = %.2g", what, chi2, df, s)
	} else {
		t.Logf("%s: chi-square %.2f with %v degrees of freedom, p = %.3f", what, chi2, df, s)
	}
}
