package export

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"gonas/derive"
	"gonas/internal/spec"
	"gonas/models"
)

// zooCase is one derived network to export: a genotype, the op set it is
// built with, the macro configuration and the export options to try.
type zooCase struct {
	name  string
	geno  *models.Genotype
	set   *models.OpSet
	cfg   derive.Config
	batch int
	opts  []Options
}

func (c zooCase) String() string {
	return fmt.Sprintf("%s/%s/%s", c.name, c.set.Name, c.cfg.Dataset)
}

// zooSizes are the macro configurations: under -short small networks (the
// ImageNet network keeps its 224x224 input, the smallest its 7x7 final pool
// takes with even sizes throughout), otherwise the papers' evaluation
// networks at batch 1.
func zooSizes(short bool) (cifar, imagenet derive.Config, batch int) {
	if short {
		return derive.Config{Dataset: "cifar10", Channels: 8, Layers: 5},
			derive.Config{Dataset: "imagenet", Channels: 8, Layers: 5}, 2
	}
	return derive.Config{Dataset: "cifar10", Channels: 36, Layers: 20},
		derive.Config{Dataset: "imagenet", Channels: 48, Layers: 14}, 1
}

// zooCases lists every zoo genotype with its op set, plus for each op set no
// zoo entry uses the first zoo genotype it can build, each as a CIFAR and
// an ImageNet network. Every case exports at the default opset; the first
// genotype of each op set also at opset 17 and with folded batch norms
// (under -short on its CIFAR network only).
func zooCases(t *testing.T, short bool) []zooCase {
	t.Helper()
	cifar, imagenet, batch := zooSizes(short)
	zoo := models.Zoo()
	var cases []zooCase
	covered := map[string]bool{}
	add := func(name string, g *models.Genotype, set *models.OpSet) {
		opts := []Options{{}}
		if !covered[set.Name] {
			opts = append(opts, Options{Opset: MaxOpset}, Options{Opset: MaxOpset, FoldBN: true}, Options{FoldBN: true})
		}
		covered[set.Name] = true
		cases = append(cases, zooCase{name, g, set, cifar, batch, opts})
		if short {
			opts = opts[:1] // the variants on the CIFAR network only
		}
		cases = append(cases, zooCase{name, g, set, imagenet, batch, opts})
	}
	for _, e := range zoo {
		set, err := models.LookupOpSet(e.OpSet)
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		add(e.Name, e.Genotype, set)
	}
	for _, set := range models.OpSets() {
		if covered[set.Name] {
			continue
		}
		found := false
		for _, e := range zoo {
			if _, err := derive.Build(e.Genotype, set, derive.Config{Dataset: "cifar10", Channels: 4, Layers: 3}); err == nil {
				add(e.Name, e.Genotype, set)
				found = true
				break
			}
		}
		if !found {
			t.Errorf("op set %s builds no zoo genotype", set.Name)
		}
	}
	return cases
}

// zooExport is one exported file of a zoo case and what it must compute.
type zooExport struct {
	what   string
	path   string
	opt    Options
	net    *spec.Net
	w      map[string][]float32
	x      []float32
	want   []float32 // the engine's logits
	tol    float64   // 1e-4, or at full size tolerance(the network's sensitivity)
	folded bool
}

