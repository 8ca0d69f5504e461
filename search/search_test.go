package search

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gonas/derive"
	"gonas/internal/spec"
	"gonas/models"
)

func run(t *testing.T, cfg Config, d *Data, opt Options) (*Searcher, *Outcome) {
	t.Helper()
	s, err := New(cfg, d, opt)
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s, out
}

// TestSearchOutputs runs every method for two epochs on a tiny supernet and
// checks what it leaves behind: a genotype file the other stages read and
// build, alphas.jsonl with one record per epoch (and the initial one), the
// checkpoint, and the plots.
func TestSearchOutputs(t *testing.T) {
	for _, method := range relaxedMethods {
		t.Run(method, func(t *testing.T) {
			// DARTS runs the full cell (14 edges); the others two nodes.
			cfg := fastConfig(t, method)
			if method == "darts" {
				cfg = tinyConfig(t, method)
			}
			rows := Rows(cfg.Steps)
			dir := t.TempDir()
			var log bytes.Buffer
			plots := method == "darts" // plotting is slow; once is enough
			s, out := run(t, cfg, synthData(t, 32, 1, 8, 8, 3, 1), Options{Threads: 1, Out: dir, Log: &log, LogEvery: 1,
				Infer: true, Command: "gonas search test", NoPlots: !plots})
			if out.Stop != StopDone || out.Infer == nil || out.Infer.N != 16 {
				t.Fatalf("stop %q, infer %+v", out.Stop, out.Infer)
			}
			for _, want := range []string{"epoch 2/2 step 4/4", "genotype normal:", "skip connections:", "final evaluation"} {
				if !strings.Contains(log.String(), want) {
					t.Errorf("log lacks %q:\n%s", want, log.String())
				}
			}
			gf, err := models.ReadGenoFile(filepath.Join(dir, GenotypeFile))
			if err != nil {
				t.Fatal(err)
			}
			if gf.OpSet != cfg.OpSet || !reflect.DeepEqual(&gf.Genotype, out.Genotype) || !strings.Contains(gf.Comment, "gonas search test") {
				t.Fatalf("genotype file: op set %q, comment %q, %v; the search found %v", gf.OpSet, gf.Comment, gf.Genotype, out.Genotype)
			}
			set, err := models.LookupOpSet(gf.OpSet)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := derive.Build(&gf.Genotype, set, derive.Config{Dataset: "mnist", Input: spec.Shape{C: 1, H: 8, W: 8}, Channels: 4, Layers: 3}); err != nil {
				t.Fatalf("the searched genotype does not build: %v", err)
			}
			hist, err := ReadAlphas(filepath.Join(dir, AlphasFile))
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) != 3 || hist[0].Epoch != 0 || hist[2].Epoch != 2 {
				t.Fatalf("%d records", len(hist))
			}
			for _, r := range hist {
				for _, w := range [][][]float64{r.Normal, r.Reduce} {
					if len(w) != rows {
						t.Fatalf("epoch %d: %d rows", r.Epoch, len(w))
					}
					for _, row := range w {
						var sum float64
						for _, v := range row {
							sum += v
						}
						if math.Abs(sum-1) > 1e-9 || len(row) != len(set.Primitives) {
							t.Fatalf("epoch %d: softmax row %v sums to %v", r.Epoch, row, sum)
						}
					}
				}
				if (r.NormalEdges != nil) != cfg.EdgeNorm {
					t.Fatalf("epoch %d: edge weights %v with edge normalisation %v", r.Epoch, r.NormalEdges, cfg.EdgeNorm)
				}
			}
			if hist[2].Genotype != out.Genotype.String() || hist[2].TrainAcc == 0 || hist[2].ImagesPerSec <= 0 {
				t.Fatalf("last record %+v", hist[2])
			}
			// The learning rates of the two epochs: cosine stepped first
			// (epoch e uses t = e+1 of 2), or sharpDARTS's power cosine,
			// which starts at the maximum and ends at the minimum.
			lr1, lr2 := cfg.LRMin+(cfg.LR-cfg.LRMin)*(1+math.Cos(math.Pi/2))/2, cfg.LRMin
			if cfg.Schedule == SchedulePowerCosine {
				lr1 = cfg.LR
			}
			if math.Abs(hist[1].LR-lr1) > 1e-12 || math.Abs(hist[2].LR-lr2) > 1e-12 {
				t.Fatalf("learning rates %v, %v; want %v, %v", hist[1].LR, hist[2].LR, lr1, lr2)
			}
			// PC-DARTS's warm-up (15 of 50 epochs, 1 of 2 here) leaves the
			// architecture as it was initialised.
			warm := method == "pcdarts"
			if hist[1].ArchActive == warm || !hist[2].ArchActive || reflect.DeepEqual(hist[1].Normal, hist[0].Normal) != warm ||
				reflect.DeepEqual(hist[2].Normal, hist[1].Normal) {
				t.Fatalf("architecture steps in epochs 1, 2: %v, %v; weights changed: %v, %v", hist[1].ArchActive, hist[2].ArchActive,
					!reflect.DeepEqual(hist[1].Normal, hist[0].Normal), !reflect.DeepEqual(hist[2].Normal, hist[1].Normal))
			}
			h, err := ReadHeader(filepath.Join(dir, CheckpointFile))
			if err != nil {
				t.Fatal(err)
			}
			if !h.State.Done || h.Reason != StopDone || h.Config.Method != method || h.Params != s.Model.Params.Count() {
				t.Fatalf("checkpoint header %+v", h)
			}
			if !plots {
				return
			}
			for _, f := range []string{"alphas_normal.svg", "alphas_normal.png", "alphas_reduce.svg", "alphas_reduce.png",
				"normal.svg", "normal.dot", "reduce.svg", "reduce.dot"} {
				b, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				if strings.HasSuffix(f, ".png") && !bytes.HasPrefix(b, []byte("\x89PNG")) || len(b) < 100 {
					t.Fatalf("%s: %d bytes, not a plot", f, len(b))
				}
			}
		})
	}
}

