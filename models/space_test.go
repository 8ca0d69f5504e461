package models

import (
	"slices"
	"strings"
	"testing"
)

func TestResolveSpace(t *testing.T) {
	for _, tc := range []struct {
		space, set string
		width      int
		ops        []string // every op, first-seen order
		note       bool
		err        string
	}{
		{"", "darts", 8, DARTSPrimitives, false, ""},
		{"S0", "rome", 7, DARTSPrimitives[1:], false, ""},
		{"s1", "darts", 2, []string{"skip_connect", "dil_conv_3x3", "dil_conv_5x5", "sep_conv_3x3", "max_pool_3x3", "avg_pool_3x3"}, false, ""},
		{"s2", "darts", 2, []string{"skip_connect", "sep_conv_3x3"}, false, ""},
		{"s3", "darts", 3, []string{"none", "skip_connect", "sep_conv_3x3"}, false, ""},
		{"s3", "rome", 2, []string{"skip_connect", "sep_conv_3x3"}, true, ""},
		{"s4", "gdas", 2, []string{"noise", "sep_conv_3x3"}, false, ""},
		{"s4", "sharpdarts", 0, nil, false, "op set sharpdarts cannot build noise"},
		{"s5", "darts", 0, nil, false, `unknown search space "s5" (known: s0, s1, s2, s3, s4)`},
	} {
		set, err := LookupOpSet(tc.set)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := ResolveSpace(tc.space, set)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s/%s: error %v, want %q", tc.space, tc.set, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s/%s: %v", tc.space, tc.set, err)
		}
		if sp.Width() != tc.width || !slices.Equal(sp.Ops(), tc.ops) || (sp.Note != "") != tc.note {
			t.Errorf("%s/%s: width %d ops %v note %q; want %d %v note %v", tc.space, tc.set, sp.Width(), sp.Ops(), sp.Note, tc.width, tc.ops, tc.note)
		}
		if tc.space == "s3" && tc.set == "rome" && slices.Contains(builtinSpaces[2].uniform, "none") == false {
			t.Errorf("dropping none changed the shared S3 table")
		}
	}
}

// TestSpaceS1 checks S1's table against what RobustDARTS's spaces.py says
// of it: 14 edges per cell, two different DARTS ops on each, normal and
// reduce lists differing, a few rows spelled out.
func TestSpaceS1(t *testing.T) {
	set, _ := LookupOpSet("darts")
	sp, err := ResolveSpace(SpaceS1, set)
	if err != nil {
		t.Fatal(err)
	}
	if sp.Uniform() {
		t.Fatal("s1 is uniform")
	}
	for _, reduce := range []bool{false, true} {
		rows := sp.Rows(reduce, 4)
		for r, list := range rows {
			if len(list) != 2 || list[0] == list[1] || !slices.Contains(DARTSPrimitives, list[0]) || !slices.Contains(DARTSPrimitives, list[1]) {
				t.Errorf("reduce %v edge %d: %v", reduce, r, list)
			}
		}
	}
	for _, tc := range []struct {
		reduce bool
		row    int
		want   []string
	}{
		{false, 0, []string{"skip_connect", "dil_conv_3x3"}},
		{false, 5, []string{"max_pool_3x3", "skip_connect"}},
		{false, 13, []string{"dil_conv_3x3", "dil_conv_5x5"}},
		{true, 1, []string{"max_pool_3x3", "dil_conv_3x3"}},
		{true, 6, []string{"max_pool_3x3", "sep_conv_3x3"}},
		{true, 13, []string{"skip_connect", "dil_conv_5x5"}},
	} {
		if got := sp.Edge(tc.reduce, tc.row); !slices.Equal(got, tc.want) {
			t.Errorf("reduce %v edge %d: %v, want %v", tc.reduce, tc.row, got, tc.want)
		}
	}
	if err := sp.Check(set, 3); err == nil || !strings.Contains(err.Error(), "a cell of 3 nodes has 9") {
		t.Errorf("3-node cells: %v", err)
	}
}

func TestCheckGenotypeSpace(t *testing.T) {
	g, err := Parse("normal: skip_connect 0, dil_conv_5x5 1 | skip_connect 0, dil_conv_3x3 2 | max_pool_3x3 0, skip_connect 3 | sep_conv_3x3 0, dil_conv_5x5 4\n"+
		"normal_concat: 2 3 4 5\n"+
		"reduce: avg_pool_3x3 0, dil_conv_3x3 1 | max_pool_3x3 1, dil_conv_5x5 2 | sep_conv_3x3 1, skip_connect 3 | skip_connect 4, max_pool_3x3 0\n"+
		"reduce_concat: 2 3 4 5\n", ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	set, _ := LookupOpSet("darts")
	gf := &GenoFile{Name: "S1_CELL", Space: SpaceS1, Genotype: *g}
	if err := gf.CheckSpace(set); err != nil {
		t.Fatalf("a genotype inside S1: %v", err)
	}
	bad := gf.Genotype.Clone()
	bad.Reduce[5].Op = "sep_conv_3x3" // node 2, input 3 (node 1): edge 8 is {skip_connect, dil_conv_5x5}
	gf.Genotype = *bad
	want := "genotype S1_CELL: space s1: reduce cell, edge 8 (node 1 -> node 2): op sep_conv_3x3 is not a candidate (candidates: skip_connect, dil_conv_5x5)"
	if err := gf.CheckSpace(set); err == nil || err.Error() != want {
		t.Errorf("error %v\nwant  %s", err, want)
	}
	gf.Space = ""
	if err := gf.CheckSpace(set); err != nil {
		t.Errorf("a file without a space is not checked: %v", err)
	}
	gf.Space = "s2"
	if err := gf.CheckSpace(set); err == nil || !strings.Contains(err.Error(), "normal cell, edge 1 (s1 -> node 0): op dil_conv_5x5") {
		t.Errorf("s2: %v", err)
	}
}