// Every zoo genotype of every op set (sharpDARTS and GDAS-FRC included), as
// a CIFAR and as an ImageNet network, exports to a file the ONNX checker
// accepts (full check), runs in ONNX Runtime and gives the Go engine's
// logits within 1e-4 relative; decoding the file and rebuilding it in the
// engine gives bit-identical logits (within 1e-4 relative when batch norms
// were folded: folding rounds the scaled weights differently). Under -short
// the networks are small; otherwise they are the papers' sizes (CIFAR C=36,
// 20 cells; ImageNet C=48, 14 cells at 224x224), where the tolerance is
// raised to ten times the network's own sensitivity to float32 rounding
// when that exceeds 1e-4: random networks of that depth amplify rounding
// errors (see calibratedModel and sensitivity).
func TestZooMatchesEngine(t *testing.T) {
	needORT(t)
	short := testing.Short()
	cases := zooCases(t, short)
	dir := t.TempDir()
	var files []zooExport
	start := time.Now()
	var engineTime, exportTime time.Duration
	for i, c := range cases {
		net, err := derive.Build(c.geno, c.set, c.cfg)
		if err != nil {
			t.Fatalf("%v: %v", c, err)
		}
		m, err := calibratedModel(net, uint64(i+1))
		if err != nil {
			t.Fatalf("%v: %v", c, err)
		}
		w := modelWeights(m)
		x := randomInput(net, c.batch, uint64(i+500))
		t0 := time.Now()
		want, err := engineForward(m, x, c.batch)
		if err != nil {
			t.Fatalf("%v: engine: %v", c, err)
		}
		engineTime += time.Since(t0)
		tol := 1e-4
		if !short {
			sens, err := sensitivity(m, x, c.batch, uint64(i))
			if err != nil {
				t.Fatalf("%v: engine: %v", c, err)
			}
			tol = tolerance(sens)
		}
		for _, opt := range c.opts {
			what := fmt.Sprintf("%v/opset%d/fold=%v", c, max(opt.Opset, DefaultOpset), opt.FoldBN)
			t0 := time.Now()
			pb, err := Build(net, w, opt)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			path := filepath.Join(dir, fmt.Sprintf("case%d_%d_%v.onnx", i, opt.Opset, opt.FoldBN))
			if err := WriteFile(path, pb); err != nil {
				t.Fatal(err)
			}
			exportTime += time.Since(t0)
			files = append(files, zooExport{what, path, opt, net, w, x, want, tol, opt.FoldBN})
		}
	}
	t.Logf("%d networks, %d files; built, calibrated and exported in %v (engine forward %v, export %v)",
		len(cases), len(files), time.Since(start).Round(time.Millisecond), engineTime.Round(time.Millisecond), exportTime.Round(time.Millisecond))

	t.Run("checker", func(t *testing.T) {
		t0 := time.Now()
		paths := make([]string, len(files))
		for i, f := range files {
			paths[i] = f.path
		}
		onnxChecker(t, paths...)
		t.Logf("check_model(full_check=True) on %d files: %v", len(paths), time.Since(t0).Round(time.Millisecond))
	})

	t.Run("onnxruntime", func(t *testing.T) {
		t0 := time.Now()
		jobs := make([]ORTJob, len(files))
		for i, f := range files {
			in := f.net.Input
			jobs[i] = ORTJob{Model: f.path, X: f.x, Shape: []int{len(f.x) / int(in.Numel()), in.C, in.H, in.W}}
		}
		res, err := RunORTBatch(context.Background(), jobs)
		if err != nil {
			t.Fatal(err)
		}
		worst, raised := 0.0, 0
		for i, f := range files {
			checkAgainstEngine(t, f.what, res[i].Y, res[i].Shape, f.want, jobs[i].Shape[0], f.tol)
			_, rel, _ := logitDiffs(res[i].Y, f.want)
			worst = max(worst, rel)
			if rel > 1e-4 {
				raised++
				t.Logf("%s: difference %.3g, tolerance %.3g from the network's sensitivity", f.what, rel, f.tol)
			}
		}
		t.Logf("ONNX Runtime on %d files: %v; largest relative difference from the engine %.3g; %d files above 1e-4",
			len(files), time.Since(t0).Round(time.Millisecond), worst, raised)
	})

	t.Run("roundtrip", func(t *testing.T) {
		t0 := time.Now()
		identical, worstFolded := 0, 0.0
		for _, f := range files {
			if f.opt.Opset == MaxOpset && !f.folded {
				continue // the same graph as at opset 13
			}
			batch := len(f.x) / int(f.net.Input.Numel())
			got, err := roundTripEngine(f.net, f.w, f.opt, f.x, batch)
			if err != nil {
				t.Fatalf("%s: %v", f.what, err)
			}
			checkRoundTrip(t, f.what, got, f.want, f.folded, f.tol)
			if f.folded {
				_, rel, _ := logitDiffs(got, f.want)
				worstFolded = max(worstFolded, rel)
			} else if slices.Equal(got, f.want) {
				identical++
			}
		}
		t.Logf("decode and engine rerun: %v; %d unfolded files bit-identical, folded ones within %.3g relative",
			time.Since(t0).Round(time.Millisecond), identical, worstFolded)
	})
}

// The case list covers every zoo entry and every op set.
func TestZooCases(t *testing.T) {
	cases := zooCases(t, true)
	names := map[string]bool{}
	sets := map[string]bool{}
	nets := map[string]int{}
	for _, c := range cases {
		names[c.name] = true
		sets[c.set.Name] = true
		nets[c.cfg.Dataset]++
	}
	for _, e := range models.Zoo() {
		if !names[e.Name] {
			t.Errorf("zoo entry %s not covered", e.Name)
		}
	}
	for _, s := range models.OpSets() {
		if !sets[s.Name] {
			t.Errorf("op set %s not covered", s.Name)
		}
	}
	if nets["cifar10"] != nets["imagenet"] || nets["cifar10"] < len(models.Zoo()) {
		t.Errorf("networks per dataset: %v", nets)
	}
	if !slices.ContainsFunc(cases, func(c zooCase) bool { return c.set.FixedReduce != nil && c.geno.Reduce == nil }) {
		t.Error("no case uses the fixed GDAS reduction cell")
	}
}
