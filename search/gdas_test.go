package search

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"gonas/internal/spec"
	"gonas/models"
)

// TestGDASGenotypeRules: with alphas set by hand, AutoDL's rule keeps the
// two strongest (op, input) pairs of a node (here both from input 1) and
// the DARTS rule the two strongest inputs.
func TestGDASGenotypeRules(t *testing.T) {
	for _, tc := range []struct {
		darts bool
		want  []models.Pair
	}{
		{false, wantPairs("skip_connect", 1, "sep_conv_5x5", 1)},
		{true, wantPairs("skip_connect", 1, "sep_conv_3x3", 0)},
	} {
		s := tinySearcher(t, "gdas", func(c *Config) {
			if tc.darts {
				c.Extra[ExtraDeriveDARTS] = 1
			}
		})
		g := s.Strategy.(*GDAS)
		a := g.Alphas()
		ops := a.Width()
		for c := range 2 {
			clear(a.Alphas[c].Data)
			row := func(e int) []float32 { return a.Alphas[c].Data[e*ops : (e+1)*ops] }
			row(0)[opCol(t, a, "sep_conv_3x3")] = 1
			row(1)[opCol(t, a, "skip_connect")] = 3
			row(1)[opCol(t, a, "sep_conv_5x5")] = 2.9
		}
		gt, err := g.Genotype()
		if err != nil {
			t.Fatal(err)
		}
		for _, cell := range [][]models.Pair{gt.Normal, gt.Reduce} {
			if !reflect.DeepEqual(cell[:2], tc.want) {
				t.Errorf("DARTS rule %v: node 0 is %v, want %v", tc.darts, cell[:2], tc.want)
			}
		}
	}
}

func opCol(t *testing.T, a *Arch, op string) int {
	t.Helper()
	for k, o := range a.Space.Edge(false, 0) {
		if o == op {
			return k
		}
	}
	t.Fatalf("no op %s", op)
	return -1
}

// TestGDASFixedReduce: GDAS-FRC searches the normal cells only: the
// reduction cells are the fixed cell (no Mix node), only alphas_normal
// exists, every normal cell still runs one op on each of its 14 edges, and
// the genotype's reduce cell is None.
func TestGDASFixedReduce(t *testing.T) {
	s := tinySearcher(t, "gdas", func(c *Config) { c.Extra[ExtraFixedReduce] = 1 })
	if has := mixCells(s.Net.Net); !has[0] || has[1] {
		t.Fatalf("mix nodes in normal/reduce cells: %v", has)
	}
	if names := s.Strategy.Arch().Names(); !reflect.DeepEqual(names, []string{AlphasNormal}) {
		t.Fatalf("architecture parameters %v", names)
	}
	found := false
	for _, nd := range s.Net.Net.Nodes {
		found = found || nd.Name == "cells.1.ops1.0.1" // the fixed cell's first 1x3 conv
	}
	if !found {
		t.Fatal("the reduction cell is not the fixed GDAS cell")
	}
	checkSinglePath(t, s, Rows(4), 0)
	g, err := s.Strategy.Genotype()
	if err != nil {
		t.Fatal(err)
	}
	if g.Reduce != nil || !reflect.DeepEqual(g.ReduceConcat, []int{2, 3, 4, 5}) {
		t.Fatalf("reduce %v concat %v", g.Reduce, g.ReduceConcat)
	}
	for _, bad := range []func(*Config){
		func(c *Config) { c.Extra[ExtraFixedReduce] = 1; c.OpSet = "darts" },
		func(c *Config) { c.Extra[ExtraTauMax] = 0.01 },
	} {
		cfg := tinyConfig(t, "gdas")
		bad(&cfg)
		if _, err := New(cfg, synthData(t, 8, 1, 8, 8, 3, 1), Options{Threads: 1}); err == nil {
			t.Errorf("%+v accepted", cfg.Extra)
		} else {
			t.Log(err)
		}
	}
}

// TestGDASLastAct: the GDAS supernet ends, as AutoDL's does, with an affine
// BN and a ReLU between the last cell and global pooling; a configuration
// without the last_act key (a checkpoint written before it existed) and the
// other methods build the DARTS head.
func TestGDASLastAct(t *testing.T) {
	for _, tc := range []struct {
		name   string
		method string
		mod    func(*Config)
		want   bool
	}{
		{"gdas", "gdas", nil, true},
		{"gdas-off", "gdas", func(c *Config) { c.Extra[ExtraLastAct] = 0 }, false},
		{"gdas-old-checkpoint", "gdas", func(c *Config) { delete(c.Extra, ExtraLastAct) }, false},
		{"rome", "rome", func(c *Config) { c.Extra[ExtraK] = 1 }, false},
		{"darts", "darts", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tinySearcher(t, tc.method, tc.mod)
			nodes := s.Net.Net.Nodes
			byName := map[string]spec.Node{}
			for _, nd := range nodes {
				byName[nd.Name] = nd
			}
			gap, ok := byName["global_pooling"]
			if !ok {
				t.Fatal("no global_pooling node")
			}
			before := nodes[gap.Inputs[0]]
			has := before.Name == "lastact.1"
			if has != tc.want {
				t.Fatalf("global pooling reads %s (%s); lastact wanted: %v", before.Name, before.Kind, tc.want)
			}
			if !has {
				return
			}
			bn := nodes[before.Inputs[0]]
			if before.Kind != spec.ReLU || bn.Kind != spec.BN || bn.Name != "lastact.0" || !bn.Affine {
				t.Fatalf("lastact is %s (%s) after %s (%s, affine %v)", before.Name, before.Kind, bn.Name, bn.Kind, bn.Affine)
			}
			if last := nodes[bn.Inputs[0]]; !strings.HasPrefix(last.Name, fmt.Sprintf("cells.%d.", s.Config.Layers-1)) {
				t.Fatalf("lastact reads %s, not the last cell", last.Name)
			}
		})
	}
}
