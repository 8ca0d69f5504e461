package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"gonas/internal/pipeline"
	"gonas/models"
	"gonas/search"
	"gonas/train"
)

// tinyRunArgs is `gonas run` on the tiny budget over the synthetic MNIST
// of mnistDir(t, 384, 64).
func tinyRunArgs(data, out string) []string {
	return []string{"run", "--budget", "tiny", "--data-dir", data, "--seed", "3", "--threads", "2", "--out", out}
}

// readRun reads a run folder's run.json.
func readRun(t *testing.T, dir string) *pipeline.State {
	t.Helper()
	st, err := pipeline.ReadState(filepath.Join(dir, pipeline.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// genotypeOf is the genotype text of a genotype file.
func genotypeOf(t *testing.T, path string) string {
	t.Helper()
	gf, err := models.ReadGenoFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return gf.Genotype.String()
}

// TestRunTiny runs `gonas run` on the tiny budget once through, then
// checks that (1) each stage's recorded command recomputes its stage bit
// for bit and (2) a run killed in the search and again in the
// retraining, each time after the stage's checkpoint appeared, and
// resumed with --resume ends with the genotype and weights of the
// uninterrupted run.
func TestRunTiny(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the tiny pipeline several times as a process (about a minute)")
	}
	data := mnistDir(t, 384, 64)
	work := t.TempDir()
	ref := filepath.Join(work, "ref")
	out := gonas(t, tinyRunArgs(data, ref)...)
	for _, want := range []string{"== [1/6] search: starting", "== [6/6] report", "stage   status", "total", "test accuracy:",
		"report: " + filepath.Join(ref, "report.html")} {
		if !strings.Contains(out, want) {
			t.Errorf("gonas run output lacks %q:\n%s", want, out)
		}
	}
	st := readRun(t, ref)
	if !st.Done || st.Train == nil || st.Verify == nil {
		t.Fatalf("reference run: %+v", st)
	}
	refGeno := genotypeOf(t, filepath.Join(ref, pipeline.GenotypeFile))
	refSHA := weightsSHA(t, filepath.Join(ref, "train", train.CheckpointFile))
	if refSHA != st.Train.WeightsSHA256 {
		t.Errorf("run.json records weights %s, inspect says %s", st.Train.WeightsSHA256, refSHA)
	}

	t.Run("stage commands reproduce the stages", func(t *testing.T) {
		again := filepath.Join(work, "again")
		// search
		args := stageArgs(t, st.Stage(pipeline.StageSearch).Command, filepath.Join(again, "search"))
		gonas(t, args...)
		if g := genotypeOf(t, filepath.Join(again, "search", search.GenotypeFile)); g != genotypeOf(t, filepath.Join(ref, "search", search.GenotypeFile)) {
			t.Errorf("gonas search found %s, the run %s", g, refGeno)
		}
		a, b := inspectAll(t, filepath.Join(ref, "search", search.CheckpointFile)), inspectAll(t, filepath.Join(again, "search", search.CheckpointFile))
		if a != b {
			t.Errorf("search checkpoints differ: %s vs %s", a, b)
		}
		// train (on the run's genotype.geno)
		gonas(t, stageArgs(t, st.Stage(pipeline.StageTrain).Command, filepath.Join(again, "train"))...)
		if got := weightsSHA(t, filepath.Join(again, "train", train.CheckpointFile)); got != refSHA {
			t.Errorf("gonas train ends with weights %s, the run %s", got, refSHA)
		}
		// export (of the run's checkpoint): the same graph; the metadata
		// differs only in the command that made the network.
		onnxPath := filepath.Join(again, "model.onnx")
		gonas(t, stageArgs(t, st.Stage(pipeline.StageExport).Command, onnxPath)...)
		x, y := readModel(t, filepath.Join(ref, "model.onnx")), readModel(t, onnxPath)
		mx, my := metadata(x), metadata(y)
		for k := range mx {
			if k != "command" && mx[k] != my[k] {
				t.Errorf("metadata %s: run %q, gonas export %q", k, mx[k], my[k])
			}
		}
		x.MetadataProps, y.MetadataProps = nil, nil
		if !proto.Equal(x, y) {
			t.Error("gonas export wrote another graph than the run")
		}
	})

	t.Run("killed and resumed", func(t *testing.T) {
		run := filepath.Join(work, "run")
		// Kill in the search, once a mid-search checkpoint has appeared.
		sckpt := filepath.Join(run, "search", search.CheckpointFile)
		killWhen(t, tinyRunArgs(data, run), func() bool {
			h, err := search.ReadHeader(sckpt)
			return err == nil && h.State.Step >= 3 && !h.State.Done
		})
		h, err := search.ReadHeader(sckpt)
		if err != nil || h.State.Done {
			t.Fatalf("search checkpoint after the kill: %v %+v", err, h)
		}
		if s := readRun(t, run).Stage(pipeline.StageSearch); s.Status != pipeline.StatusRunning {
			t.Fatalf("search stage after the kill: %+v", s)
		}
		t.Logf("killed the search after the checkpoint of iteration %d", h.State.Step)

		// Resume; kill in the retraining's second epoch.
		tckpt := filepath.Join(run, "train", train.CheckpointFile)
		killWhen(t, []string{"run", "--resume", run}, func() bool {
			c, err := train.ReadCheckpointHeader(tckpt)
			return err == nil && c.Header.State.Pos.Epoch == 1 && c.Header.State.Pos.Batch > 0 && !c.Header.State.Done
		})
		c, err := train.ReadCheckpointHeader(tckpt)
		if err != nil || c.Header.State.Done {
			t.Fatalf("train checkpoint after the kill: %v", err)
		}
		mid := readRun(t, run)
		if mid.Stage(pipeline.StageSearch).Status != pipeline.StatusDone || mid.Stage(pipeline.StageTrain).Status != pipeline.StatusRunning {
			t.Fatalf("stages after the second kill: %+v", mid.Stages)
		}
		t.Logf("killed the retraining after the checkpoint of step %d (%v)", c.Header.State.Step, c.Header.State.Pos)

		out := gonas(t, "run", "--resume", run)
		if !strings.Contains(out, "resuming (attempt 2; the last one was killed)") || !strings.Contains(out, "done before") {
			t.Errorf("resume output:\n%s", out)
		}
		got := readRun(t, run)
		if !got.Done || got.Stage(pipeline.StageSearch).Attempts != 2 || got.Stage(pipeline.StageTrain).Attempts != 2 {
			t.Errorf("resumed run: %+v", got.Stages)
		}
		if g := genotypeOf(t, filepath.Join(run, pipeline.GenotypeFile)); g != refGeno {
			t.Errorf("genotype after kills and resumes:\n%s\nuninterrupted:\n%s", g, refGeno)
		}
		if sha := weightsSHA(t, tckpt); sha != refSHA || got.Train.WeightsSHA256 != refSHA {
			t.Errorf("weights after kills and resumes %s (run.json %s), uninterrupted %s", sha, got.Train.WeightsSHA256, refSHA)
		}
		a, err := pipeline.ReadSteps(filepath.Join(ref, "train", pipeline.StepsFile))
		if err != nil {
			t.Fatal(err)
		}
		b, err := pipeline.ReadSteps(filepath.Join(run, "train", pipeline.StepsFile))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a, b) || len(a) == 0 {
			t.Errorf("the curve within epochs differs after kills and resumes: %d points vs %d", len(b), len(a))
		}
		if got.Verify.GoCorrect != st.Verify.GoCorrect || got.Verify.ORTCorrect != st.Verify.ORTCorrect {
			t.Errorf("accuracies differ: %+v vs %+v", got.Verify, st.Verify)
		}
	})
}

// stageArgs turns a recorded stage command into arguments for the CLI,
// with its output (the value of --out or -o) replaced by out.
func stageArgs(t *testing.T, command, out string) []string {
	t.Helper()
	f := strings.Fields(command)
	if len(f) < 2 || f[0] != "gonas" {
		t.Fatalf("not a gonas command: %q", command)
	}
	f = f[1:]
	i := slices.IndexFunc(f, func(s string) bool { return s == "--out" || s == "-o" })
	if i < 0 || i+1 >= len(f) {
		t.Fatalf("no output in %q", command)
	}
	f[i+1] = out
	return f
}

// inspectAll is the fingerprint of every tensor of a checkpoint.
func inspectAll(t *testing.T, path string) string {
	t.Helper()
	s, err := train.Inspect(path)
	if err != nil {
		t.Fatal(err)
	}
	return s.WeightsSHA256
}

// killWhen starts gonas with args and SIGKILLs it as soon as ready says
// so; it fails the test when the process ends first.
func killWhen(t *testing.T, args []string, ready func() bool) {
	t.Helper()
	cmd := exec.Command("gonas", args...)
	var logb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logb, &logb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		select {
		case err := <-done:
			t.Fatalf("gonas %s ended (%v) before the moment to kill it; output:\n%s", strings.Join(args, " "), err, logb.String())
		default:
		}
		if ready() {
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			return
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("gonas %s: no moment to kill within 2 minutes; output:\n%s", strings.Join(args, " "), logb.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
}
