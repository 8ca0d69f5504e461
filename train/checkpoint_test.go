package train

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonas/engine/ckpt"
)

// trainedTiny runs the tiny setup for a few steps and returns the trainer
// and its checkpoint path.
func trainedTiny(t *testing.T, steps int64) (*Trainer, tinySetup, string) {
	t.Helper()
	s := newTiny(t)
	out := t.TempDir()
	opt := s.options(out)
	opt.MaxSteps = steps
	tr, err := New(s.net, tinyConfig(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return tr, s, filepath.Join(out, CheckpointFile)
}

// TestCheckpointRoundTrip: the checkpoint alone rebuilds a model whose
// tensors and logits equal the trained model's bit for bit.
func TestCheckpointRoundTrip(t *testing.T) {
	tr, s, path := trainedTiny(t, 3)
	c, err := ReadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.Model()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range tr.Model().Params.All() {
		got := m.Params.Get(name)
		for i := range want.Data {
			if math.Float32bits(got.Data[i]) != math.Float32bits(want.Data[i]) {
				t.Fatalf("%s[%d]: loaded %v, trained %v", name, i, got.Data[i], want.Data[i])
			}
		}
	}
	x := make([]float32, s.test.Len()*s.test.ImageSize())
	for i, p := range s.test.Images {
		x[i] = (float32(p)/255 - 0.3) / 0.3
	}
	want, err := Predict(tr.Model(), x, s.test.Len(), 7, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Predict(m, x, s.test.Len(), 32, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != s.test.Len()*4 {
		t.Fatalf("%d logits for %d images of 4 classes", len(got), s.test.Len())
	}
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("logit %d: reloaded %v, trained %v", i, got[i], want[i])
		}
	}
	h := c.Header
	if h.Format != HeaderFormat || h.Net == nil || h.Genotype == "" || h.GenotypeName != "DARTS_V2" || h.OpSet != "darts" ||
		h.Config != tinyConfig() || h.State.Step != 3 || h.Optimizer.Step != 3 || h.Reason != string(StopMaxSteps) || h.Threads != 2 {
		t.Fatalf("header: %+v", h)
	}
	// Every learned tensor has a momentum buffer after 3 steps.
	if n := len(c.File.Tensors); n != tr.Model().Params.Len()+len(tr.slots) {
		t.Fatalf("%d tensors, want %d model + %d momentum", n, tr.Model().Params.Len(), len(tr.slots))
	}
}

// TestCheckpointErrors: damaged, truncated, foreign and non-training files
// give errors naming the file and the problem.
func TestCheckpointErrors(t *testing.T) {
	_, _, path := trainedTiny(t, 2)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)-20] ^= 0x40
	header := append([]byte(nil), good...)
	header[40] ^= 0x01
	other := filepath.Join(dir, "search.ckpt")
	if err := ckpt.Write(other, map[string]any{"format": "gonas-search", "version": 1}, nil); err != nil {
		t.Fatal(err)
	}
	noFormat := filepath.Join(dir, "noformat.ckpt")
	if err := ckpt.Write(noFormat, map[string]any{"epoch": 3}, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		want       []string
	}{
		{"corrupted data", write("flipped.ckpt", flipped), []string{"flipped.ckpt", "corrupt|crc|checksum"}},
		{"corrupted header", write("header.ckpt", header), []string{"header.ckpt", "checksum mismatch"}},
		{"truncated", write("trunc.ckpt", good[:len(good)/2]), []string{"trunc.ckpt", "truncated"}},
		{"empty", write("empty.ckpt", nil), []string{"empty.ckpt"}},
		{"npy", write("x.npy", []byte("\x93NUMPY\x01\x00v\x00{'descr': '<f4'}")), []string{"x.npy", "not a gonas checkpoint", "NumPy"}},
		{"json", write("net.json", []byte(`{"nodes": []}`)), []string{"net.json", "not a gonas checkpoint"}},
		{"search checkpoint", other, []string{"search.ckpt", `"gonas-search"`, "not a training checkpoint"}},
		{"no format", noFormat, []string{"noformat.ckpt", "not a training checkpoint"}},
		{"missing", filepath.Join(dir, "nope.ckpt"), []string{"nope.ckpt", "no such file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCheckpoint(tc.path)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				found := false
				for _, alt := range strings.Split(w, "|") {
					found = found || strings.Contains(strings.ToLower(err.Error()), strings.ToLower(alt))
				}
				if !found {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if _, rerr := Resume(tc.path, Options{Out: t.TempDir()}); rerr == nil {
				t.Error("Resume accepted it")
			}
		})
	}
}

// TestNewRefusesExistingRun: a fresh run does not overwrite a directory
// holding a checkpoint unless asked to.
func TestNewRefusesExistingRun(t *testing.T) {
	tr, s, path := trainedTiny(t, 1)
	_ = tr
	opt := s.options(filepath.Dir(path))
	if _, err := New(s.net, tinyConfig(), opt); err == nil || !strings.Contains(err.Error(), "already holds a checkpoint") {
		t.Fatalf("want a refusal, got %v", err)
	}
	opt.Overwrite = true
	if _, err := New(s.net, tinyConfig(), opt); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the old checkpoint is still there: %v", err)
	}
}

