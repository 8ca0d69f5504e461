package search

import (
	"math"
	"testing"

	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/internal/spec"
)

// refMixer is the mixed op written out independently: every op, `none`
// included, weighted by coefficients computed in float64 from the
// architecture parameters' values (constants for the engine).
type refMixer struct {
	a         *Arch
	weighting string
	edgeNorm  bool
}

func (r *refMixer) Active(*spec.Node) []int { return nil }

func (r *refMixer) Mix(ctx *nn.Ctx, nd *spec.Node, _ []int, ins []*nn.Tensor) (*nn.Tensor, error) {
	c := cellIndex(nd.Mix.Cell)
	var w []float64
	if nd.Mix.Of == spec.MixOps {
		w = r.a.OpWeights(c)[nd.Mix.Row]
		if r.weighting == WeightingMaxW {
			m := 0.0
			for _, v := range w {
				m = math.Max(m, v)
			}
			for i := range w {
				w[i] = 1 - m + w[i]
			}
		}
	} else {
		start, n := NodeRows(nd.Mix.Node)
		w = make([]float64, n)
		for i := range w {
			w[i] = 1
		}
		if r.edgeNorm {
			w = r.a.EdgeWeights(c)[start : start+n]
		}
	}
	wt := nn.NewTensor(len(w))
	for i, v := range w {
		wt.Data[i] = float32(v)
	}
	return nn.WeightedSum(ctx, ins, wt), nil
}

func TestRelaxedMixer(t *testing.T) {
	for _, tc := range []struct {
		weighting string
		edgeNorm  bool
	}{{WeightingScalar, false}, {WeightingMaxW, false}, {WeightingScalar, true}} {
		name := tc.weighting
		if tc.edgeNorm {
			name += "+edges"
		}
		t.Run(name, func(t *testing.T) {
			s, strat := toyStep(t, 0, tc.edgeNorm)
			strat.weighting = tc.weighting
			ctx := s.Ctx

			// Values: the same logits as the reference mixer.
			setTrainable(strat.Arch(), false)
			ref, err := s.Model.ForwardMixed(ctx, s.Val.X, &refMixer{a: strat.arch, weighting: tc.weighting, edgeNorm: tc.edgeNorm})
			if err != nil {
				t.Fatal(err)
			}
			want := append([]float32(nil), ref.Data...)
			ctx.Reset()
			mixer, err := strat.Mixer(ctx, PhaseArch)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Model.ForwardMixed(ctx, s.Val.X, mixer)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if d := math.Abs(float64(got.Data[i] - want[i])); d > 1e-5*(1+math.Abs(float64(want[i]))) {
					t.Fatalf("logit %d: %v, reference %v", i, got.Data[i], want[i])
				}
			}
			ctx.Reset()

			// Gradients: the architecture gradient of the validation loss
			// against central differences (the toy supernet is smooth).
			strat.Arch().ZeroGrad()
			if _, err := FirstOrderArchStep(s); err != nil {
				t.Fatal(err)
			}
			g := archGrad(strat.Arch())
			var scale float64
			for _, v := range g {
				scale = math.Max(scale, math.Abs(v))
			}
			i := 0
			for _, p := range strat.Arch().Learned() {
				for k := range p.Data {
					orig := p.Data[k]
					const h = 1e-2
					p.Data[k] = orig + h
					fp := lossAt(t, s, s.Val)
					p.Data[k] = orig - h
					fm := lossAt(t, s, s.Val)
					p.Data[k] = orig
					fd := (fp - fm) / (2 * h)
					if math.Abs(fd-g[i]) > 0.02*scale+2e-5 {
						t.Errorf("architecture parameter %d: gradient %.6g, finite differences %.6g", i, g[i], fd)
					}
					i++
				}
			}
		})
	}
}

// TestRelaxedSkipsNone checks that `none` is never run by the relaxed
// mixer and that everything else is.
func TestRelaxedSkipsNone(t *testing.T) {
	s, strat := toyStep(t, 0, false)
	mixer, err := strat.Mixer(s.Ctx, PhaseWeights)
	if err != nil {
		t.Fatal(err)
	}
	for _, nd := range s.Model.Net.Nodes {
		if nd.Kind != spec.Mix {
			continue
		}
		act := mixer.Active(&nd)
		if nd.Mix.Of == spec.MixEdges && act != nil {
			t.Fatalf("%s: edges %v active, want all", nd.Name, act)
		}
		if nd.Mix.Of == spec.MixOps && (len(act) != 3 || act[0] != 1 || act[2] != 3) {
			t.Fatalf("%s: ops %v active, want 1 2 3 (all but none)", nd.Name, act)
		}
	}
	s.Ctx.Reset()
	var _ model.Mixer = mixer
}
