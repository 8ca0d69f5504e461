package search

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"gonas/engine/data"
	"gonas/engine/nn"
)

// lossAt is L(b) at the step's current weights and architecture: a
// training-mode forward (batch statistics) without gradients.
func lossAt(t *testing.T, s *Step, b *Batch) float64 {
	t.Helper()
	ctx := s.Ctx
	setTrainable(s.Model.Params, false)
	setTrainable(s.Strategy.Arch(), false)
	ctx.SetTrain(true)
	ctx.SetGrad(false)
	defer ctx.SetGrad(true)
	mixer, err := s.Strategy.Mixer(ctx, PhaseWeights)
	if err != nil {
		t.Fatal(err)
	}
	logits, err := s.Model.ForwardMixed(ctx, b.X, mixer)
	if err != nil {
		t.Fatal(err)
	}
	l := float64(nn.SoftmaxCrossEntropy(ctx, logits, b.Y, 0).Item())
	ctx.Reset()
	return l
}

// unrolledLoss is f(α) = L_val(w − ξ(m·buf + ∇w L_train(w, α) + wd·w), α),
// computed by running the unrolled weight update for real.
func unrolledLoss(t *testing.T, s *Step) float64 {
	t.Helper()
	w0 := map[string][]float32{}
	for name, p := range s.Model.Params.Learned() {
		w0[name] = append([]float32(nil), p.Data...)
	}
	s.Model.Params.ZeroGrad()
	if _, err := s.Pass(s.Train, PhaseWeights); err != nil {
		t.Fatal(err)
	}
	xi, m, wd := float32(s.LR), float32(s.Momentum), float32(s.WeightDecay)
	for name, p := range s.Model.Params.Learned() {
		buf := s.SGD.State().Buffers[name]
		for i, w := range w0[name] {
			p.Data[i] = w - xi*(m*buf[i]+p.Grad[i]+wd*w)
		}
	}
	l := lossAt(t, s, s.Val)
	for name, p := range s.Model.Params.Learned() {
		copy(p.Data, w0[name])
	}
	s.Model.Params.ZeroGrad()
	return l
}

func archGrad(p *nn.Params) []float64 {
	var g []float64
	for _, t := range p.Learned() {
		for _, v := range t.Grad {
			g = append(g, float64(v))
		}
	}
	return g
}

func dot64(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// gradients returns the second- and first-order architecture gradients of
// the step.
func gradients(t *testing.T, s *Step) (g2, g1 []float64) {
	t.Helper()
	arch := s.Strategy.Arch()
	arch.ZeroGrad()
	if _, err := UnrolledArchStep(s); err != nil {
		t.Fatal(err)
	}
	g2 = archGrad(arch)
	arch.ZeroGrad()
	if _, err := FirstOrderArchStep(s); err != nil {
		t.Fatal(err)
	}
	return g2, archGrad(arch)
}

// directions are the coordinates where the second-order term is largest,
// then random unit vectors.
func directions(g2, g1 []float64, coords, random int) [][]float64 {
	order := make([]int, len(g2))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return math.Abs(g2[order[a]]-g1[order[a]]) > math.Abs(g2[order[b]]-g1[order[b]])
	})
	var dirs [][]float64
	for _, i := range order[:coords] {
		d := make([]float64, len(g2))
		d[i] = 1
		dirs = append(dirs, d)
	}
	r := rand.New(rand.NewPCG(9, 9))
	for range random {
		d := make([]float64, len(g2))
		var n float64
		for i := range d {
			d[i] = r.NormFloat64()
			n += d[i] * d[i]
		}
		for i := range d {
			d[i] /= math.Sqrt(n)
		}
		dirs = append(dirs, d)
	}
	return dirs
}

// directional is the central difference of f along d with step h, in
// float64 (f itself is the engine's float32 computation).
func directional(t *testing.T, s *Step, d []float64, h float64) float64 {
	var alpha []*float32
	for _, p := range s.Strategy.Arch().Learned() {
		for i := range p.Data {
			alpha = append(alpha, &p.Data[i])
		}
	}
	orig := make([]float32, len(alpha))
	for i, p := range alpha {
		orig[i] = *p
	}
	set := func(sign float64) {
		for i, p := range alpha {
			*p = float32(float64(orig[i]) + sign*h*d[i])
		}
	}
	set(1)
	fp := unrolledLoss(t, s)
	set(-1)
	fm := unrolledLoss(t, s)
	for i, p := range alpha {
		*p = orig[i]
	}
	return (fp - fm) / (2 * h)
}

