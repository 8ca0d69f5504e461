package pipeline

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonas/derive"
	"gonas/internal/spec"
	"gonas/models"
	"gonas/search"
	"gonas/train"
)

// fixtureRun makes the folder of a finished two-seed run without running
// anything: the real plot and file writers on made-up histories, and a
// state that points at their files. Without plots it writes the state's
// files but no search or training plots (faster).
func fixtureRun(t *testing.T, plots bool) (string, *State) {
	t.Helper()
	dir := t.TempDir()
	cfg, err := NewConfig("rome", "mnist", "quick", 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	st := &State{Format: StateFormat, Version: StateVersion, Gonas: "test", Command: "gonas run --seeds 2",
		Created: "2025-01-01T00:00:00Z", Updated: "2025-01-01T00:00:00Z", Threads: 2,
		Host: Host{CPUs: 2, OS: "linux", Arch: "amd64", GoVersion: "go1.26"}, Config: cfg,
		Stages: plannedStages(&cfg, dir, 2)}
	zoo, ok := models.LookupZoo("DARTS_V2")
	if !ok {
		t.Fatal("DARTS_V2 not in the zoo")
	}
	g := zoo.GenoFile()
	if _, err := derive.WriteCellPlots(dir, &g.Genotype); err != nil {
		t.Fatal(err)
	}
	if err := models.WriteGenoFile(filepath.Join(dir, GenotypeFile), g); err != nil {
		t.Fatal(err)
	}
	set, _ := models.LookupOpSet("darts")
	net, err := derive.Build(&g.Genotype, set, derive.Config{Dataset: "mnist", Layers: 5, Channels: 16})
	if err != nil {
		t.Fatal(err)
	}
	if err := spec.Write(filepath.Join(dir, NetFile), net); err != nil {
		t.Fatal(err)
	}
	counts, err := derive.Count(net)
	if err != nil {
		t.Fatal(err)
	}
	st.Net = &NetResult{GenotypeFile: GenotypeFile, Name: "DARTS_V2", Genotype: g.Genotype.String(), OpSet: "darts", Seed: 3,
		Layers: 5, Channels: 16, Input: "1x28x28", Classes: 10, Counts: counts}

	// Two searches with made-up architecture weights that drift apart.
	rows := search.Rows(4)
	for i, seed := range []uint64{2, 3} {
		sub := "search-seed" + []string{"2", "3"}[i]
		hist := fakeSearchHistory(set.Primitives, rows, 4)
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := search.WriteAlphas(filepath.Join(dir, sub, search.AlphasFile), hist); err != nil {
			t.Fatal(err)
		}
		if plots {
			if err := search.WriteAlphaPlots(filepath.Join(dir, sub), hist); err != nil {
				t.Fatal(err)
			}
		}
		st.Searches = append(st.Searches, SearchResult{Seed: seed, Dir: sub, Genotype: g.Genotype.String(), OpSet: "darts",
			Epochs: 3, Steps: 96, TrainAcc: 80 + float64(i), ValAcc: 79 + float64(i), Seconds: 95, PeakBytes: 200 << 20})
	}
	st.Selection = []Candidate{{Seed: 2, Dir: "select/seed2", Genotype: g.Genotype.String(), ValAcc: 97.1, ValLoss: 0.1},
		{Seed: 3, Dir: "select/seed3", Genotype: g.Genotype.String(), ValAcc: 97.5, ValLoss: 0.09, Chosen: true}}

	// The retraining's metrics and curves.
	tdir := filepath.Join(dir, "train")
	if err := os.MkdirAll(tdir, 0o755); err != nil {
		t.Fatal(err)
	}
	var ms []train.EpochMetrics
	var buf bytes.Buffer
	for e := 1; e <= 4; e++ {
		m := train.EpochMetrics{Epoch: e, Step: int64(625 * e), LR: 0.05 / float64(e), TrainLoss: 0.5 / float64(e), TrainAcc: 95 + float64(e),
			TestLoss: 0.4 / float64(e), TestAcc: 96 + float64(e)*0.7, Seconds: 300, ImagesPerSec: 200}
		ms = append(ms, m)
		if err := json.NewEncoder(&buf).Encode(m); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(tdir, train.MetricsFile), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if plots {
		if err := train.WriteCurves(tdir, ms); err != nil {
			t.Fatal(err)
		}
	}
	st.Train = &TrainResult{Dir: "train", Checkpoint: "train/checkpoint.ckpt", Epochs: 4, Steps: 2500, TrainImages: 60000,
		TestImages: 10000, TestAcc: 98.8, TestLoss: 0.1, BestAcc: 98.8, BestEpoch: 4, ImagesPerSec: 200,
		WeightsSHA256: "ab12", ModelSHA256: "cd34"}
	st.Export = &ExportResult{File: ONNXFile, Bytes: 123456, Opset: 13, Nodes: 321, Initializers: 99, InputMean: "0.1307", InputStd: "0.3081"}
	st.Verify = &VerifyResult{Images: 10000, GoCorrect: 9880, GoAcc: 98.8, GoSeconds: 20, ORTCorrect: 9881, ORTAcc: 98.81,
		ORTSeconds: 3, Agree: 9999, MaxAbsDiff: 3e-6}
	for i := range st.Stages {
		s := &st.Stages[i]
		s.Status, s.Attempts, s.Seconds, s.Load, s.Summary = StatusDone, 1, float64(10*(i+1)), [2]float64{1.1, 1.3}, "fine"
	}
	st.Done = true
	if err := os.WriteFile(filepath.Join(dir, ONNXFile), []byte("not really onnx"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, st
}

// fakeSearchHistory is an initial record and epochs records whose
// softmaxed weights move towards one op per edge.
func fakeSearchHistory(ops []string, rows, epochs int) []search.EpochRecord {
	var hist []search.EpochRecord
	for e := 0; e <= epochs; e++ {
		r := search.EpochRecord{Epoch: e, Step: int64(32 * e), LR: 0.05, TrainLoss: 2 - 0.3*float64(e), TrainAcc: 20 * float64(e),
			ValLoss: 2.1 - 0.3*float64(e), ValAcc: 19 * float64(e), Seconds: 30, ImagesPerSec: 120}
		r.Ops = ops
		for c := range 2 {
			w := make([][]float64, rows)
			for i := range w {
				w[i] = make([]float64, len(ops))
				sum := 0.0
				for j := range w[i] {
					w[i][j] = math.Exp(float64(e) * 0.3 * math.Sin(float64(i*len(ops)+j+c)))
					sum += w[i][j]
				}
				for j := range w[i] {
					w[i][j] /= sum
				}
			}
			if c == 0 {
				r.Normal = w
			} else {
				r.Reduce = w
			}
		}
		hist = append(hist, r)
	}
	return hist
}
