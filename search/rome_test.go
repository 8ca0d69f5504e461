package search

import (
	"math"
	"testing"

	"gonas/derive"
	"gonas/engine/nn"
	"gonas/models"
)

// archGrads copies the gradients of a parameter store.
func gradsOf(p *nn.Params) [][]float32 {
	var out [][]float32
	for _, t := range p.Learned() {
		out = append(out, append([]float32(nil), t.Grad...))
	}
	return out
}

// TestROMEAccumulation checks Alg. 1: ArchStep leaves the mean of K
// sub-networks' architecture gradients, WeightStep the sum of K others'
// weight gradients, each sub-network a fresh sample (the K gradients
// differ) drawn from the engine's random state.
func TestROMEAccumulation(t *testing.T) {
	const k = 3
	s := tinySearcher(t, "rome", func(c *Config) { c.Extra[ExtraK] = k })
	rome := s.Strategy.(*ROME)
	if rome.K() != k {
		t.Fatalf("K = %d", rome.K())
	}
	b := trainBatch(t, s)
	st := &Step{Ctx: s.ctx, Model: s.Model, Strategy: rome, Train: b, Val: b}
	for _, tc := range []struct {
		name  string
		phase Phase
		p     *nn.Params
		step  func(*Step) (Result, error)
		scale float64
	}{
		{"architecture (mean)", PhaseArch, rome.Arch(), rome.ArchStep, 1.0 / k},
		{"weights (sum)", PhaseWeights, s.Model.Params, rome.WeightStep, 1},
	} {
		rng, err := s.ctx.RNGState()
		if err != nil {
			t.Fatal(err)
		}
		tc.p.ZeroGrad()
		res, err := tc.step(st)
		if err != nil {
			t.Fatal(err)
		}
		if res.N != k*len(b.Y) {
			t.Errorf("%s: %d images seen, want %d", tc.name, res.N, k*len(b.Y))
		}
		got := gradsOf(tc.p)

		if err := s.ctx.SetRNGState(rng); err != nil {
			t.Fatal(err)
		}
		var each [][][]float32
		for range k {
			tc.p.ZeroGrad()
			if _, err := st.Pass(b, tc.phase); err != nil {
				t.Fatal(err)
			}
			each = append(each, gradsOf(tc.p))
		}
		var differ bool
		for i := range got {
			for j := range got[i] {
				var want float64
				for _, g := range each {
					want += float64(g[i][j])
				}
				want *= tc.scale
				if d := math.Abs(float64(got[i][j]) - want); d > 1e-5*math.Abs(want)+1e-7 {
					t.Fatalf("%s: tensor %d[%d] = %g, want %g", tc.name, i, j, got[i][j], want)
				}
				differ = differ || each[0][i][j] != each[1][i][j]
			}
		}
		if !differ {
			t.Errorf("%s: the sub-networks gave identical gradients", tc.name)
		}
	}
}

func TestROMEConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*Config)
	}{
		{"K zero", func(c *Config) { c.Extra[ExtraK] = 0 }},
		{"K fractional", func(c *Config) { c.Extra[ExtraK] = 2.5 }},
		{"op set with none", func(c *Config) { c.OpSet = "darts" }},
		{"bad temperature", func(c *Config) { c.Extra[ExtraTauMin] = 0 }},
	} {
		cfg := tinyConfig(t, "rome")
		tc.mod(&cfg)
		if _, err := New(cfg, synthData(t, 8, 1, 8, 8, 3, 1), Options{Threads: 1}); err == nil {
			t.Errorf("%s: accepted", tc.name)
		} else {
			t.Logf("%s: %v", tc.name, err)
		}
	}
}

// TestROMEMNIST runs a short ROME search on real MNIST images (a subset,
// two epochs) and checks it finishes with a genotype of exactly two
// distinct inputs per node that the derive stage builds.
func TestROMEMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("a two-epoch MNIST search")
	}
	for _, method := range []string{"rome", "rome-v1"} {
		m, err := LookupMethod(method)
		if err != nil {
			t.Fatal(err)
		}
		cfg := m.Preset()
		cfg.Dataset, cfg.Subset, cfg.Epochs = "mnist", 256, 2
		cfg.Channels, cfg.Layers, cfg.Batch = 8, 5, 32
		cfg.Extra[ExtraK] = 2
		s, out := run(t, cfg, nil, Options{Threads: 2})
		g := out.Genotype
		if out.Stop != StopDone || len(s.State.History) != 3 {
			t.Fatalf("%s: stop %q after %d records", method, out.Stop, len(s.State.History))
		}
		for _, cell := range [][]models.Pair{g.Normal, g.Reduce} {
			if len(cell) != 8 {
				t.Fatalf("%s: %d pairs", method, len(cell))
			}
			for i := 0; i < len(cell); i += 2 {
				if cell[i].Input == cell[i+1].Input {
					t.Fatalf("%s: node %d has inputs %v", method, i/2, cell[i:i+2])
				}
			}
		}
		set, _ := models.LookupOpSet(cfg.OpSet)
		if _, err := derive.Build(g, set, derive.Config{Dataset: "mnist", Channels: 8, Layers: 5}); err != nil {
			t.Fatal(err)
		}
		last := s.State.History[2]
		t.Logf("%s: train acc %.1f%%, val acc %.1f%%, genotype %s", method, last.TrainAcc, last.ValAcc, compact(g))
	}
}
