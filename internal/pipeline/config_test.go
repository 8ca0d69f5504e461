package pipeline

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonas/internal/units"
	"gonas/search"
	"gonas/train"
)

// Every budget makes a valid run of every method on every dataset.
func TestBudgetsCheck(t *testing.T) {
	for _, b := range BudgetNames() {
		for _, ds := range Datasets {
			for _, m := range search.MethodNames() {
				if _, err := NewConfig(m, ds, b, 2, 2); err != nil {
					t.Errorf("budget %s, dataset %s, method %s: %v", b, ds, m, err)
				}
			}
		}
	}
}

func TestNewConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		method, dataset, budget string
		seeds                   int
		want                    string
	}{
		{"nope", "mnist", "quick", 1, `unknown search method "nope"`},
		{"rome", "svhn", "quick", 1, `dataset "svhn"`},
		{"rome", "mnist", "huge", 1, `unknown budget "huge" (known: paper, quick, tiny)`},
		{"rome", "mnist", "quick", 0, "seeds must be in 1..100"},
	} {
		_, err := NewConfig(tc.method, tc.dataset, tc.budget, 2, tc.seeds)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewConfig(%s, %s, %s, seeds %d) = %v, want an error with %q", tc.method, tc.dataset, tc.budget, tc.seeds, err, tc.want)
		}
	}
	c, _ := NewConfig("rome", "mnist", "quick", 2, 1)
	c.Plan.Train.Epochs = -1
	if err := c.Check(); err == nil || !strings.Contains(err.Error(), "train epochs must not be negative") {
		t.Errorf("negative epochs: %v", err)
	}
	c.Plan.Train.Epochs, c.Plan.Search.Channels = 0, 6 // PC-DARTS-style checks come from search.Config.Check
	c.Method, c.Plan.Search.Layers = "pcdarts", 5
	if err := c.Check(); err == nil || !strings.Contains(err.Error(), "not divisible") {
		t.Errorf("C=6 with partial channels 4: %v", err)
	}
}

// The plan overrides the method's preset and nothing else; a zero field
// keeps the preset's value.
func TestSearchConfig(t *testing.T) {
	c, err := NewConfig("rome", "mnist", "quick", 7, 1)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := search.LookupMethod("rome")
	pre := m.Preset()
	got, err := c.SearchConfig(9)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Plan.Search
	want := pre
	want.ScaleEpochs(p.Epochs)
	want.Subset, want.Layers, want.Channels, want.Batch, want.ArchLR, want.Seed = p.Subset, p.Layers, p.Channels, p.Batch, p.ArchLR, 9
	want.Extra = map[string]float64{}
	for k, v := range pre.Extra {
		want.Extra[k] = v
	}
	want.Extra[search.ExtraK] = float64(p.K)
	if got.Epochs != want.Epochs || got.Subset != want.Subset || got.Layers != want.Layers || got.Channels != want.Channels ||
		got.Batch != want.Batch || got.ArchLR != want.ArchLR || got.Seed != 9 || got.LR != pre.LR || got.OpSet != "rome" ||
		got.Extra[search.ExtraK] != float64(p.K) || got.Extra[search.ExtraTauMax] != pre.Extra[search.ExtraTauMax] {
		t.Errorf("search config\n got %+v\nwant %+v", got, want)
	}
	// GDAS has no K: the plan's K does not reach its config.
	c.Method = "gdas"
	g, err := c.SearchConfig(1)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Extra[search.ExtraK]; ok {
		t.Errorf("gdas config got a K: %v", g.Extra)
	}
	if slices.Contains(c.SearchArgs(1, "o", 2), "--k") {
		t.Errorf("gdas command has --k: %v", c.SearchArgs(1, "o", 2))
	}
}

func TestTrainConfig(t *testing.T) {
	c, _ := NewConfig("rome", "mnist", "quick", 5, 1)
	s, err := c.TrainConfig()
	if err != nil {
		t.Fatal(err)
	}
	def := train.DefaultConfig("mnist")
	if s.Train.Epochs != c.Plan.Train.Epochs || s.Train.Batch != c.Plan.Train.Batch || s.Train.LR != c.Plan.Train.LR ||
		s.Train.Seed != 5 || s.Train.Momentum != def.Momentum || s.Train.WeightDecay != def.WeightDecay || s.Train.EvalBatch != def.EvalBatch {
		t.Errorf("train config %+v", s.Train)
	}
	if s.Net.Layers != c.Plan.Train.Layers || s.Net.Channels != c.Plan.Train.Channels || s.Net.Input.H != 28 || s.Net.Classes != 10 {
		t.Errorf("net config %+v", s.Net)
	}
	// The paper budget on CIFAR-10 takes the method's retraining preset
	// with its network.
	p, _ := NewConfig("pcdarts", "cifar10", "paper", 1, 1)
	ps, err := p.TrainConfig()
	if err != nil {
		t.Fatal(err)
	}
	if p.Plan.Train.Preset != "pcdarts-cifar10" || ps.Train.DropPath != 0.3 || ps.Train.Epochs != 600 || ps.Net.Layers != 20 ||
		ps.Net.Channels != 36 || !ps.Net.Auxiliary || ps.Train.AuxWeight != 0.4 {
		t.Errorf("paper cifar10: preset %s, %+v, %+v", p.Plan.Train.Preset, ps.Train, ps.Net)
	}
	sel, err := c.SelectConfig()
	if err != nil {
		t.Fatal(err)
	}
	if sel.Train.Epochs != c.Plan.Select.Epochs || sel.Train.Subset != 0 || sel.Net != s.Net {
		t.Errorf("selection config %+v %+v", sel.Train, sel.Net)
	}
}