// TestSharperSpace searches sharpDARTS's 12-op space.
func TestSharperSpace(t *testing.T) {
	cfg := fastConfig(t, "sharpdarts")
	cfg.OpSet, cfg.Epochs = "sharper", 1
	_, out := run(t, cfg, synthData(t, 16, 1, 8, 8, 3, 1), Options{Threads: 1})
	set, err := models.LookupOpSet("sharper")
	if err != nil {
		t.Fatal(err)
	}
	if err := out.Genotype.Validate(models.ParseOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range append(out.Genotype.Normal, out.Genotype.Reduce...) {
		if set.Index(p.Op) < 1 {
			t.Fatalf("op %s is not a sharper primitive other than none", p.Op)
		}
	}
}

// snapshot is everything a search computes: weights, BN statistics,
// architecture, and the history without wall times.
func snapshot(s *Searcher) (weights, arch []float32, hist []EpochRecord) {
	for _, t := range s.Model.Params.All() {
		weights = append(weights, t.Data...)
	}
	for _, t := range s.Strategy.Arch().All() {
		arch = append(arch, t.Data...)
	}
	for _, r := range s.State.History {
		r.Seconds, r.ImagesPerSec = 0, 0
		hist = append(hist, r)
	}
	return weights, arch, hist
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// TestDeterminism: the same seed and thread count give the same weights,
// architecture and genotype bit for bit; another seed does not.
func TestDeterminism(t *testing.T) {
	for _, method := range relaxedMethods {
		t.Run(method, func(t *testing.T) {
			cfg := fastConfig(t, method)
			cfg.Epochs, cfg.ArchWarmup = 1, 0
			d := synthData(t, 32, 1, 8, 8, 3, 2)
			threads := []int{1}
			if method == "darts" {
				threads = append(threads, 2)
			}
			for _, threads := range threads {
				a, outA := run(t, cfg, d, Options{Threads: threads})
				b, outB := run(t, cfg, d, Options{Threads: threads})
				wa, aa, ha := snapshot(a)
				wb, ab, hb := snapshot(b)
				if !sameBits(wa, wb) || !sameBits(aa, ab) || !reflect.DeepEqual(ha, hb) || !reflect.DeepEqual(outA.Genotype, outB.Genotype) {
					t.Fatalf("%d threads: two runs with seed %d differ", threads, cfg.Seed)
				}
			}
			if method != "darts" {
				return
			}
			other := cfg
			other.Seed++
			c, _ := run(t, other, d, Options{Threads: 1})
			a, _ := run(t, cfg, d, Options{Threads: 1})
			_, ac, _ := snapshot(c)
			_, aa, _ := snapshot(a)
			if sameBits(aa, ac) {
				t.Fatal("seeds 1 and 2 gave the same architecture")
			}
		})
	}
}

// TestResume: a search stopped mid-epoch and resumed from its checkpoint
// ends bit-identical to one that ran through (PC-DARTS stops in its
// warm-up epoch and resumes across the start of the architecture steps).
func TestResume(t *testing.T) {
	for _, method := range []string{"darts", "pcdarts", "darts2"} {
		t.Run(method, func(t *testing.T) {
			cfg := fastConfig(t, method)
			d := synthData(t, 32, 1, 8, 8, 3, 3)
			full, fullOut := run(t, cfg, d, Options{Threads: 1, Infer: true})
			dir := t.TempDir()
			_, part := run(t, cfg, d, Options{Threads: 1, Out: dir, MaxSteps: 3, NoPlots: true, Infer: true})
			if part.Stop != StopMaxSteps {
				t.Fatalf("stopped with %q", part.Stop)
			}
			resumed, err := Resume(dir, d, Options{Threads: 1, Out: dir, NoPlots: true, Infer: true})
			if err != nil {
				t.Fatal(err)
			}
			if resumed.State.Step != 3 || resumed.State.Pos.Batch != 3 {
				t.Fatalf("resumed at iteration %d, %v", resumed.State.Step, resumed.State.Pos)
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