// TestResumeNeedsSameData: resuming with a different training set is an
// error, not a silent divergence.
func TestResumeNeedsSameData(t *testing.T) {
	_, s, path := trainedTiny(t, 1)
	opt := s.options(filepath.Dir(path))
	opt.Train = synthData(t, "train", 80, 1, 12, 12, 4, 1)
	if _, err := Resume(path, opt); err == nil || !strings.Contains(err.Error(), "same data") {
		t.Fatalf("want a data mismatch error, got %v", err)
	}
}

// TestInspectSummary: the summary's counts and fingerprints agree with the
// trainer's own tensors.
func TestInspectSummary(t *testing.T) {
	tr, _, path := trainedTiny(t, 2)
	s, err := Inspect(path)
	if err != nil {
		t.Fatal(err)
	}
	var model []ckpt.Tensor
	var values int64
	for name, p := range tr.Model().Params.All() {
		model = append(model, ckpt.Tensor{Name: name, Shape: p.Shape, Data: p.Data})
		values += int64(len(p.Data))
	}
	for _, sl := range tr.slots {
		values += int64(len(sl.Data))
	}
	if s.Type != "training checkpoint" || s.Tensors.Model != tr.Model().Params.Len() || s.Tensors.Optimizer != len(tr.slots) ||
		s.Tensors.Values != values || s.ModelSHA256 != ckpt.WeightsSHA256(model) || s.WeightsSHA256 != fileHash(t, path) {
		t.Fatalf("summary %+v", s)
	}
	ts := s.Training
	if ts == nil || ts.Step != 2 || ts.Position != "epoch 1 batch 2, step 2" || ts.Pos.Batch != 2 || ts.GenotypeName != "DARTS_V2" || ts.Net.Nodes != len(tr.net.Nodes) ||
		ts.Params != tr.counts.Params || ts.TrainImages != 96 || ts.TestImages != 32 {
		t.Fatalf("training summary %+v", ts)
	}
	other := filepath.Join(t.TempDir(), "search.ckpt")
	if err := ckpt.Write(other, map[string]any{"format": "gonas-search"}, []ckpt.Tensor{{Name: "alpha", Shape: []int{2}, Data: []float32{1, 2}}}); err != nil {
		t.Fatal(err)
	}
	if s, err = Inspect(other); err != nil || s.Training != nil || !strings.Contains(string(s.Meta), "gonas-search") || s.Tensors.Count != 1 {
		t.Fatalf("other checkpoint: %+v, %v", s, err)
	}
}

// TestEvaluateAgreesWithPredict: Evaluate's accuracy and loss equal the
// argmax count and cross-entropy of Predict's logits.
func TestEvaluateAgreesWithPredict(t *testing.T) {
	tr, s, _ := trainedTiny(t, 4)
	r, err := Evaluate(tr.Model(), s.test, 5, 2)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, len(s.test.Images))
	for i, p := range s.test.Images {
		x[i] = (float32(p)/255 - 0.3) / 0.3
	}
	logits, err := Predict(tr.Model(), x, s.test.Len(), 32, 2)
	if err != nil {
		t.Fatal(err)
	}
	correct := 0
	for i, y := range s.test.Labels {
		row := logits[i*4 : i*4+4]
		best := 0
		for j := range row {
			if row[j] > row[best] {
				best = j
			}
		}
		if best == y {
			correct++
		}
	}
	loss := smoothedCE(logits, s.test.Labels, 0)
	if r.Images != 32 || r.Correct != correct || math.Abs(r.Acc-100*float64(correct)/32) > 1e-12 || math.Abs(r.Loss-loss) > 1e-5 {
		t.Fatalf("Evaluate %+v; from the logits: %d correct, loss %v", r, correct, loss)
	}
	if _, err := Predict(tr.Model(), x[:10], 1, 1, 1); err == nil {
		t.Fatal("Predict accepted 10 values for a 12x12 image")
	}
	x[3] = float32(math.NaN())
	if _, err := Predict(tr.Model(), x, 32, 8, 1); err == nil {
		t.Fatal("Predict accepted a NaN input")
	}
}
