package search

import (
	"fmt"
	"math"
	"sort"
	"testing"

	"gonas/engine/nn"
)

// The straight-through estimator: the sampled weights are exactly one (or
// zero), and their gradient is that of the relaxed sample. With the Gumbel
// noise fixed (replayed from the seed), the loss sum_k c_k * w_k has the
// backward gradient of the relaxed objective sum_k c_k * w~_k, which the
// tests differentiate by float64 central differences.

// fdGrad differentiates f at x by central differences.
func fdGrad(f func([]float64) float64, x []float64) []float64 {
	g := make([]float64, len(x))
	const h = 1e-5
	for i := range x {
		v := x[i]
		x[i] = v + h
		fp := f(x)
		x[i] = v - h
		fm := f(x)
		x[i] = v
		g[i] = (fp - fm) / (2 * h)
	}
	return g
}

func compareGrad(t *testing.T, what string, got []float32, want []float64) {
	t.Helper()
	var nonzero bool
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 1e-4+1e-3*math.Abs(want[i]) {
			t.Errorf("%s[%d]: backward %g, finite differences %g", what, i, got[i], want[i])
		}
		nonzero = nonzero || got[i] != 0
	}
	if !nonzero {
		t.Errorf("%s: gradient is all zero", what)
	}
}

func f64(xs []float32) []float64 {
	ys := make([]float64, len(xs))
	for i, v := range xs {
		ys[i] = float64(v)
	}
	return ys
}

func testParam(n int, seed float64) *nn.Tensor {
	p := nn.NewParam(n)
	for i := range p.Data {
		p.Data[i] = float32(math.Sin(seed*float64(i+1)+0.3)) * 0.8
	}
	return p
}

// argsortDesc orders indices by value, largest first, ties lower first.
func argsortDesc(x []float64) []int {
	o := make([]int, len(x))
	for i := range o {
		o[i] = i
	}
	sort.SliceStable(o, func(a, b int) bool { return x[o[a]] > x[o[b]] })
	return o
}

