package search

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"gonas/internal/spec"
	"gonas/models"
)

// TestGDASPoolsWithoutBN checks the GDAS supernet of the gdas preset (op
// set autodl, AutoDL's current code) has no BatchNorm after any pool, while
// the 2019 op set (gdas) puts one after every pool.
func TestGDASPoolsWithoutBN(t *testing.T) {
	m, err := LookupMethod("gdas")
	if err != nil {
		t.Fatal(err)
	}
	if set := m.Preset().OpSet; set != "autodl" {
		t.Fatalf("gdas preset op set %s, want autodl", set)
	}
	for _, tc := range []struct {
		set    string
		withBN bool
	}{{"autodl", false}, {"gdas", true}} {
		set, err := models.LookupOpSet(tc.set)
		if err != nil {
			t.Fatal(err)
		}
		sn, err := BuildSupernet(NetConfig{OpSet: set, Input: spec.Shape{C: 3, H: 8, W: 8}, C: 4, Layers: 3, LastAct: true})
		if err != nil {
			t.Fatal(err)
		}
		pools, bnAfter := 0, 0
		for _, nd := range sn.Net.Nodes {
			if nd.Kind != spec.MaxPool && nd.Kind != spec.AvgPool {
				continue
			}
			pools++
			for _, user := range sn.Net.Nodes {
				if user.Kind == spec.BN && len(user.Inputs) == 1 && user.Inputs[0] == nd.ID {
					bnAfter++
				}
			}
		}
		if want := 3 * 14 * 2; pools != want {
			t.Errorf("%s: %d pools, want %d (2 per edge)", tc.set, pools, want)
		}
		if tc.withBN && bnAfter != pools || !tc.withBN && bnAfter != 0 {
			t.Errorf("%s: %d of %d pools feed a BatchNorm", tc.set, bnAfter, pools)
		}
	}
}

// TestSharpDARTSWeighting checks that the sharpdarts method searches with
// the scalar weighting and says so, and that sharpdarts-max-w uses Max-W.
func TestSharpDARTSWeighting(t *testing.T) {
	for method, want := range map[string]string{"sharpdarts": WeightingScalar, "sharpdarts-max-w": WeightingMaxW} {
		cfg := tinyConfig(t, method)
		cfg.ScaleEpochs(1)
		var log bytes.Buffer
		s, err := New(cfg, synthData(t, 16, 1, 8, 8, 3, 1), Options{Threads: 1, Log: &log, MaxSteps: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if s.Config.Weighting != want || !strings.Contains(log.String(), "weighting "+want+",") {
			t.Errorf("%s: config weighting %s, log:\n%s\nwant weighting %s", method, s.Config.Weighting, log.String(), want)
		}
		if !strings.Contains(s.provenance(), "weighting "+want) {
			t.Errorf("%s: genotype comment %q does not record weighting %s", method, s.provenance(), want)
		}
	}
}

// TestImageNetStem checks the ImageNet search stem of PC-DARTS's
// model_search_imagenet at 224x224: s0 at 56x56 and s1 at 28x28 with 3C
// channels, the stems' weights counted by hand, and the first cell reading
// s0 through a FactorizedReduce.
func TestImageNetStem(t *testing.T) {
	set, _ := models.LookupOpSet("darts")
	sn, err := BuildSupernet(NetConfig{OpSet: set, Input: spec.Shape{C: 3, H: 224, W: 224}, C: 16, Layers: 8, Partial: 2, ImageNetStem: true})
	if err != nil {
		t.Fatal(err)
	}
	var stemParams int64
	shapes := map[string]spec.Shape{}
	for _, nd := range sn.Net.Nodes {
		if strings.HasPrefix(nd.Name, "stem") {
			for _, p := range nd.Params {
				stemParams += p.Numel()
			}
			shapes[nd.Name] = nd.Out
		}
	}
	// conv 3->24 3x3, BN(24), conv 24->48 3x3, BN(48), conv 48->48 3x3,
	// BN(48); a BN holds scale, shift and the two running statistics.
	if want := int64(27*24 + 4*24 + 9*24*48 + 4*48 + 9*48*48 + 4*48); stemParams != want {
		t.Errorf("stem parameters %d, want %d", stemParams, want)
	}
	if s0, s1 := shapes["stem0.4"], shapes["stem1.2"]; s0 != (spec.Shape{C: 48, H: 56, W: 56}) || s1 != (spec.Shape{C: 48, H: 28, W: 28}) {
		t.Errorf("s0 %v, s1 %v; want 48x56x56 and 48x28x28", s0, s1)
	}
	if c := sn.Cells[0]; c.H != 28 || c.Reduce {
		t.Errorf("cell 0: %+v, want a normal cell at 28x28", c)
	}
	found := false
	for _, nd := range sn.Net.Nodes {
		if strings.HasPrefix(nd.Name, "cells.0.preprocess0") && nd.Kind == spec.Conv && nd.SH == 2 {
			found = true
		}
	}
	if !found {
		t.Error("cell 0's preprocess0 is not a FactorizedReduce (no stride-2 conv)")
	}
	for method, want := range map[string]struct {
		k, batch, epochs int
		portion          float64
	}{"pcdarts-imagenet": {2, 1024, 50, 0.8}, "rome-imagenet": {3, 256, 30, 0.5}} {
		m, err := LookupMethod(method)
		if err != nil {
			t.Fatal(err)
		}
		c := m.Preset()
		k := c.Partial
		if method == "rome-imagenet" {
			k = int(c.Extra[ExtraK])
		}
		if !c.ImageNetStem || k != want.k || c.Batch != want.batch || c.Epochs != want.epochs || c.TrainPortion != want.portion {
			t.Errorf("%s preset %+v", method, c)
		}
		if method == "pcdarts-imagenet" && (c.ArchLR != 6e-3 || c.ArchWarmup != 35 || c.ArchGradClip != 5 || c.LR != 0.5) {
			t.Errorf("%s preset %+v", method, c)
		}
	}
}

// TestSearchAutoAugment: a search with AutoAugment is the same on every
// run and differs from the search without it.
func TestSearchAutoAugment(t *testing.T) {
	run := func(aa bool) string {
		cfg := tinyConfig(t, "darts")
		cfg.ScaleEpochs(1)
		cfg.AutoAugment = aa
		s, err := New(cfg, synthData(t, 32, 3, 8, 8, 3, 1), Options{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		r := out.History[len(out.History)-1]
		return fmt.Sprint(r.TrainLoss, r.Normal)
	}
	a, b, plain := run(true), run(true), run(false)
	if a != b {
		t.Fatalf("two AutoAugment searches differ:\n%s\n%s", a, b)
	}
	if a == plain {
		t.Fatal("AutoAugment changed nothing")
	}
}
