package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gonas/export"
	"gonas/internal/npy"
	"gonas/train"
)

// writeIdx writes a synthetic MNIST split in the original idx format
// (uncompressed): n 28x28 images where class k lights a 4x4 square at the
// k-th of ten spots, over noise.
func writeIdx(t *testing.T, dir, images, labels string, n int, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	img := binary.BigEndian.AppendUint32(nil, 0x803)
	img = binary.BigEndian.AppendUint32(img, uint32(n))
	img = binary.BigEndian.AppendUint32(img, 28)
	img = binary.BigEndian.AppendUint32(img, 28)
	lab := binary.BigEndian.AppendUint32(nil, 0x801)
	lab = binary.BigEndian.AppendUint32(lab, uint32(n))
	for range n {
		k := r.IntN(10)
		lab = append(lab, byte(k))
		px := make([]byte, 28*28)
		for i := range px {
			px[i] = byte(r.IntN(60))
		}
		y0, x0 := 4+(k/5)*12, 2+(k%5)*5
		for y := y0; y < y0+4; y++ {
			for x := x0; x < x0+4; x++ {
				px[y*28+x] = 255
			}
		}
		img = append(img, px...)
	}
	for name, b := range map[string][]byte{images: img, labels: lab} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// mnistDir makes a synthetic MNIST-format data directory.
func mnistDir(t *testing.T, train, test int) string {
	t.Helper()
	dir := t.TempDir()
	writeIdx(t, dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", train, 1)
	writeIdx(t, dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", test, 2)
	return dir
}

// gonas runs the CLI (the test binary re-executed, see TestMain) and
// returns its standard output; it fails the test on a non-zero exit.
func gonas(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("gonas", args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("gonas %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// weightsSHA is the weights_sha256 `gonas inspect --json` reports.
func weightsSHA(t *testing.T, path string) string {
	t.Helper()
	var s train.Summary
	if err := json.Unmarshal([]byte(gonas(t, "inspect", "--json", path)), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.WeightsSHA256) != 64 || s.Training == nil {
		t.Fatalf("inspect %s: %+v", path, s)
	}
	return s.WeightsSHA256
}

// tinyTrainArgs is a small DARTS_V2 run on the synthetic MNIST: 2 cells,
// C=4, 2 epochs of 24 steps, drop-path and augmentation on.
func tinyTrainArgs(data, out string) []string {
	return []string{"train", "-g", "DARTS_V2", "--dataset", "mnist", "--data-dir", data, "--layers", "2", "--channels", "4",
		"--epochs", "2", "--batch", "16", "--lr", "0.05", "--drop-path", "0.2", "--seed", "3", "--threads", "2", "--out", out}
}

// runUntil starts gonas with args, waits until the checkpoint at path is
// a mid-epoch one (of 24 batches) at step minStep or later, sends sig and
// waits for the process to end. It returns the state that checkpoint
// recorded, the process output and its exit error.
func runUntil(t *testing.T, path string, minStep int64, sig syscall.Signal, args ...string) (train.State, string, error) {
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
			t.Fatalf("gonas %s ended (%v) before a mid-epoch checkpoint at step %d was seen; output:\n%s",
				strings.Join(args, " "), err, minStep, logb.String())
		default:
		}
		if c, err := train.ReadCheckpointHeader(path); err == nil {
			if st := c.Header.State; st.Step >= minStep && st.Pos.Batch > 0 && st.Pos.Batch < 24 {
				cmd.Process.Signal(sig)
				err := <-done
				return st, logb.String(), err
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no mid-epoch checkpoint at step %d within 2 minutes; output:\n%s", minStep, logb.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestTrainKillResume runs `gonas train` as a process and interrupts it
// twice: SIGINT once a mid-epoch checkpoint has appeared in epoch 1 (it must
// save its position and exit cleanly), then, after --resume, SIGKILL once a
// mid-epoch checkpoint has appeared in epoch 2. A last --resume finishes
// the run, whose weights_sha256 must equal an uninterrupted run's.
func TestTrainKillResume(t *testing.T) {
	data := mnistDir(t, 384, 64)
	work := t.TempDir()
	ref := filepath.Join(work, "ref")
	gonas(t, tinyTrainArgs(data, ref)...)
	want := weightsSHA(t, filepath.Join(ref, train.CheckpointFile))

	run := filepath.Join(work, "run")
	path := filepath.Join(run, train.CheckpointFile)
	seen, out, err := runUntil(t, path, 3, syscall.SIGINT, append(tinyTrainArgs(data, run), "--ckpt-every", "3")...)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 || !strings.Contains(out, "stopped (interrupted)") || !strings.Contains(out, "continue with: gonas train --resume "+run) {
		t.Fatalf("after SIGINT: exit %v (want status 130), output:\n%s", err, out)
	}
	c, err := train.ReadCheckpointHeader(path)
	if err != nil {
		t.Fatal(err)
	}
	if st := c.Header.State; st.Done || st.Step < seen.Step {
		t.Fatalf("checkpoint after SIGINT at step %d (position %v); the run had saved step %d", st.Step, st.Pos, seen.Step)
	}
	t.Logf("SIGINT after the checkpoint at step %d; the run saved step %d (%s)", seen.Step, c.Header.State.Step, c.Header.Reason)

	seen, out, err = runUntil(t, path, 27, syscall.SIGKILL, "train", "--resume", run, "--ckpt-every", "3")
	if err == nil || !strings.Contains(out, "resuming") {
		t.Fatalf("the resumed run was not killed (exit %v); output:\n%s", err, out)
	}
	if _, err := train.ReadCheckpoint(path); err != nil {
		t.Fatalf("the checkpoint left by the killed run: %v", err)
	}
	t.Logf("SIGKILL after the checkpoint at epoch %d batch %d (step %d)", seen.Pos.Epoch+1, seen.Pos.Batch, seen.Step)

	out = gonas(t, "train", "--resume", run)
	if !strings.Contains(out, "resuming") || !strings.Contains(out, "done: 2 epochs") {
		t.Errorf("resume output:\n%s", out)
	}
	if got := weightsSHA(t, path); got != want {
		t.Fatalf("interrupted and resumed run ends with weights_sha256 %s, the uninterrupted run %s", got, want)
	}
	a, err := train.ReadMetrics(filepath.Join(ref, train.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	b, err := train.ReadMetrics(filepath.Join(run, train.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 2 || len(b) != 2 {
		t.Fatalf("metrics: %d and %d epochs", len(a), len(b))
	}
	for i := range a {
		if a[i].TrainLoss != b[i].TrainLoss || a[i].TestAcc != b[i].TestAcc || a[i].LR != b[i].LR {
			t.Errorf("epoch %d metrics differ: %+v vs %+v", i+1, a[i], b[i])
		}
	}
}

// TestTrainEvalPredictInspect: a short run writes every file the issue
// lists; eval, predict and inspect read what it wrote.
func TestTrainEvalPredictInspect(t *testing.T) {
	data := mnistDir(t, 96, 32)
	out := filepath.Join(t.TempDir(), "run")
	args := []string{"train", "-g", "DARTS_V2", "--dataset", "mnist", "--data-dir", data, "--layers", "2", "--channels", "4",
		"--epochs", "1", "--batch", "32", "--out", out, "--log-every", "1"}
	log := gonas(t, args...)
	// MNIST's cosine moves every step: 0.05, 0.05(1+cos(pi/3))/2, 0.05(1+cos(2pi/3))/2;
	// the epoch line shows the last.
	for _, want := range []string{"starting 1 epochs of 3 steps", "epoch 1/1 step 1/3 (1): loss", "% lr 0.05 ",
		"% lr 0.0375 ", "epoch 1: lr 0.0125 ", "done: 1 epochs"} {
		if !strings.Contains(log, want) {
			t.Errorf("train output lacks %q:\n%s", want, log)
		}
	}
	for _, f := range []string{train.CheckpointFile, train.BestFile, train.MetricsFile, train.CurvesSVG, train.CurvesPNG} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	ck := filepath.Join(out, train.BestFile)

	var ev struct {
		Acc     float64 `json:"acc"`
		Loss    float64 `json:"loss"`
		Images  int     `json:"images"`
		Correct int     `json:"correct"`
	}
	if err := json.Unmarshal([]byte(gonas(t, "eval", "--checkpoint", ck, "--json")), &ev); err != nil {
		t.Fatal(err)
	}
	hist, err := train.ReadMetrics(filepath.Join(out, train.MetricsFile))
	if err != nil || len(hist) != 1 {
		t.Fatalf("metrics: %v, %v", hist, err)
	}
	if ev.Images != 32 || ev.Acc != hist[0].TestAcc || ev.Loss != hist[0].TestLoss {
		t.Fatalf("eval %+v, the run logged test acc %v loss %v", ev, hist[0].TestAcc, hist[0].TestLoss)
	}
	if txt := gonas(t, "eval", ck); !strings.Contains(txt, "test accuracy") {
		t.Errorf("eval text: %s", txt)
	}

	// predict: 3 images in, 3x10 logits out, equal to the in-process model's.
	in := filepath.Join(t.TempDir(), "x.npy")
	x := make([]float32, 3*28*28)
	for i := range x {
		x[i] = float32(i%29)/10 - 1
	}
	if err := npy.WriteFile(in, &npy.Array{Dtype: npy.Float32, Shape: []int{3, 1, 28, 28}, F32: x}); err != nil {
		t.Fatal(err)
	}
	yPath := filepath.Join(t.TempDir(), "y.npy")
	gonas(t, "predict", "--checkpoint", ck, "--input", in, "--output", yPath, "--batch", "2")
	y, err := npy.ReadFile(yPath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := train.ReadCheckpoint(ck)
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.Model()
	if err != nil {
		t.Fatal(err)
	}
	want, err := train.Predict(m, x, 3, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(y.Shape) != 2 || y.Shape[0] != 3 || y.Shape[1] != 10 || len(y.F32) != len(want) {
		t.Fatalf("logits of shape %v", y.Shape)
	}
	for i := range want {
		if y.F32[i] != want[i] {
			t.Fatalf("logit %d: %v from the CLI, %v in process", i, y.F32[i], want[i])
		}
	}
	if txt := gonas(t, "inspect", yPath); !strings.Contains(txt, "shape (3, 10)") {
		t.Errorf("inspect of the logits: %s", txt)
	}

	// The same weights exported to ONNX predict the same logits.
	weights := map[string][]float32{}
	for _, tn := range c.File.Tensors {
		if !strings.HasPrefix(tn.Name, "optim/") {
			weights[tn.Name] = tn.Data
		}
	}
	pb, err := export.Build(c.Header.Net, weights, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	onnxPath := filepath.Join(t.TempDir(), "m.onnx")
	if err := export.WriteFile(onnxPath, pb); err != nil {
		t.Fatal(err)
	}
	gonas(t, "predict", "--model", onnxPath, "--input", in, "--output", yPath)
	if y, err = npy.ReadFile(yPath); err != nil {
		t.Fatal(err)
	}
	if d := export.MaxRelDiff(y.F32, want); len(y.F32) != len(want) || d > 1e-5 {
		t.Fatalf("ONNX logits differ from the checkpoint's by %g", d)
	}
	if txt := gonas(t, "inspect", onnxPath); !strings.Contains(txt, "ONNX model") || !strings.Contains(txt, "weights_sha256") {
		t.Errorf("inspect of the ONNX model: %s", txt)
	}

	txt := gonas(t, "inspect", ck)
	for _, want := range []string{"training checkpoint", "DARTS_V2 (op set darts)", "weights_sha256:", "model_sha256:",
		"params", "position:  end of epoch 1, step 3; 1 epochs done (finished)", "best:      test accuracy", "tensors:"} {
		if !strings.Contains(txt, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, txt)
		}
	}
	if txt := gonas(t, "inspect", filepath.Join(out, train.MetricsFile)); !strings.Contains(txt, "training metrics, 1 epochs") {
		t.Errorf("inspect metrics: %s", txt)
	}
}

// writeImageFolder writes an image folder of three classes (cats, dogs,
// owls) of n random PNGs of size x size each, a white bar whose place
// tells the class.
func writeImageFolder(t *testing.T, size, n int) string {
	t.Helper()
	root := t.TempDir()
	r := rand.New(rand.NewPCG(9, 9))
	bar := size * 3 / 10
	for c, name := range []string{"cats", "dogs", "owls"} {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			img := image.NewRGBA(image.Rect(0, 0, size, size))
			for p := range img.Pix {
				img.Pix[p] = uint8(r.IntN(256))
			}
			for y := 0; y < bar; y++ {
				for x := bar * c; x < bar*(c+1); x++ {
					img.Set(x, y+size/3, color.RGBA{255, 255, 255, 255})
				}
			}
			var b bytes.Buffer
			if err := png.Encode(&b, img); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.png", i)), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

// TestTrainImageFolder: --dataset folder:PATH trains the CIFAR network on
// the folder's images at the --input size with as many classes as the
// folder has sub-folders.
func TestTrainImageFolder(t *testing.T) {
	root := writeImageFolder(t, 20, 10)
	out := filepath.Join(t.TempDir(), "run")
	log := gonas(t, "train", "-g", "DARTS_V2", "--dataset", "folder:"+root, "--input", "3x16x16", "--layers", "2", "--channels", "4",
		"--epochs", "1", "--batch", "8", "--out", out)
	if !strings.Contains(log, "input 3x16x16, 3 classes") || !strings.Contains(log, "done: 1 epochs") {
		t.Fatalf("output:\n%s", log)
	}
	c, err := train.ReadCheckpointHeader(filepath.Join(out, train.CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	if h := c.Header; h.Config.Dataset != "folder:"+root || h.Net.Classes != 3 || h.TrainImages+h.TestImages != 30 {
		t.Fatalf("header: dataset %q, %d classes, %d+%d images", h.Config.Dataset, h.Net.Classes, h.TrainImages, h.TestImages)
	}
	// The run resumes from its files alone (the data is found again).
	if out := gonas(t, "train", "--resume", out); !strings.Contains(out, "done: 1 epochs") {
		t.Fatalf("resume: %s", out)
	}
	if out := gonas(t, "eval", filepath.Join(out, train.BestFile)); !strings.Contains(out, "test accuracy") {
		t.Fatalf("eval: %s", out)
	}
}
