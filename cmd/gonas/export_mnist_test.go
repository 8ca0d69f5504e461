package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonas/engine/data"
	"gonas/export"
	"gonas/train"
)

// The ONNX file of a trained MNIST network, run in ONNX Runtime on the
// 10000 test digits normalised with the mean and std its metadata records,
// classifies as many correctly as 'gonas eval' says the checkpoint does.
// Should the counts differ, every image on which ONNX Runtime and the
// engine pick different classes must be a tie: its two best logits within
// the verification tolerance of each other.
func TestMNISTExportAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("trains an MNIST network for 300 steps and evaluates it twice on 10000 images (minutes)")
	}
	needORT(t)
	if _, err := data.MNISTDir(); err != nil {
		t.Skipf("MNIST not in the module cache: %v", err)
	}
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	start := time.Now()
	code, _, errOut := runCLI(t, "train", "-g", "DARTS_V2", "-d", "mnist", "--layers", "3", "--channels", "8",
		"--epochs", "1", "--subset", "19200", "--batch", "64", "--test-subset", "500", "--seed", "5",
		"--threads", "2", "--no-plot", "--out", run)
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, errOut)
	}
	ckpt := filepath.Join(run, "best.ckpt")
	t.Logf("trained 300 steps in %v", time.Since(start).Round(time.Second))

	start = time.Now()
	code, out, errOut := runCLI(t, "eval", "--checkpoint", ckpt, "--json", "--threads", "2")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, errOut)
	}
	var ev train.EvalResult
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatalf("eval --json: %v\n%s", err, out)
	}
	if ev.Images != 10000 {
		t.Fatalf("eval ran on %d images, want the 10000 test digits", ev.Images)
	}
	t.Logf("gonas eval: %.2f%% (%d/%d) in %v", ev.Acc, ev.Correct, ev.Images, time.Since(start).Round(time.Second))
	if ev.Acc < 50 {
		t.Errorf("the network learned little (%.2f%%): the comparison proves less", ev.Acc)
	}

	onnxPath := filepath.Join(dir, "mnist.onnx")
	code, out, errOut = runCLI(t, "export", "--checkpoint", ckpt, "-o", onnxPath, "--verify", "--json")
	if code != 0 {
		t.Fatalf("export: exit %d: %s\n%s", code, errOut, out)
	}
	var rep exportReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || !rep.Verified {
		t.Fatalf("export report: %v\n%s", err, out)
	}
	meta := metadata(readModel(t, onnxPath))
	for k, v := range map[string]string{"source": "checkpoint best.ckpt", "dataset": "mnist", "genotype_name": "DARTS_V2",
		"op_set": "darts", "classes": "10", "epochs_done": "1", "step": "300"} {
		if meta[k] != v {
			t.Errorf("metadata %s = %q, want %q", k, meta[k], v)
		}
	}
	mean, std := parseFloat32(t, meta[export.MetaMean]), parseFloat32(t, meta[export.MetaStd])

	test, err := data.Load("mnist", "test", data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n, size := test.Len(), test.ImageSize()
	x := make([]float32, n*size)
	for i, p := range test.Images {
		x[i] = (float32(p)/255 - mean) / std // as the training loader does
	}
	const batch = 1000
	var jobs []export.ORTJob
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		jobs = append(jobs, export.ORTJob{Model: onnxPath, X: x[lo*size : hi*size], Shape: []int{hi - lo, test.C, test.H, test.W}})
	}
	start = time.Now()
	res, err := export.RunORTBatch(context.Background(), jobs)
	if err != nil {
		t.Fatal(err)
	}
	var logits []float32
	for _, r := range res {
		logits = append(logits, r.Y...)
	}
	if len(logits) != n*10 {
		t.Fatalf("ONNX Runtime gave %d logits for %d images", len(logits), n)
	}
	correct := 0
	for i, l := range test.Labels {
		if train.Argmax(logits[i*10:(i+1)*10]) == l {
			correct++
		}
	}
	t.Logf("ONNX Runtime: %.2f%% (%d/%d) in %v", 100*float64(correct)/float64(n), correct, n, time.Since(start).Round(time.Second))
	if correct == ev.Correct {
		return
	}

	// The counts differ: find the images the two implementations classify
	// differently and check that each is a tie.
	c, err := train.ReadCheckpoint(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.Model()
	if err != nil {
		t.Fatal(err)
	}
	want, err := train.Predict(m, x, n, 256, 2)
	if err != nil {
		t.Fatal(err)
	}
	var notTies []string
	for i := range n {
		g, w := logits[i*10:(i+1)*10], want[i*10:(i+1)*10]
		a, b := train.Argmax(g), train.Argmax(w)
		if a == b {
			continue
		}
		gap := math.Abs(float64(w[a] - w[b]))
		if gap > export.DefaultTolerance*math.Max(1, math.Abs(float64(w[b]))) {
			notTies = append(notTies, fmt.Sprintf("image %d: ONNX Runtime says %d, the engine %d (logits %v vs %v)", i, a, b, g, w))
		} else {
			t.Logf("image %d: a tie (gap %.3g) broken differently: ONNX Runtime %d, engine %d", i, gap, a, b)
		}
	}
	if len(notTies) > 0 {
		t.Errorf("ONNX Runtime classifies %d test digits correctly, gonas eval %d; %d images classified differently without a tie:\n%s",
			correct, ev.Correct, len(notTies), strings.Join(notTies, "\n"))
		return
	}
	t.Logf("ONNX Runtime classifies %d test digits correctly, gonas eval %d: the difference is ties only", correct, ev.Correct)
}

func parseFloat32(t *testing.T, s string) float32 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 32)
	if err != nil {
		t.Fatalf("metadata value %q: %v", s, err)
	}
	return float32(f)
}
