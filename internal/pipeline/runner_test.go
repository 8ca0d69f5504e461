package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonas/engine/data"
	"gonas/export"
	"gonas/models"
	"gonas/search"
	"gonas/train"
)

// A tiny run on MNIST goes through every stage and leaves the files and
// numbers each promises; the accuracies agree with independent
// measurements: the trainer's own evaluation of the last epoch, and
// (when installed) ONNX Runtime image by image.
func TestTinyRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a whole tiny pipeline (seconds)")
	}
	if _, err := data.MNISTDir(); err != nil {
		t.Skipf("MNIST not in the module cache: %v", err)
	}
	cfg, err := NewConfig("rome", "mnist", "tiny", 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	var log bytes.Buffer
	r, err := Start(cfg, dir, Options{Threads: 2, Log: &log, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := r.Run(context.Background())
	r.Close()
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if !st.Done {
		t.Fatal("the run is not done")
	}
	for _, s := range st.Stages {
		if s.Status != StatusDone || s.Attempts != 1 || s.Summary == "" {
			t.Errorf("stage %+v", s)
		}
	}
	for _, f := range []string{StateFile, LogFile, GenotypeFile, NetFile, "normal.svg", "reduce.svg", "normal.dot", ONNXFile, ReportFile,
		"search/search.ckpt", "search/genotype.geno", "search/alphas.jsonl", "search/alphas_normal.png",
		"train/checkpoint.ckpt", "train/metrics.jsonl", "train/curves.png", "train/steps.jsonl", "train/steps.png"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	// The retrained genotype is the search's.
	a, err := models.ReadGenoFile(filepath.Join(dir, "search", search.GenotypeFile))
	if err != nil {
		t.Fatal(err)
	}
	b, err := models.ReadGenoFile(filepath.Join(dir, GenotypeFile))
	if err != nil {
		t.Fatal(err)
	}
	if a.Genotype.String() != b.Genotype.String() || st.Net.Genotype != a.Genotype.String() || st.Searches[0].Genotype != a.Genotype.String() {
		t.Errorf("genotypes differ: search %s, run %s, state %s", a.Genotype.String(), b.Genotype.String(), st.Net.Genotype)
	}
	// The state's figures are the files'.
	sum, err := train.Inspect(filepath.Join(dir, st.Train.Checkpoint))
	if err != nil {
		t.Fatal(err)
	}
	if sum.WeightsSHA256 != st.Train.WeightsSHA256 || sum.Training.Params != st.Net.Counts.Params || !sum.Training.Done {
		t.Errorf("train result %+v, checkpoint %s params %d", st.Train, sum.WeightsSHA256, sum.Training.Params)
	}
	metrics, err := train.ReadMetrics(filepath.Join(dir, "train", train.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	v := st.Verify
	if last := metrics[len(metrics)-1]; v.Images != cfg.Plan.Train.TestSubset || v.GoCorrect*100 != int(last.TestAcc*float64(v.Images)+0.5) {
		t.Errorf("the verification's engine accuracy %d/%d differs from the trainer's last evaluation %.2f%%", v.GoCorrect, v.Images, last.TestAcc)
	}
	if fi, _ := os.Stat(filepath.Join(dir, ONNXFile)); st.Export.Bytes != fi.Size() {
		t.Errorf("export size %d, file %d", st.Export.Bytes, fi.Size())
	}
	if _, _, err := export.FindORT(); err == nil {
		if !v.ORTRan() || v.Agree != v.Images || v.ORTCorrect != v.GoCorrect || v.MaxAbsDiff > 1e-3 {
			t.Errorf("ONNX Runtime against the engine: %+v", v)
		}
	} else if v.ORTRan() || !strings.Contains(v.ORTSkipped, "ONNX Runtime not available") {
		t.Errorf("without ONNX Runtime: %+v", v)
	}
	for _, want := range []string{"== [1/6] search: starting", "same as: gonas search --method rome", "== [6/6] report"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("the log lacks %q", want)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, LogFile)); err != nil || string(b) != log.String() {
		t.Errorf("run.log differs from the printed log (%v)", err)
	}

	// Opening the finished run again does nothing but say so.
	log.Reset()
	r, err = Open(dir, Options{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	st2, err := r.Run(context.Background())
	r.Close()
	if err != nil || !st2.Done || strings.Count(log.String(), "done before") != len(st.Stages) {
		t.Errorf("reopened: %v\n%s", err, log.String())
	}

	var sb strings.Builder
	if err := WriteSummary(&sb, dir, st2); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"gonas run: rome on mnist, tiny budget, seed 4, 2 threads", "search  done", "verify  done", "total",
		"test accuracy:", "Go engine", "report: " + filepath.Join(dir, ReportFile)} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, sb.String())
		}
	}

	// Without ONNX Runtime the verification measures the engine alone and
	// says why (here: the runner script is not where it is said to be).
	t.Setenv(export.ScriptEnv, filepath.Join(t.TempDir(), "missing.js"))
	st2.Stage(StageVerify).Status, st2.Stage(StageReport).Status, st2.Done = StatusPending, StatusPending, false
	if err := WriteState(filepath.Join(dir, StateFile), st2); err != nil {
		t.Fatal(err)
	}
	log.Reset()
	if r, err = Open(dir, Options{Log: &log}); err != nil {
		t.Fatal(err)
	}
	st3, err := r.Run(context.Background())
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	if v := st3.Verify; v.ORTRan() || !strings.Contains(v.ORTSkipped, "ONNX Runtime not available") || v.GoCorrect != st.Verify.GoCorrect ||
		!strings.Contains(log.String(), "ONNX Runtime accuracy SKIPPED: ONNX Runtime not available") {
		t.Errorf("without ONNX Runtime: %+v\n%s", v, log.String())
	}
	var nort strings.Builder
	if err := WriteSummary(&nort, dir, st3); err != nil || !strings.Contains(nort.String(), "; ONNX Runtime skipped: ONNX Runtime not available") {
		t.Errorf("summary without ONNX Runtime (%v):\n%s", err, nort.String())
	}
}

// A cancelled context stops the stage in progress with its checkpoint and
// marks the stage interrupted; the run resumes from there.
func TestRunInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a tiny pipeline twice (seconds)")
	}
	if _, err := data.MNISTDir(); err != nil {
		t.Skipf("MNIST not in the module cache: %v", err)
	}
	cfg, _ := NewConfig("rome", "mnist", "tiny", 4, 1)
	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithCancel(context.Background())
	// Cancel once the search has finished its first epoch.
	w := &cancelOn{ctx: ctx, cancel: cancel, marker: "epoch 1/2: lr"}
	r, err := Start(cfg, dir, Options{Threads: 2, Log: w})
	if err != nil {
		t.Fatal(err)
	}
	st, err := r.Run(ctx)
	r.Close()
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("run after cancel: %v", err)
	}
	if s := st.Stage(StageSearch); s.Status != StatusInterrupted || st.Stage(StageTrain).Status != StatusPending {
		t.Fatalf("stages after cancel: %+v", st.Stages)
	}
	h, err := search.ReadHeader(filepath.Join(dir, "search", search.CheckpointFile))
	if err != nil || h.State.Done || h.Reason != search.StopInterrupted {
		t.Fatalf("search checkpoint after cancel: %v %+v", err, h)
	}
	var log bytes.Buffer
	r, err = Open(dir, Options{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	st, err = r.Run(context.Background())
	r.Close()
	if err != nil || !st.Done {
		t.Fatalf("resumed: %v\n%s", err, log.String())
	}
	if s := st.Stage(StageSearch); s.Attempts != 2 || !strings.Contains(log.String(), "resuming (attempt 2; the last one was interrupted)") ||
		!strings.Contains(log.String(), "resuming the search from") {
		t.Errorf("search stage %+v\n%s", s, log.String())
	}
}

// cancelOn cancels a context once the log shows a marker.
type cancelOn struct {
	ctx    context.Context
	cancel func()
	marker string
	buf    strings.Builder
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.buf.Write(p)
	if strings.Contains(c.buf.String(), c.marker) {
		c.cancel()
	}
	return len(p), nil
}

// With two seeds the run searches twice, retrains both genotypes briefly
// and retrains the one that validates best: its recorded validation
// accuracy is what the candidate's checkpoint scores on the second half
// of the selection's images, evaluated here.
func TestTinyRunSeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a tiny pipeline with two searches (seconds)")
	}
	if _, err := data.MNISTDir(); err != nil {
		t.Skipf("MNIST not in the module cache: %v", err)
	}
	cfg, err := NewConfig("gdas", "mnist", "tiny", 5, 2)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	var log bytes.Buffer
	r, err := Start(cfg, dir, Options{Threads: 2, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	st, err := r.Run(context.Background())
	r.Close()
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(st.Searches) != 2 || len(st.Selection) != 2 {
		t.Fatalf("%d searches, %d candidates", len(st.Searches), len(st.Selection))
	}
	full, err := data.Load("mnist", "train", data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	full, _ = full.Subset(0, cfg.Plan.Select.Subset)
	_, val, err := data.Split(full, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	chosen := -1
	for i, c := range st.Selection {
		ck, err := train.ReadCheckpoint(filepath.Join(dir, c.Dir, train.CheckpointFile))
		if err != nil {
			t.Fatal(err)
		}
		m, err := ck.Model()
		if err != nil {
			t.Fatal(err)
		}
		ev, err := train.Evaluate(m, val, 64, 2)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Acc != c.ValAcc || ev.Images != val.Len() {
			t.Errorf("candidate %d: recorded %.4f%%, its checkpoint scores %.4f%% on %d validation images", c.Seed, c.ValAcc, ev.Acc, ev.Images)
		}
		if c.Genotype != st.Searches[i].Genotype {
			t.Errorf("candidate %d is not the genotype of search %d", c.Seed, st.Searches[i].Seed)
		}
		if c.Chosen {
			if chosen >= 0 {
				t.Error("two candidates chosen")
			}
			chosen = i
		}
	}
	if chosen != chooseCandidate(st.Selection) {
		t.Errorf("chosen candidate %d, the best is %d", chosen, chooseCandidate(st.Selection))
	}
	if got := genoText(t, filepath.Join(dir, GenotypeFile)); got != st.Selection[chosen].Genotype || st.Net.Seed != st.Selection[chosen].Seed {
		t.Errorf("retrained %s (seed %d), chosen %s", got, st.Net.Seed, st.Selection[chosen].Genotype)
	}
}

func genoText(t *testing.T, path string) string {
	t.Helper()
	gf, err := models.ReadGenoFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return gf.Genotype.String()
}
