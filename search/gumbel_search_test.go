package search

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"gonas/derive"
	"gonas/internal/spec"
	"gonas/models"
)

// gumbelCases are the Gumbel methods with the settings the tests vary.
var gumbelCases = []struct {
	name   string
	method string
	mod    func(*Config)
}{
	{"gdas", "gdas", nil},
	{"gdas-frc", "gdas", func(c *Config) { c.Extra[ExtraFixedReduce] = 1 }},
	{"gdas-darts-rule", "gdas", func(c *Config) { c.Extra[ExtraDeriveDARTS] = 1 }},
	{"rome", "rome", func(c *Config) { c.Extra[ExtraK] = 2 }},
	{"rome-v1", "rome-v1", func(c *Config) { c.Extra[ExtraK] = 2 }},
}

func gumbelConfig(t *testing.T, method string, mod func(*Config)) Config {
	t.Helper()
	cfg := tinyConfig(t, method)
	if mod != nil {
		mod(&cfg)
	}
	return cfg
}

// TestGumbelSearchOutputs runs each Gumbel method for two epochs on a tiny
// supernet and checks the outputs: a genotype the other stages read and
// build (ROME: two distinct inputs per node; GDAS-FRC: reduce None),
// alphas.jsonl with the op weights (and ROME's edge weights), the plots,
// and the temperature at its final value.
func TestGumbelSearchOutputs(t *testing.T) {
	for _, tc := range gumbelCases {
		if testing.Short() && tc.name != "rome" && tc.name != "gdas-frc" {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			cfg := gumbelConfig(t, tc.method, tc.mod)
			dir := t.TempDir()
			s, out := run(t, cfg, synthData(t, 32, 1, 8, 8, 3, 1), Options{Threads: 1, Out: dir, Infer: true})
			if out.Stop != StopDone || out.Infer == nil || out.Infer.N != 16 {
				t.Fatalf("stop %q, infer %+v", out.Stop, out.Infer)
			}
			fixed := cfg.Extra[ExtraFixedReduce] != 0
			gf, err := models.ReadGenoFile(filepath.Join(dir, GenotypeFile))
			if err != nil {
				t.Fatal(err)
			}
			g := &gf.Genotype
			if !reflect.DeepEqual(g, out.Genotype) || (g.Reduce == nil) != fixed {
				t.Fatalf("genotype file %v; the search found %v", g, out.Genotype)
			}
			set, err := models.LookupOpSet(gf.OpSet)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := derive.Build(g, set, derive.Config{Dataset: "mnist", Input: spec.Shape{C: 1, H: 8, W: 8}, Channels: 8, Layers: 3}); err != nil {
				t.Fatalf("the searched genotype does not build: %v", err)
			}
			if tc.method != "gdas" {
				for _, cell := range [][]models.Pair{g.Normal, g.Reduce} {
					for i := 0; i < len(cell); i += 2 {
						if cell[i].Input == cell[i+1].Input {
							t.Fatalf("node %d has inputs %v", i/2, cell[i:i+2])
						}
					}
				}
			}
			hist, err := ReadAlphas(filepath.Join(dir, AlphasFile))
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) != 3 {
				t.Fatalf("%d records", len(hist))
			}
			for _, r := range hist {
				if len(r.Normal) != 14 || (len(r.Reduce) == 0) != fixed {
					t.Fatalf("epoch %d: %d normal and %d reduce rows", r.Epoch, len(r.Normal), len(r.Reduce))
				}
				if hasEdges := r.NormalEdges != nil; hasEdges != (tc.method != "gdas") {
					t.Fatalf("epoch %d: edge weights %v", r.Epoch, r.NormalEdges)
				}
				for i := 0; r.NormalEdges != nil && i < 4; i++ {
					start, n := NodeRows(i)
					var sum float64
					for _, v := range r.NormalEdges[start : start+n] {
						sum += v
					}
					if math.Abs(sum-1) > 1e-9 {
						t.Fatalf("epoch %d node %d: edge weights sum to %v", r.Epoch, i, sum)
					}
				}
			}
			files := []string{"alphas_normal.svg", "alphas_normal.png", "normal.svg", "normal.dot"}
			if !fixed {
				files = append(files, "alphas_reduce.svg", "alphas_reduce.png", "reduce.svg", "reduce.dot")
			}
			for _, f := range files {
				if b, err := os.ReadFile(filepath.Join(dir, f)); err != nil || len(b) < 100 {
					t.Fatalf("%s: %d bytes, %v", f, len(b), err)
				}
			}
			var tau float64
			switch st := s.Strategy.(type) {
			case *GDAS:
				tau = st.Tau()
			case *ROME:
				tau = st.Tau()
			}
			if tau != DefaultTau.Min {
				t.Errorf("final temperature %v, want %v", tau, DefaultTau.Min)
			}
		})
	}
}