// TestUnrolledGradientSmooth checks DARTS's second-order architecture
// gradient against central differences of the function it approximates,
// on the smooth toy supernet with ξ = 1 (the second-order term then
// dominates) and with and without edge normalisation.
//
// Tolerance: the step approximates the Hessian-vector product by central
// differences with R = 0.01/‖v‖ (error O(R²), about 1e-4 relative), and
// the reference's central differences of a float32 loss near 1 are
// quantised to ulp/(2h) = 1.2e-7/2e-3 ≈ 6e-5, plus O(h²) truncation: 1% of
// the gradient's scale plus 2e-4 absolute covers both; the
// first-order gradient misses by far more, which shows the test sees the
// second-order term.
func TestUnrolledGradientSmooth(t *testing.T) {
	for _, edgeNorm := range []bool{false, true} {
		s, _ := toyStep(t, 1.0, edgeNorm)
		g2, g1 := gradients(t, s)
		var scale float64
		for _, v := range g2 {
			scale = math.Max(scale, math.Abs(v))
		}
		var err2, err1 float64
		for k, d := range directions(g2, g1, 4, 4) {
			fd := directional(t, s, d, 1e-3)
			e2, e1 := math.Abs(dot64(g2, d)-fd), math.Abs(dot64(g1, d)-fd)
			t.Logf("edge norm %v, direction %d: finite differences %.6g, second order %.6g, first order %.6g", edgeNorm, k, fd, dot64(g2, d), dot64(g1, d))
			if e2 > 0.01*scale+2e-4 {
				t.Errorf("edge norm %v, direction %d: second-order gradient %.6g, finite differences %.6g", edgeNorm, k, dot64(g2, d), fd)
			}
			err2 += e2
			err1 += e1
		}
		if err1 < 10*err2 {
			t.Errorf("edge norm %v: first order misses by %.3g in total, second order by %.3g: the test does not see the second-order term", edgeNorm, err1, err2)
		}
	}
}

// TestUnrolledOnSupernet runs the second-order step on a real (tiny) DARTS
// supernet after two search iterations. Its ReLUs and max pools make
// ∇w L_train jump, so finite differences of f are too rough there to
// check against; instead: with ξ = 0 the unrolled gradient is the
// first-order one exactly (w' = w and the Hessian term vanishes), with
// ξ > 0 it differs, and either way the weights come back bit for bit.
func TestUnrolledOnSupernet(t *testing.T) {
	cfg := fastConfig(t, "darts2")
	s, err := New(cfg, synthData(t, 32, 1, 8, 8, 3, 4), Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.iterate(0, cfg.LR, true); err != nil {
			t.Fatal(err)
		}
	}
	var tb, vb data.Batch
	if err := s.trainL.Fill(&tb, data.Position{Epoch: 3}); err != nil {
		t.Fatal(err)
	}
	if err := s.valL.Fill(&vb, data.Position{Epoch: 3}); err != nil {
		t.Fatal(err)
	}
	train, _ := toBatch(&tb)
	val, _ := toBatch(&vb)
	var w0 []float32
	for _, p := range s.Model.Params.Learned() {
		w0 = append(w0, p.Data...)
	}
	for _, xi := range []float64{0, cfg.LR} {
		st := &Step{Ctx: s.ctx, Model: s.Model, Strategy: s.Strategy, Train: train, Val: val,
			LR: xi, Momentum: cfg.Momentum, WeightDecay: cfg.WeightDecay, SGD: s.sgd}
		g2, g1 := gradients(t, st)
		same := true
		for i := range g2 {
			same = same && g2[i] == g1[i]
		}
		if same != (xi == 0) {
			t.Errorf("ξ = %v: unrolled gradient equal to the first-order one: %v", xi, same)
		}
		var w []float32
		for _, p := range s.Model.Params.Learned() {
			w = append(w, p.Data...)
			for _, g := range p.Grad {
				if g != 0 {
					t.Fatalf("ξ = %v: weight gradients left non-zero", xi)
				}
			}
		}
		for i := range w {
			if w[i] != w0[i] {
				t.Fatalf("ξ = %v: weight %d is %v after the step, was %v", xi, i, w[i], w0[i])
			}
		}
	}
}
