package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonas/models"
	"gonas/search"
)

// searchMNIST writes n synthetic 28x28 images in MNIST's idx format (the
// label's digit lights a band of rows) as the training split of a data
// directory.
func searchMNIST(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(5, 5))
	img := binary.BigEndian.AppendUint32(nil, 0x803)
	img = binary.BigEndian.AppendUint32(img, uint32(n))
	img = binary.BigEndian.AppendUint32(img, 28)
	img = binary.BigEndian.AppendUint32(img, 28)
	lab := binary.BigEndian.AppendUint32(nil, 0x801)
	lab = binary.BigEndian.AppendUint32(lab, uint32(n))
	for i := range n {
		k := i % 10 // every class in every half of the search split
		lab = append(lab, byte(k))
		for p := range 28 * 28 {
			v := byte(r.IntN(80))
			if p/28/3 == k {
				v = 255
			}
			img = append(img, v)
		}
	}
	for name, b := range map[string][]byte{"train-images-idx3-ubyte": img, "train-labels-idx1-ubyte": lab} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// cli runs gonas in-process and returns its standard output and exit code.
func cli(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := mainErr(args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestSearchCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs four small searches (several seconds)")
	}
	data := searchMNIST(t, 64)
	dir := t.TempDir()
	s := filepath.Join(dir, "s")
	args := []string{"search", "-m", "darts", "--dataset", "mnist", "--data-dir", data, "--layers", "2", "--channels", "4",
		"--batch", "16", "--epochs", "1", "--threads", "1", "--no-plot", "--log-every", "1", "--out", s}
	out, errs, code := cli(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	for _, want := range []string{"starting darts search on mnist: 32 images for the weights, 32 for the architecture",
		"epoch 1/1 step 2/2", "skip connections: normal", "final evaluation on the architecture's half (32 images)",
		"genotype (op set darts) written to " + filepath.Join(s, "genotype.geno")} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	gf, err := models.ReadGenoFile(filepath.Join(s, "genotype.geno"))
	if err != nil {
		t.Fatal(err)
	}
	if gf.OpSet != "darts" || !strings.Contains(gf.Comment, "command: gonas") {
		t.Fatalf("genotype file: op set %q, comment %q", gf.OpSet, gf.Comment)
	}
	// The genotype feeds the next stage.
	net := filepath.Join(dir, "n.net.json")
	if out, errs, code := cli(t, "derive", "-g", filepath.Join(s, "genotype.geno"), "-d", "mnist", "--layers", "2", "--channels", "4", "-o", net); code != 0 {
		t.Fatalf("derive: exit %d: %s\n%s", code, errs, out)
	}
	if _, errs, code := cli(t, args...); code == 0 || !strings.Contains(errs, "already holds a search checkpoint") {
		t.Fatalf("a second search into %s: exit %d, %s", s, code, errs)
	}

	// Stopped after one iteration and resumed, PC-DARTS ends where an
	// uninterrupted run does.
	pc := func(out string, extra ...string) []string {
		return append([]string{"search", "-m", "pcdarts", "--dataset", "mnist", "--data-dir", data, "--layers", "2", "--channels", "8",
			"--batch", "16", "--epochs", "2", "--threads", "1", "--no-plot", "--out", out}, extra...)
	}
	full, part := filepath.Join(dir, "full"), filepath.Join(dir, "part")
	if out, errs, code := cli(t, pc(full)...); code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	out, errs, code = cli(t, pc(part, "--max-steps", "1")...)
	if code != 0 || !strings.Contains(out, "stopped (max-steps) at epoch 1 batch 1") || !strings.Contains(out, "gonas search --resume "+part) {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	out, errs, code = cli(t, "search", "--resume", part)
	if code != 0 || !strings.Contains(out, "resuming "+filepath.Join(part, "search.ckpt")+" at epoch 1 batch 1 (iteration 1)") {
		t.Fatalf("resume: exit %d: %s\n%s", code, errs, out)
	}
	a, err := search.ReadAlphas(filepath.Join(full, "alphas.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := search.ReadAlphas(filepath.Join(part, "alphas.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 3 || len(b) != 3 {
		t.Fatalf("%d and %d records", len(a), len(b))
	}
	for i := range a {
		if a[i].Genotype != b[i].Genotype || a[i].TrainLoss != b[i].TrainLoss || !equal2(a[i].Normal, b[i].Normal) || !equal2(a[i].Reduce, b[i].Reduce) {
			t.Fatalf("epoch %d: resumed run differs from the uninterrupted one", a[i].Epoch)
		}
	}
}

func equal2(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func TestBenchSearch(t *testing.T) {
	var out bytes.Buffer
	err := benchSearch([]string{"--method", "pcdarts", "--batch", "2", "--layers", "2", "--channels", "8", "--input", "1x8x8",
		"--steps", "1", "--threads", "1", "--json"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if len(r) != 5 || r["method"] != "pcdarts" || r["peak_bytes"].(float64) <= 0 || r["seconds_per_step"].(float64) <= 0 || r["params"].(float64) <= 0 {
		t.Fatalf("bench output %s", out.String())
	}
	// The estimate made before the search is an upper bound of the peak,
	// and not a loose one.
	if est, peak := r["estimate_bytes"].(float64), r["peak_bytes"].(float64); est < peak || est > 4*peak {
		t.Errorf("estimate %v bytes for a measured peak of %v", est, peak)
	}
	if err := benchSearch([]string{"--input", "3x"}, &out); err == nil || !strings.Contains(err.Error(), "--input") {
		t.Fatalf("bad input: %v", err)
	}
}

// TestSearchImageNetStem: the ImageNet search presets run on an image
// folder at the size given (64x64: 16x16 and 8x8 after the stems), with the
// stem and image size they state, and write a genotype (whose name, from
// a long folder path, stays within the 64 characters a name may have).
func TestSearchImageNetStem(t *testing.T) {
	root := writeImageFolder(t, 64, 8)
	for method, extra := range map[string][]string{"pcdarts-imagenet": {"--arch-warmup", "0"}, "rome-imagenet": {"--k", "1"}} {
		out := filepath.Join(t.TempDir(), method)
		log := gonas(t, append([]string{"search", "--method", method, "--dataset", "folder:" + root, "--image-size", "64", "--layers", "3",
			"--channels", "4", "--batch", "4", "--epochs", "1", "--out", out, "--threads", "1"}, extra...)...)
		if !strings.Contains(log, "genotype") {
			t.Fatalf("%s:\n%s", method, log)
		}
		ck, err := search.ReadHeader(filepath.Join(out, search.CheckpointFile))
		if err != nil {
			t.Fatal(err)
		}
		if c := ck.Config; !c.ImageNetStem || c.ImageSize != 64 {
			t.Errorf("%s: checkpoint config %+v", method, c)
		}
	}
}
