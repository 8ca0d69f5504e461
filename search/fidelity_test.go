package search

import (
	"bytes"
	"context"
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
// the scalar weighting and says so, and that sharpdarts_max_w uses Max-W.
func TestSharpDARTSWeighting(t *testing.T) {
	for method, want := range map[string]string{"sharpdarts": WeightingScalar, "sharpdarts_max_w": WeightingMaxW} {
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
