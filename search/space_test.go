package search

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonas/internal/spec"
	"gonas/models"
)

// TestSearchSpaces runs a one-epoch search on each RobustDARTS space with
// every method that can search it, and checks that the genotype picks each
// edge's op from that edge's own list (the row of node i's input j is
// i(i+3)/2 + j), that the zero op is never picked, that the genotype file
// records the space and passes its check, and that the alpha plots exist.
func TestSearchSpaces(t *testing.T) {
	methods := []string{"darts", "darts2", "pcdarts", "gdas", "rome", "sharpdarts"}
	if testing.Short() {
		methods = []string{"darts", "gdas", "rome"}
	}
	for _, space := range []string{models.SpaceS1, models.SpaceS2, models.SpaceS3, models.SpaceS4} {
		for _, method := range methods {
			if method == "sharpdarts" && space == models.SpaceS4 {
				continue // the sharpDARTS table has no noise op
			}
			t.Run(space+"/"+method, func(t *testing.T) {
				cfg := tinyConfig(t, method)
				cfg.Space = space
				cfg.ScaleEpochs(1)
				dir := t.TempDir()
				s, err := New(cfg, synthData(t, 32, 1, 8, 8, 3, 1), Options{Threads: 1, Out: dir})
				if err != nil {
					t.Fatal(err)
				}
				out, err := s.Run(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				set, err := models.LookupOpSet(cfg.OpSet)
				if err != nil {
					t.Fatal(err)
				}
				sp, err := models.ResolveSpace(space, set)
				if err != nil {
					t.Fatal(err)
				}
				checkInSpace(t, out.Genotype, sp, set.Zero)
				gf, err := models.ReadGenoFile(filepath.Join(dir, GenotypeFile))
				if err != nil {
					t.Fatal(err)
				}
				if gf.Space != space {
					t.Errorf("genotype file records space %q, want %q", gf.Space, space)
				}
				if err := gf.CheckSpace(set); err != nil {
					t.Error(err)
				}
				for _, f := range []string{"alphas_normal.png", "alphas_reduce.svg"} {
					if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
						t.Error(err)
					}
				}
				rec := out.History[len(out.History)-1]
				if rec.Space != space || len(rec.Normal[0]) != sp.Width() || !slices.Equal(rec.EdgeOps(true, 13), sp.Edge(true, 13)) {
					t.Errorf("record: space %q, %d weights per edge, reduce edge 13 ops %v; want %s, %d, %v",
						rec.Space, len(rec.Normal[0]), rec.EdgeOps(true, 13), space, sp.Width(), sp.Edge(true, 13))
				}
			})
		}
	}
}

// checkInSpace checks every pair's op against its edge's list, computing
// the edge row by hand.
func checkInSpace(t *testing.T, g *models.Genotype, sp *models.Space, zero string) {
	t.Helper()
	for c, pairs := range [][]models.Pair{g.Normal, g.Reduce} {
		for i, p := range pairs {
			node := i / 2
			row := node*(node+3)/2 + p.Input
			list := sp.Edge(c == 1, row)
			if !slices.Contains(list, p.Op) || (zero != "" && p.Op == zero) {
				t.Errorf("cell %d node %d input %d (edge %d): op %s; the edge's candidates are %v (zero %q)", c, node, p.Input, row, p.Op, list, zero)
			}
		}
	}
}

// TestSupernetBuildsEdgeLists checks that each edge of an S1 supernet
// holds exactly its own candidates, in list order.
func TestSupernetBuildsEdgeLists(t *testing.T) {
	set, _ := models.LookupOpSet("darts")
	sp, err := models.ResolveSpace(models.SpaceS1, set)
	if err != nil {
		t.Fatal(err)
	}
	sn, err := BuildSupernet(NetConfig{OpSet: set, Space: sp, Input: spec.Shape{C: 3, H: 8, W: 8}, C: 4, Layers: 3})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, nd := range sn.Net.Nodes {
		if nd.Kind != spec.Mix || nd.Mix.Of != spec.MixOps {
			continue
		}
		seen++
		want := sp.Edge(nd.Mix.Cell == spec.CellReduce, nd.Mix.Row)
		if len(nd.Inputs) != len(want) {
			t.Fatalf("%s: %d candidates, want %v", nd.Name, len(nd.Inputs), want)
		}
		for k := range nd.Inputs {
			prefix := nd.Name + "._ops." + strconv.Itoa(k) + "."
			if got := classifyOp(sn.Net, prefix); got != want[k] && !(got == "" && want[k] == "skip_connect") {
				t.Errorf("%s candidate %d is %q; want %s", nd.Name, k, got, want[k])
			}
		}
	}
	if seen != 3*14 {
		t.Errorf("%d mixed edges, want 42", seen)
	}
}

// classifyOp names the DARTS op whose nodes carry prefix, from their
// kinds and depthwise kernels: a pool by its kind, sep_conv by its two
// depthwise convs, dil_conv by one dilated one, skip_connect by a
// FactorizedReduce's two 1x1 convs ("" when it is the identity: no node).
func classifyOp(net *spec.Net, prefix string) string {
	var dw []spec.Node
	convs := 0
	for _, nd := range net.Nodes {
		if !strings.HasPrefix(nd.Name, prefix) {
			continue
		}
		switch nd.Kind {
		case spec.MaxPool:
			return "max_pool_3x3"
		case spec.AvgPool:
			return "avg_pool_3x3"
		case spec.Zero:
			return "none"
		case spec.Noise:
			return "noise"
		case spec.Conv:
			convs++
			if nd.Groups > 1 {
				dw = append(dw, nd)
			}
		}
	}
	switch {
	case len(dw) == 2 && dw[0].KH == 3 && dw[0].DH == 1:
		return "sep_conv_3x3"
	case len(dw) == 1 && dw[0].DH == 2:
		return "dil_conv_" + strconv.Itoa(dw[0].KH) + "x" + strconv.Itoa(dw[0].KW)
	case len(dw) == 0 && convs == 2:
		return "skip_connect"
	case convs == 0:
		return ""
	}
	return "unknown"
}