// TestGumbelDeterminism: the same seed and thread count give the same
// weights, architecture and history bit for bit; another seed does not.
func TestGumbelDeterminism(t *testing.T) {
	for _, tc := range gumbelCases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := gumbelConfig(t, tc.method, tc.mod)
			cfg.Epochs = 1
			d := synthData(t, 32, 1, 8, 8, 3, 2)
			threads := []int{1, 2}
			if testing.Short() {
				threads = threads[1:]
			}
			for _, th := range threads {
				a, outA := run(t, cfg, d, Options{Threads: th})
				b, outB := run(t, cfg, d, Options{Threads: th})
				wa, aa, ha := snapshot(a)
				wb, ab, hb := snapshot(b)
				if !sameBits(wa, wb) || !sameBits(aa, ab) || !reflect.DeepEqual(ha, hb) || !reflect.DeepEqual(outA.Genotype, outB.Genotype) {
					t.Fatalf("%d threads: two runs with seed %d differ", th, cfg.Seed)
				}
			}
			other := cfg
			other.Seed++
			c, _ := run(t, other, d, Options{Threads: 2})
			a, _ := run(t, cfg, d, Options{Threads: 2})
			if _, ac, _ := snapshot(c); sameBits(snapshotArch(a), ac) {
				t.Fatal("seeds 1 and 2 gave the same architecture")
			}
		})
	}
}

func snapshotArch(s *Searcher) []float32 {
	_, a, _ := snapshot(s)
	return a
}

// TestGumbelResume: stopped mid-epoch and resumed from the checkpoint, a
// Gumbel search (whose samples come from the engine's random state and
// whose temperature is set per epoch) ends bit-identical to one that ran
// through.
func TestGumbelResume(t *testing.T) {
	for _, tc := range gumbelCases {
		if testing.Short() && tc.name != "rome" && tc.name != "gdas" {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			cfg := gumbelConfig(t, tc.method, tc.mod)
			d := synthData(t, 32, 1, 8, 8, 3, 3)
			full, fullOut := run(t, cfg, d, Options{Threads: 1, Infer: true})
			dir := t.TempDir()
			_, part := run(t, cfg, d, Options{Threads: 1, Out: dir, MaxSteps: 5, NoPlots: true, Infer: true})
			if part.Stop != StopMaxSteps {
				t.Fatalf("stopped with %q", part.Stop)
			}
			resumed, err := Resume(dir, d, Options{Threads: 1, Out: dir, NoPlots: true, Infer: true})
			if err != nil {
				t.Fatal(err)
			}
			out, err := resumed.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			wf, af, hf := snapshot(full)
			wr, ar, hr := snapshot(resumed)
			if !sameBits(wf, wr) || !sameBits(af, ar) {
				t.Fatal("resumed weights or architecture differ from the uninterrupted run")
			}
			if !reflect.DeepEqual(hf, hr) || !reflect.DeepEqual(out.Genotype, fullOut.Genotype) || *out.Infer != *fullOut.Infer {
				t.Fatalf("resumed history differs:\n%+v\n%+v", hr, hf)
			}
		})
	}
}
