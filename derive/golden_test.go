package derive

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonas/internal/spec"
	"gonas/models"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./derive -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test ./derive -update after checking the change)", path)
	}
}

func zooSet(t *testing.T, e models.ZooEntry) *models.OpSet {
	t.Helper()
	s, err := models.LookupOpSet(e.OpSet)
	if err != nil {
		t.Fatalf("%s: %v", e.Name, err)
	}
	return s
}

// countsTable is counts.golden: every zoo genotype in the CIFAR-10 (C=36,
// 20 cells) and ImageNet (C=48, 14 cells) evaluation networks, with the
// auxiliary head.
func countsTable(t *testing.T) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# gonas derive counts: zoo genotypes, auxiliary head on, one image.\n")
	fmt.Fprintf(&b, "# params excludes the auxiliary head (aux_params); macs = conv+linear (AutoDL rule); flops_full = sovrasov rule.\n")
	fmt.Fprintf(&b, "%-26s %-11s %-9s %10s %10s %12s %12s\n", "name", "op_set", "dataset", "params", "aux_params", "macs", "flops_full")
	for _, e := range models.Zoo() {
		for _, cfg := range []Config{{Dataset: "cifar10", Auxiliary: true}, {Dataset: "imagenet", Auxiliary: true}} {
			net, err := Build(e.Genotype, zooSet(t, e), cfg)
			if err != nil {
				t.Fatalf("%s %s: %v", e.Name, cfg.Dataset, err)
			}
			c := mustCount(t, net)
			fmt.Fprintf(&b, "%-26s %-11s %-9s %10d %10d %12d %12d\n", e.Name, e.OpSet, cfg.Dataset, c.Params, c.AuxParams, c.MACs, c.FLOPsFull)
		}
	}
	return b.String()
}

func TestCountsGolden(t *testing.T) {
	table := countsTable(t)
	golden(t, "counts.golden", []byte(table))
	// The golden file is tied to the exact published anchors.
	for _, anchor := range []string{
		"DARTS_V2                   darts       cifar10      3349342",
		"PC_DARTS_cifar             darts       cifar10      3634678",
	} {
		if !strings.Contains(table, anchor) {
			t.Errorf("counts table lacks the anchor %q", anchor)
		}
	}
}

// TestSpecGolden only detects change: the golden specs were written by the
// code under test. What they hold is checked independently elsewhere (the
// counts against published sizes in count_test.go, the shapes by the
// engine and ONNX Runtime in export), and here by reading each back and
// counting it again.
func TestSpecGolden(t *testing.T) {
	for _, tc := range []struct {
		file, geno string
		cfg        Config
	}{
		{"darts_v2_cifar10_c8_l3.net.json", "DARTS_V2", Config{Dataset: "cifar10", Channels: 8, Layers: 3, Auxiliary: true}},
		{"gdas_f1_mnist_c8_l3.net.json", "GDAS_F1", Config{Dataset: "mnist", Channels: 8, Layers: 3}},
		{"sharp_darts_imagenet_c8_l3.net.json", "SHARP_DARTS", Config{Dataset: "imagenet", Channels: 8, Layers: 3, MidChannels: 16}},
	} {
		e, ok := models.LookupZoo(tc.geno)
		if !ok {
			t.Fatalf("no zoo entry %s", tc.geno)
		}
		net, err := Build(e.Genotype, zooSet(t, e), tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), tc.file)
		if err := spec.Write(path, net); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, tc.file, data)
		back, err := spec.Read(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatalf("golden spec does not read back: %v", err)
		}
		if mustCount(t, back) != mustCount(t, net) {
			t.Errorf("%s: counts differ after a round trip", tc.file)
		}
	}
}

// TestDOTGolden only detects change (layout, colours): the goldens were
// written by CellDOT. Their edges are checked independently, against the
// genotypes, by TestCellDOTEdges (plot_test.go).
func TestDOTGolden(t *testing.T) {
	for _, e := range models.Zoo() {
		for _, which := range []string{CellNormal, CellReduce} {
			dot, err := CellDOT(e.Genotype, which)
			if which == CellReduce && e.Genotype.Reduce == nil {
				if err == nil || !strings.Contains(err.Error(), "fixed reduction cell") {
					t.Errorf("%s reduce: want ErrFixedCell, got %v", e.Name, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s %s: %v", e.Name, which, err)
			}
			golden(t, e.Name+"."+which+".dot", []byte(dot))
		}
	}
}
