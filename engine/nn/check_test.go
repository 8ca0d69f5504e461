package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ckSeed seeds the context of every checked op, so references of random ops
// can replay the same draws.
const ckSeed = 7

// ckThreads is an odd thread count, so splits are uneven.
const ckThreads = 3

// in describes one input of a checked op.
type in struct {
	shape []int
	grad  bool                       // requires a gradient (checked by finite differences)
	init  func(r *rand.Rand) float64 // value generator; uniform(-1, 1) if nil
}

// opCase is one row of the gradient-check tables: the op under test and an
// independent float64 reference of its forward.
type opCase struct {
	name string
	ins  []in
	eval bool // run in eval mode
	run  func(c *Ctx, x []*Tensor) *Tensor
	ref  func(x [][]float64) []float64
	// soft, if set, is the function whose finite differences the gradient
	// must match (straight-through ops: forward hard, gradient soft).
	soft func(x [][]float64) []float64
	// fwdTol overrides the forward tolerance (relative to max |ref|).
	fwdTol float64
}

func uniform(lo, hi float64) func(r *rand.Rand) float64 {
	return func(r *rand.Rand) float64 { return lo + (hi-lo)*r.Float64() }
}

// smallGrain makes every op split its work, so tests cover the parallel paths.
func smallGrain(t testing.TB) {
	old := grain
	grain = 1
	t.Cleanup(func() { grain = old })
}

// checkOp runs tc: forward against the reference, then the analytic
// gradient of L = sum(r .* y) for random r against central differences of the
// float64 reference.
func checkOp(t *testing.T, tc opCase) {
	t.Helper()
	smallGrain(t)
	r := rand.New(rand.NewPCG(uint64(len(tc.name)), 99))
	xs := make([][]float64, len(tc.ins))
	ts := make([]*Tensor, len(tc.ins))
	for i, s := range tc.ins {
		gen := s.init
		if gen == nil {
			gen = uniform(-1, 1)
		}
		t32 := NewTensor(s.shape...)
		xs[i] = make([]float64, len(t32.Data))
		for j := range t32.Data {
			t32.Data[j] = float32(gen(r))
			xs[i][j] = float64(t32.Data[j])
		}
		t32.SetRequiresGrad(s.grad)
		ts[i] = t32
	}
	c := NewCtx(ckSeed, ckThreads)
	c.SetTrain(!tc.eval)
	y := tc.run(c, ts)
	if err := c.Err(); err != nil {
		t.Fatalf("forward: %v", err)
	}
	want := tc.ref(xs)
	if len(y.Data) != len(want) {
		t.Fatalf("forward: %d values, reference has %d", len(y.Data), len(want))
	}
	tol := tc.fwdTol
	if tol == 0 {
		tol = 1e-5
	}
	scale := 1.0
	for _, v := range want {
		scale = max(scale, math.Abs(v))
	}
	for i, v := range want {
		if d := math.Abs(float64(y.Data[i]) - v); d > tol*scale || math.IsNaN(float64(y.Data[i])) {
			t.Fatalf("forward[%d] = %g, reference %g (diff %g)", i, y.Data[i], v, d)
		}
	}
	anyGrad := false
	for _, s := range tc.ins {
		anyGrad = anyGrad || s.grad
	}
	if !anyGrad {
		return
	}
	proj := make([]float32, len(want))
	for i := range proj {
		proj[i] = float32(r.Float64()*2 - 1)
	}
	if err := c.BackwardFrom(y, proj); err != nil {
		t.Fatalf("backward: %v", err)
	}
	if live := c.LiveBytes(); live != 0 {
		t.Errorf("after backward %d bytes still live", live)
	}
	f := tc.ref
	if tc.soft != nil {
		f = tc.soft
	}
	loss := func() float64 {
		var s float64
		for i, v := range f(xs) {
			s += float64(proj[i]) * v
		}
		return s
	}
	checkIntermediate(t, tc, ts, proj)
	for i, s := range tc.ins {
		if !s.grad {
			continue
		}
		g := ts[i].Grad
		if len(g) != len(xs[i]) {
			t.Fatalf("input %d: gradient has %d values, want %d", i, len(g), len(xs[i]))
		}
		fd := make([]float64, len(xs[i]))
		gs := 1.0
		for j := range xs[i] {
			v := xs[i][j]
			h := 1e-6 * max(1, math.Abs(v))
			xs[i][j] = v + h
			lp := loss()
			xs[i][j] = v - h
			lm := loss()
			xs[i][j] = v
			fd[j] = (lp - lm) / (2 * h)
			gs = max(gs, math.Abs(fd[j]))
		}
		for j := range fd {
			if d := math.Abs(float64(g[j]) - fd[j]); d > 2e-4*gs {
				t.Errorf("input %d grad[%d] = %g, finite difference %g (diff %g, scale %g)", i, j, g[j], fd[j], d, gs)
			}
		}
	}
}

// checkIntermediate runs tc again with every gradient-requiring input passed
// through Scale(x, 1) first, so that the op's inputs are op outputs whose
// gradient buffers start fresh (written with = rather than added to, see
// Ctx.gradOut), and checks that the leaves get the same gradients as when
// the op's inputs are the leaves themselves (zeroed buffers, +=).
func checkIntermediate(t *testing.T, tc opCase, ts []*Tensor, proj []float32) {
	t.Helper()
	want := make([][]float32, len(ts))
	for i, x := range ts {
		if x.RequiresGrad() {
			want[i] = append([]float32(nil), x.Grad...)
			x.ZeroGrad()
		}
	}
	c := NewCtx(ckSeed, ckThreads)
	c.SetTrain(!tc.eval)
	ins := make([]*Tensor, len(ts))
	for i, x := range ts {
		ins[i] = x
		if x.RequiresGrad() {
			ins[i] = Scale(c, x, 1)
		}
	}
	y := tc.run(c, ins)
	if err := c.BackwardFrom(y, proj); err != nil {
		t.Fatalf("backward through intermediates: %v", err)
	}
	for i, x := range ts {
		if want[i] == nil {
			continue
		}
		for j, g := range x.Grad {
			if g != want[i][j] {
				t.Fatalf("input %d grad[%d] = %g through an intermediate, %g directly", i, j, g, want[i][j])
			}
		}
		copy(x.Grad, want[i])
	}
}