func TestStraightThroughROME(t *testing.T) {
	for _, v := range []romeVersion{romeV2, romeV1} {
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) {
			const steps, ops, seed, tau = 4, 7, 21, 0.8
			edges := Rows(steps)
			beta := testParam(romeBetaLen(v, steps), 1.7)
			alpha := testParam(edges*ops, 0.9)
			alpha.Shape = []int{edges, ops}
			coef := make([]float64, edges)
			for e := range coef {
				coef[e] = math.Cos(float64(5*e + 2))
			}

			c := nn.NewCtx(seed, 1)
			topo, err := drawTopology(c, v, beta, steps, tau)
			if err != nil {
				t.Fatal(err)
			}
			od, err := drawOps(c, alpha, tau)
			if err != nil {
				t.Fatal(err)
			}
			var terms []*nn.Tensor
			for i := range steps {
				for _, j := range topo.inputs[i] {
					e := gumbelRow(i, j)
					w := nn.Mul(c, topo.gate(c, i, j), od.weight(c, e))
					if math.Abs(float64(w.Item())-1) > 1e-6 {
						t.Fatalf("edge %d: sampled weight %v, want 1", e, w.Item())
					}
					terms = append(terms, nn.Scale(c, w, float32(coef[e])))
				}
			}
			if len(terms) != 2*steps {
				t.Fatalf("%d sampled edges, want %d", len(terms), 2*steps)
			}
			if err := c.Backward(nn.Sum(c, nn.Add(c, terms...))); err != nil {
				t.Fatal(err)
			}

			// Replay the noise: topology node by node, then ops row-major.
			gs := newGumbelStream(seed)
			gTopo := make([][]float64, steps)
			for i := range steps {
				n := i + 2
				w := n
				if v == romeV1 {
					w = n * (n - 1) / 2
				}
				gTopo[i] = gs.next(w)
			}
			gOps := gs.next(edges * ops)
			bv, av := f64(beta.Data), f64(alpha.Data)

			// The hard choices are the reference's argmaxes.
			for i := range steps {
				b := bv[romeBetaStart(v, i):][:len(gTopo[i])]
				z := refLogSoftmax(b)
				for k := range z {
					z[k] += gTopo[i][k]
				}
				o := argsortDesc(z)
				var want [2]int
				if v == romeV1 {
					want = romePairs(i + 2)[o[0]]
				} else {
					want = [2]int{o[0], o[1]}
				}
				if topo.inputs[i] != want {
					t.Errorf("node %d: inputs %v, reference %v", i, topo.inputs[i], want)
				}
			}
			for e := range edges {
				z := refLogSoftmax(av[e*ops : (e+1)*ops])
				for k := range z {
					z[k] += gOps[e*ops+k]
				}
				if o := argsortDesc(z)[0]; od.index[e] != o {
					t.Errorf("edge %d: op %d, reference %d", e, od.index[e], o)
				}
			}

			relaxedTopo := func(b []float64) float64 {
				var s float64
				for i := range steps {
					soft := refRelaxed(b[romeBetaStart(v, i):][:len(gTopo[i])], gTopo[i], tau)
					for _, j := range topo.inputs[i] {
						var bj float64
						if v == romeV1 {
							for p, pr := range romePairs(i + 2) {
								if pr[0] == j || pr[1] == j {
									bj += soft[p]
								}
							}
						} else {
							bj = soft[j]
						}
						s += coef[gumbelRow(i, j)] * bj
					}
				}
				return s
			}
			relaxedOps := func(a []float64) float64 {
				var s float64
				for i := range steps {
					for _, j := range topo.inputs[i] {
						e := gumbelRow(i, j)
						soft := refRelaxed(a[e*ops:(e+1)*ops], gOps[e*ops:(e+1)*ops], tau)
						s += coef[e] * soft[od.index[e]]
					}
				}
				return s
			}
			compareGrad(t, "beta", beta.Grad, fdGrad(relaxedTopo, bv))
			compareGrad(t, "alpha", alpha.Grad, fdGrad(relaxedOps, av))
			// Edges that were not sampled send nothing to their alpha row.
			for i := range steps {
				for j := range i + 2 {
					if topo.chosen(i, j) {
						continue
					}
					e := gumbelRow(i, j)
					for _, g := range alpha.Grad[e*ops : (e+1)*ops] {
						if g != 0 {
							t.Fatalf("unsampled edge %d has alpha gradient %v", e, alpha.Grad[e*ops:(e+1)*ops])
						}
					}
				}
			}
		})
	}
}

func TestStraightThroughGDAS(t *testing.T) {
	const edges, ops, seed, tau = 14, 8, 5, 3.0
	alpha := testParam(edges*ops, 1.3)
	alpha.Shape = []int{edges, ops}
	c := nn.NewCtx(seed, 1)
	od, err := drawOps(c, alpha, tau)
	if err != nil {
		t.Fatal(err)
	}
	coef := make([]float64, edges)
	var terms []*nn.Tensor
	for e := range edges {
		coef[e] = math.Sin(float64(e) + 0.5)
		w := od.weight(c, e)
		if math.Abs(float64(w.Item())-1) > 1e-6 {
			t.Fatalf("edge %d: hard weight %v", e, w.Item())
		}
		terms = append(terms, nn.Scale(c, w, float32(coef[e])))
	}
	if err := c.Backward(nn.Sum(c, nn.Add(c, terms...))); err != nil {
		t.Fatal(err)
	}
	g := newGumbelStream(seed).next(edges * ops)
	av := f64(alpha.Data)
	relaxed := func(a []float64) float64 {
		var s float64
		for e := range edges {
			s += coef[e] * refRelaxed(a[e*ops:(e+1)*ops], g[e*ops:(e+1)*ops], tau)[od.index[e]]
		}
		return s
	}
	compareGrad(t, "alpha", alpha.Grad, fdGrad(relaxed, av))
}