// The commands carry exactly the plan's non-zero settings.
func TestStageArgs(t *testing.T) {
	c, _ := NewConfig("rome", "mnist", "quick", 3, 1)
	c.DataDir = "/data/my mnist"
	got := Shell(c.SearchArgs(4, "runs/x/search", 2))
	want := "gonas search --method rome --dataset mnist --data-dir '/data/my mnist' --subset 4000 --layers 5 --channels 8 --epochs 3 " +
		"--batch 64 --k 2 --arch-lr 0.003 --seed 4 --threads 2 --out runs/x/search"
	if got != want {
		t.Errorf("search command\n got %s\nwant %s", got, want)
	}
	got = Shell(c.TrainArgs("runs/x/genotype.geno", "runs/x/train", 2))
	want = "gonas train --genotype runs/x/genotype.geno --dataset mnist --data-dir '/data/my mnist' --layers 5 --channels 16 " +
		"--epochs 2 --batch 96 --lr 0.05 --seed 3 --threads 2 --out runs/x/train"
	if got != want {
		t.Errorf("train command\n got %s\nwant %s", got, want)
	}
	p, _ := NewConfig("darts", "cifar10", "paper", 2, 1)
	got = Shell(p.SearchArgs(2, "o", 1))
	if got != "gonas search --method darts --dataset cifar10 --seed 2 --threads 1 --out o" {
		t.Errorf("paper search command: %s", got)
	}
	if got = Shell(p.TrainArgs("g", "o", 1)); got != "gonas train --genotype g --dataset cifar10 --preset darts-cifar10 --seed 2 --threads 1 --out o" {
		t.Errorf("paper train command: %s", got)
	}
	// Floats print in their shortest form and parse back to the same value.
	for _, v := range []float64{0.003, 1e-4, 0.025, 1.0 / 3} {
		a := appendFloat(nil, "--x", v)
		if back, err := strconv.ParseFloat(a[1], 64); err != nil || back != v {
			t.Errorf("%v printed as %s", v, a[1])
		}
	}
}

func TestShell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"}, {"a/b-c_d.e=f:g,h+i@j%k", "a/b-c_d.e=f:g,h+i@j%k"}, {"", "''"},
		{"two words", "'two words'"}, {"it's", `'it'\''s'`}, {"$HOME", "'$HOME'"}, {"a;b", "'a;b'"},
	} {
		if got := Shell([]string{tc.in}); got != tc.want {
			t.Errorf("Shell(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestChooseCandidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cs   []Candidate
		want int
	}{
		{"none", nil, -1},
		{"one", []Candidate{{ValAcc: 50}}, 0},
		{"highest accuracy", []Candidate{{ValAcc: 97}, {ValAcc: 98}, {ValAcc: 96}}, 1},
		{"tie: lowest loss", []Candidate{{ValAcc: 98, ValLoss: 0.2}, {ValAcc: 98, ValLoss: 0.1}}, 1},
		{"full tie: the first", []Candidate{{ValAcc: 98, ValLoss: 0.1}, {ValAcc: 98, ValLoss: 0.1}}, 0},
	} {
		if got := chooseCandidate(tc.cs); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestFormatting(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{units.Thousands(0), "0"}, {units.Thousands(999), "999"}, {units.Thousands(1000), "1,000"}, {units.Thousands(-1234567), "-1,234,567"},
		{units.Count(999), "999"}, {units.Count(12345), "12.3K"}, {units.Count(18771530), "18.77M"}, {units.Count(5e9), "5.00G"},
		{units.Seconds(3.25), "3.2s"}, {units.Seconds(65), "1m5s"}, {units.Bytes(10), "10 bytes"}, {units.Bytes(2048), "2.0 kB"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// The quick budget keeps MNIST's network for the 28x28 grey datasets and
// grows it for CIFAR; the built-in datasets need no data folder.
func TestQuickPlanPerDataset(t *testing.T) {
	for _, tc := range []struct {
		dataset                  string
		layers, channels, epochs int
		needsDir                 bool
	}{
		{"mnist", 5, 16, 2, false},
		{"fashion-mnist", 5, 16, 2, false},
		{"cifar10", 8, 16, 10, true},
		{"cifar100", 8, 16, 10, true},
	} {
		c, err := NewConfig("rome", tc.dataset, "quick", 2, 1)
		if err != nil {
			t.Fatalf("%s: %v", tc.dataset, err)
		}
		if p := c.Plan.Train; p.Layers != tc.layers || p.Channels != tc.channels || p.Epochs != tc.epochs {
			t.Errorf("%s: train plan %+v, want %d cells C=%d, %d epochs", tc.dataset, p, tc.layers, tc.channels, tc.epochs)
		}
		s, err := c.TrainConfig()
		if err != nil {
			t.Fatal(err)
		}
		if grey := tc.dataset != "cifar10" && tc.dataset != "cifar100"; grey != (s.Net.Input.C == 1) {
			t.Errorf("%s: input %+v", tc.dataset, s.Net.Input)
		}
		r, err := Start(c, t.TempDir(), Options{})
		if r != nil {
			r.Close()
		}
		if gotErr := err != nil && strings.Contains(err.Error(), "--data-dir"); gotErr != tc.needsDir {
			t.Errorf("%s: Start without a data folder: %v (want refused: %v)", tc.dataset, err, tc.needsDir)
		}
	}
}
