package derive

import (
	"math/rand"
	"strings"
	"testing"

	"gonas/internal/spec"
	"gonas/models"
)

func mustSet(t *testing.T, name string) *models.OpSet {
	t.Helper()
	s, err := models.LookupOpSet(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func nodeByName(net *spec.Net, name string) *spec.Node {
	for i := range net.Nodes {
		if net.Nodes[i].Name == name {
			return &net.Nodes[i]
		}
	}
	return nil
}

// The channel and spatial bookkeeping of docs/papers.md §1.4.
func TestMacroShapes(t *testing.T) {
	type want struct {
		node  string
		shape spec.Shape
	}
	for _, tc := range []struct {
		geno, set string
		cfg       Config
		wants     []want
	}{
		{"DARTS_V2", "darts", c10, []want{
			{"stem.1", spec.Shape{C: 108, H: 32, W: 32}},
			{"cells.0.concat", spec.Shape{C: 144, H: 32, W: 32}},
			{"cells.5.concat", spec.Shape{C: 144, H: 32, W: 32}},
			{"cells.6.concat", spec.Shape{C: 288, H: 16, W: 16}},
			{"cells.7.preprocess0.bn", spec.Shape{C: 72, H: 16, W: 16}}, // FactorizedReduce after a reduction
			{"cells.12.concat", spec.Shape{C: 288, H: 16, W: 16}},
			{"cells.13.concat", spec.Shape{C: 576, H: 8, W: 8}},
			{"cells.19.concat", spec.Shape{C: 576, H: 8, W: 8}},
			{"global_pooling", spec.Shape{C: 576, H: 1, W: 1}},
			{"classifier", spec.Shape{C: 10, H: 1, W: 1}},
		}},
		{"DARTS_V2", "darts", in48, []want{
			{"stem0.4", spec.Shape{C: 48, H: 56, W: 56}},
			{"stem1.2", spec.Shape{C: 48, H: 28, W: 28}},
			{"cells.0.preprocess0.bn", spec.Shape{C: 48, H: 28, W: 28}}, // reduction_prev for the first cell
			{"cells.3.concat", spec.Shape{C: 192, H: 28, W: 28}},
			{"cells.4.concat", spec.Shape{C: 384, H: 14, W: 14}},
			{"cells.9.concat", spec.Shape{C: 768, H: 7, W: 7}},
			{"cells.13.concat", spec.Shape{C: 768, H: 7, W: 7}},
			{"classifier", spec.Shape{C: 1000, H: 1, W: 1}},
		}},
		// NASNet: 5 nodes, normal concat of 5 states, reduce concat of 3.
		{"NASNet", "darts", c10, []want{
			{"cells.0.concat", spec.Shape{C: 180, H: 32, W: 32}},
			{"cells.6.concat", spec.Shape{C: 216, H: 16, W: 16}},
			{"cells.6.nodes.4", spec.Shape{C: 72, H: 16, W: 16}},
			{"cells.7.concat", spec.Shape{C: 360, H: 16, W: 16}},
		}},
		// AmoebaNet: normal concat [4,5,6] leaves nodes 0 and 1 out of the
		// output, but they feed later nodes and are built.
		{"AmoebaNet", "darts", c10, []want{
			{"cells.0.concat", spec.Shape{C: 108, H: 32, W: 32}},
			{"cells.0.nodes.0", spec.Shape{C: 36, H: 32, W: 32}},
			{"cells.6.concat", spec.Shape{C: 216, H: 16, W: 16}},
		}},
		// GDAS-FRC: the fixed cell concatenates 4 branches.
		{"GDAS_F1", "gdas", withC(in48, 52), []want{
			{"cells.4.concat", spec.Shape{C: 416, H: 14, W: 14}},
			{"cells.4.ops2.1.1", spec.Shape{C: 104, H: 14, W: 14}},
			{"cells.9.concat", spec.Shape{C: 832, H: 7, W: 7}},
		}},
		// MNIST preset: 1 channel, 28 -> 14 -> 7, C=16, 8 cells.
		{"DARTS_V2", "darts", Config{Dataset: "mnist"}, []want{
			{"stem.0", spec.Shape{C: 48, H: 28, W: 28}},
			{"cells.2.concat", spec.Shape{C: 128, H: 14, W: 14}},
			{"cells.7.concat", spec.Shape{C: 256, H: 7, W: 7}},
		}},
	} {
		net, err := Build(refGenotypes[tc.geno], mustSet(t, tc.set), tc.cfg)
		if err != nil {
			t.Fatalf("%s/%s: %v", tc.geno, tc.set, err)
		}
		for _, w := range tc.wants {
			nd := nodeByName(net, w.node)
			if nd == nil {
				t.Errorf("%s/%s: no node %s", tc.geno, tc.cfg.Dataset, w.node)
			} else if nd.Out != w.shape {
				t.Errorf("%s/%s: %s is %v, want %v", tc.geno, tc.cfg.Dataset, w.node, nd.Out, w.shape)
			}
		}
		if err := net.Validate(); err != nil {
			t.Errorf("%s/%s: built network does not validate: %v", tc.geno, tc.set, err)
		}
	}
}

// Drop-path follows every op but the stride-1 skip_connect (an Identity).
func TestDropPath(t *testing.T) {
	net, err := Build(refGenotypes["DARTS_V2"], mustSet(t, "darts"), Config{Dataset: "cifar10", Channels: 8, Layers: 8})
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, nd := range net.Nodes {
		if nd.Kind == spec.DropPath {
			per[strings.Join(strings.SplitN(nd.Name, ".", 3)[:2], ".")]++
		}
	}
	// Normal: 2 of 8 ops are skip_connect at stride 1. Reduce: 3 skips from
	// intermediate nodes (stride 1), 5 max pools.
	for i := 0; i < 8; i++ {
		want := 6
		if i == 2 || i == 5 {
			want = 5
		}
		if got := per["cells."+string(rune('0'+i))]; got != want {
			t.Errorf("cell %d: %d drop-path nodes, want %d", i, got, want)
		}
	}
}

func TestParamNames(t *testing.T) {
	cfg := c10
	cfg.Auxiliary = true
	net, err := Build(refGenotypes["PC_DARTS_cifar"], mustSet(t, "darts"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, nd := range net.Nodes {
		for _, p := range nd.Params {
			if seen[p.Name] {
				t.Errorf("parameter %s twice", p.Name)
			}
			seen[p.Name] = true
			// count_parameters_in_MB drops names containing "auxiliary".
			if nd.Aux != strings.Contains(p.Name, "auxiliary") {
				t.Errorf("parameter %s: aux=%v", p.Name, nd.Aux)
			}
		}
	}
	// A few state_dict keys of the reference model.
	for _, k := range []string{
		"stem.0.weight", "stem.1.running_var", "cells.0.preprocess0.op.1.weight",
		"cells.7.preprocess0.conv_1.weight", "cells.7.preprocess0.conv_2.weight", "cells.7.preprocess0.bn.bias",
		"cells.0._ops.0.op.1.weight", "cells.0._ops.0.op.7.bias", "cells.0._ops.3.op.3.weight",
		"classifier.weight", "classifier.bias",
		"auxiliary_head.features.2.weight", "auxiliary_head.features.6.running_mean", "auxiliary_head.classifier.weight",
	} {
		if !seen[k] {
			t.Errorf("no parameter %s", k)
		}
	}
	if net.AuxOut == 0 || !net.Node(net.AuxOut).Aux {
		t.Errorf("aux output %d", net.AuxOut)
	}
	m := net.Meta
	if m.OpSet != "darts" || m.Dataset != "cifar10" || m.Layers != 20 || m.Channels != 36 || m.Extra["auxiliary"] != "true" ||
		!strings.HasPrefix(m.Genotype, "Genotype(normal=[('sep_conv_3x3', 1)") {
		t.Errorf("meta %+v", m)
	}
	g, err := models.Parse(m.Genotype, models.ParseOptions{})
	if err != nil || !g.Equal(refGenotypes["PC_DARTS_cifar"]) {
		t.Errorf("meta genotype does not read back: %v", err)
	}
}

func TestBuildErrors(t *testing.T) {
	v2 := refGenotypes["DARTS_V2"]
	bad := func(mod func(g *models.Genotype)) *models.Genotype {
		g := v2.Clone()
		mod(g)
		return g
	}
	for _, tc := range []struct {
		name string
		g    *models.Genotype
		set  string
		cfg  Config
		want string
	}{
		{"odd size darts", v2, "darts", Config{Dataset: "cifar10", Input: spec.Shape{C: 3, H: 30, W: 30}, Channels: 8, Layers: 8},
			"cells.6.preprocess0: FactorizedReduce"},
		{"odd size darts 2", v2, "darts", Config{Dataset: "cifar10", Input: spec.Shape{C: 3, H: 30, W: 30}, Channels: 8, Layers: 8},
			"needs an even spatial size, got 15x15"},
		{"mnist aux", v2, "darts", Config{Dataset: "mnist", Auxiliary: true},
			"the auxiliary head after cell 5 needs a 8x8 to 10x10 feature map (AvgPool 5 stride 3 to 2x2, conv 2x2 to 1x1, Linear 768), but input 1x28x28 gives 7x7 there"},
		{"imagenet aux small", v2, "sharpdarts", Config{Dataset: "imagenet", Input: spec.Shape{C: 3, H: 160, W: 160}, Auxiliary: true},
			"needs a 7x7 or 8x8 feature map"},
		{"reduce none", refGenotypes["GDAS_F1"], "darts", c10, "reduce=None but op set darts has no fixed reduction cell"},
		{"unknown op", bad(func(g *models.Genotype) { g.Normal[3].Op = "flood_conv_3x3" }), "darts", c10,
			`normal cell, node 1: op "flood_conv_3x3" is not in op set darts`},
		{"rome none", bad(func(g *models.Genotype) { g.Reduce[0].Op = "none" }), "rome", c10, `op "none" is not in op set rome`},
		{"input range", bad(func(g *models.Genotype) { g.Normal[1].Input = 2 }), "darts", c10, "node 0: input 2 out of range 0..1"},
		{"odd pairs", bad(func(g *models.Genotype) { g.Reduce = g.Reduce[:3] }), "darts", c10, "reduce cell has 3"},
		{"concat", bad(func(g *models.Genotype) { g.NormalConcat = []int{2, 6} }), "darts", c10, "concat index 6 out of range 0..5"},
		{"empty concat", bad(func(g *models.Genotype) { g.ReduceConcat = nil }), "darts", c10, "reduce cell: empty concat"},
		{"nil", nil, "darts", c10, "no genotype"},
		{"dataset", v2, "darts", Config{Dataset: "svhn"}, `unknown dataset "svhn" (known: cifar10, cifar100, fashion-mnist, imagenet, mnist)`},
		{"network", v2, "darts", Config{Network: "resnet"}, `unknown network "resnet"`},
		{"layers", v2, "darts", Config{Layers: -1}, "layers must be positive"},
		{"frc groups", refGenotypes["GDAS_F1"], "gdas", Config{Channels: 6, Layers: 3}, "needs C divisible by 8, got 12"},
		{"imagenet C=1", v2, "darts", Config{Dataset: "imagenet", Channels: 1}, "the ImageNet stem needs at least 2 channels"},
		{"imagenet 32x32", v2, "sharpdarts", Config{Dataset: "imagenet", Input: spec.Shape{C: 3, H: 32, W: 32}},
			"global_pooling: pool 7x7 stride 7 does not fit input 768x1x1"},
		{"tiny imagenet", v2, "darts", Config{Dataset: "imagenet", Input: spec.Shape{C: 3, H: 16, W: 16}}, "even spatial size, got 1x1"},
	} {
		net, err := Build(tc.g, mustSet(t, tc.set), tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
		if net != nil {
			t.Errorf("%s: network returned with an error", tc.name)
		}
	}
	// sharpDARTS and GDAS pad FactorizedReduce: odd sizes work.
	for _, set := range []string{"sharpdarts", "gdas"} {
		if _, err := Build(v2, mustSet(t, set), Config{Input: spec.Shape{C: 3, H: 30, W: 30}, Channels: 8, Layers: 8}); err != nil {
			t.Errorf("%s, odd sizes: %v", set, err)
		}
	}
}

// Random genotypes and configurations never panic; whatever builds validates.
func TestBuildNeverPanics(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	sets := models.OpSets()
	ops := append(models.DARTSPrimitives, "flood_conv_3x3", "choke_conv_3x3", "bogus", "conv_7x1_1x7")
	// Mostly well-formed cells, with a small chance of every kind of defect.
	rare := func() bool { return rng.Intn(30) == 0 }
	randCell := func() ([]models.Pair, []int) {
		n := 2 * (1 + rng.Intn(4))
		if rare() {
			n = rng.Intn(7)
		}
		ps := make([]models.Pair, n)
		for i := range ps {
			op := models.DARTSPrimitives[1+rng.Intn(7)]
			if rare() {
				op = ops[rng.Intn(len(ops))]
			}
			in := rng.Intn(i/2 + 2)
			if rare() {
				in = rng.Intn(i/2+4) - 1
			}
			ps[i] = models.Pair{Op: op, Input: in}
		}
		cc := []int{n/2 + 1}
		for rng.Intn(2) == 0 {
			cc = append(cc, rng.Intn(n/2+2))
		}
		if rare() {
			cc = []int{rng.Intn(n/2+4) - 1}
		}
		return ps, cc
	}
	n := 300
	if testing.Short() {
		n = 60
	}
	built := 0
	for i := 0; i < n; i++ {
		g := &models.Genotype{}
		g.Normal, g.NormalConcat = randCell()
		g.Reduce, g.ReduceConcat = randCell()
		if rng.Intn(5) == 0 {
			g.Reduce = nil
		}
		cfg := Config{
			Dataset:     []string{"mnist", "cifar10", "imagenet"}[rng.Intn(3)],
			Input:       spec.Shape{C: 1 + rng.Intn(3), H: 1 + rng.Intn(40), W: 1 + rng.Intn(40)},
			Channels:    1 + rng.Intn(17),
			Layers:      1 + rng.Intn(5),
			Auxiliary:   rng.Intn(3) == 0,
			MidChannels: rng.Intn(9),
		}
		net, err := Build(g, sets[rng.Intn(len(sets))], cfg)
		if err != nil {
			continue
		}
		built++
		if err := net.Validate(); err != nil {
			t.Fatalf("genotype %v config %+v: built network does not validate: %v", g, cfg, err)
		}
	}
	t.Logf("%d of %d random networks built", built, n)
	if built < n/10 {
		t.Errorf("only %d of %d random networks built; the test exercises mostly errors", built, n)
	}
}

// The reference literals of genotypes_test.go and the zoo agree.
func TestZooMatchesReference(t *testing.T) {
	for name, g := range refGenotypes {
		e, ok := models.LookupZoo(name)
		if !ok {
			t.Errorf("%s is not in the zoo", name)
			continue
		}
		if !e.Genotype.Equal(g) {
			t.Errorf("%s: zoo %v\nreference %v", name, e.Genotype, g)
		}
		if _, err := models.LookupOpSet(e.OpSet); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The ImageNet network's AvgPool2d(7) is a global pool on the 7x7 map of a
// 224x224 input and stays AvgPool2d(7) elsewhere.
func TestImageNetPool(t *testing.T) {
	for _, tc := range []struct {
		h    int
		kind spec.Kind
		in   int // classifier input features
	}{{224, spec.GAP, 768}, {256, spec.AvgPool, 768}, {448, spec.AvgPool, 4 * 768}} {
		net, err := Build(refGenotypes["DARTS_V2"], mustSet(t, "darts"), Config{Dataset: "imagenet", Input: spec.Shape{C: 3, H: tc.h, W: tc.h}})
		if err != nil {
			t.Fatalf("%d: %v", tc.h, err)
		}
		p := nodeByName(net, "global_pooling")
		cls := nodeByName(net, "classifier")
		if p.Kind != tc.kind || cls.Params[0].Shape[1] != tc.in {
			t.Errorf("input %d: pool %s, classifier %v; want %s on %d features", tc.h, p.Kind, cls.Params[0].Shape, tc.kind, tc.in)
		}
	}
}
