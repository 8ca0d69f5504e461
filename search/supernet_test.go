package search

import (
	"reflect"
	"strings"
	"testing"

	"gonas/engine/model"
	"gonas/internal/spec"
	"gonas/models"
)

func darts(t testing.TB) *models.OpSet {
	t.Helper()
	set, err := models.LookupOpSet("darts")
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// dartsParams counts the DARTS search network's weights by hand
// (docs/papers.md §1.2-§1.4): the stem conv and affine BN; per cell the two
// preprocessing convs (ReLUConvBN and FactorizedReduce both have Cin*C
// weights); per edge, on c = C/K channels, sep_conv 3x3 and 5x5 (two
// blocks of a depthwise kxk and a 1x1), dil_conv 3x3 and 5x5 (one block),
// and FactorizedReduce (c*c) for skip_connect on the 8 stride-2 edges of a
// reduction cell; the classifier. Non-affine BNs have no weights. The
// ImageNet stems (model_search_imagenet) are three 3x3 convs, in -> 3C/2
// -> 3C -> 3C, each with an affine BN; the first cell's FactorizedReduce
// has as many weights as a ReLUConvBN.
func dartsParams(in spec.Shape, C, layers, classes, k int, imagenet bool) int64 {
	edge := func(c int64) int64 { return 2*(9*c+c*c) + 2*(25*c+c*c) + (9*c + c*c) + (25*c + c*c) }
	n := int64(3*C*in.C*9 + 2*3*C)
	if h := int64(3 * C / 2); imagenet {
		n = int64(in.C)*h*9 + 2*h + h*int64(3*C)*9 + 2*int64(3*C) + int64(9*3*C*3*C) + 2*int64(3*C)
	}
	cpp, cp, c := int64(3*C), int64(3*C), int64(C)
	for i := range layers {
		red := reductionAt(i, layers)
		if red {
			c *= 2
		}
		e := c / int64(k)
		n += cpp*c + cp*c + 14*edge(e)
		if red {
			n += 8 * e * e
		}
		cpp, cp = cp, 4*c
	}
	return n + cp*int64(classes) + int64(classes)
}

func TestSupernetStructure(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       spec.Shape
		k        int
		imagenet bool
		classes  int
		params   int64
	}{
		// 1,930,618 is also what the DARTS reference logs for its search
		// network ("param size = 1.930618MB").
		{"darts cifar", spec.Shape{C: 3, H: 32, W: 32}, 1, false, 10, 1930618},
		{"darts mnist", spec.Shape{C: 1, H: 28, W: 28}, 1, false, 10, 0},
		{"pcdarts cifar", spec.Shape{C: 3, H: 32, W: 32}, 4, false, 10, 0},
		// PC-DARTS's direct ImageNet search network: K=2, the ImageNet
		// stems, 1000 classes, at 224x224.
		{"pcdarts imagenet", spec.Shape{C: 3, H: 224, W: 224}, 2, true, 1000, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sn, err := BuildSupernet(NetConfig{OpSet: darts(t), Input: tc.in, Partial: tc.k, ImageNetStem: tc.imagenet, Classes: tc.classes})
			if err != nil {
				t.Fatal(err)
			}
			if err := sn.Net.Validate(); err != nil {
				t.Fatalf("supernet spec does not validate: %v", err)
			}
			js, err := spec.Marshal(sn.Net)
			if err != nil {
				t.Fatal(err)
			}
			back, err := spec.Decode(js)
			if err != nil {
				t.Fatalf("supernet spec does not read back: %v", err)
			}
			if !reflect.DeepEqual(back.Nodes, sn.Net.Nodes) {
				t.Fatal("supernet spec changed through JSON")
			}
			m, err := model.New(sn.Net, 1)
			if err != nil {
				t.Fatal(err)
			}
			want := dartsParams(tc.in, 16, 8, tc.classes, tc.k, tc.imagenet)
			if tc.params != 0 && want != tc.params {
				t.Fatalf("hand count %d, want %d", want, tc.params)
			}
			if got := m.Params.Count(); got != want {
				t.Fatalf("%d weights, the hand count is %d", got, want)
			}
			var opsMix, edgeMix int
			rows := map[string]map[int]int{}
			for _, nd := range sn.Net.Nodes {
				if nd.Kind != spec.Mix {
					continue
				}
				switch nd.Mix.Of {
				case spec.MixOps:
					opsMix++
					if len(nd.Inputs) != 8 {
						t.Fatalf("%s mixes %d ops", nd.Name, len(nd.Inputs))
					}
					if rows[nd.Mix.Cell] == nil {
						rows[nd.Mix.Cell] = map[int]int{}
					}
					rows[nd.Mix.Cell][nd.Mix.Row]++
					if node, from := RowEdge(nd.Mix.Row); node != nd.Mix.Node || from != nd.Mix.From {
						t.Fatalf("%s: row %d is node %d input %d, tagged node %d input %d", nd.Name, nd.Mix.Row, node, from, nd.Mix.Node, nd.Mix.From)
					}
				case spec.MixEdges:
					edgeMix++
					if len(nd.Inputs) != 2+nd.Mix.Node {
						t.Fatalf("%s sums %d edges", nd.Name, len(nd.Inputs))
					}
				}
			}
			if opsMix != 14*8 || edgeMix != 4*8 {
				t.Fatalf("%d edge mixes and %d node mixes, want 112 and 32", opsMix, edgeMix)
			}
			// Every row of each cell type appears once per cell of the type.
			for r := range 14 {
				if rows[spec.CellNormal][r] != 6 || rows[spec.CellReduce][r] != 2 {
					t.Fatalf("row %d: %d normal and %d reduce edges, want 6 and 2", r, rows[spec.CellNormal][r], rows[spec.CellReduce][r])
				}
			}
			red := []int{}
			for i, c := range sn.Cells {
				if c.Reduce {
					red = append(red, i)
				}
			}
			if len(red) != 2 || red[0] != 2 || red[1] != 5 {
				t.Fatalf("reduction cells %v, want [2 5]", red)
			}
			stemDown, names := 4, []string{"stem.0.weight", "stem.1.weight", "cells.0.preprocess0.op.1.weight"}
			if tc.imagenet { // three stride-2 stems; cell 0 reduces s0
				stemDown, names = 32, []string{"stem0.0.weight", "stem0.4.weight", "stem1.1.weight", "cells.0.preprocess0.conv_1.weight"}
			}
			if last := sn.Cells[7]; last.C != 64 || last.H != tc.in.H/stemDown {
				t.Fatalf("last cell C=%d %dx%d", last.C, last.H, last.W)
			}
			// Reference parameter names.
			for _, name := range append(names, "cells.3.preprocess0.conv_1.weight", "cells.0._ops.13._ops.4.op.1.weight", "classifier.weight") {
				if m.Params.Get(name) == nil {
					t.Errorf("no parameter %s", name)
				}
			}
		})
	}
}

func TestSupernetPartialChannels(t *testing.T) {
	sn, err := BuildSupernet(NetConfig{OpSet: darts(t), Input: spec.Shape{C: 3, H: 16, W: 16}, C: 8, Layers: 3, Partial: 4})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]spec.Node{}
	for _, nd := range sn.Net.Nodes {
		byName[nd.Name] = nd
	}
	for _, tc := range []struct {
		cell   int
		c      int
		reduce bool
	}{{0, 8, false}, {1, 16, true}} {
		e := "cells." + string(rune('0'+tc.cell)) + "._ops.0"
		part, byp, sh := byName[e+".partial"], byName[e+".bypass"], byName[e+".shuffle"]
		if part.Kind != spec.Slice || part.Start != 0 || part.Out.C != tc.c/4 {
			t.Fatalf("%s: partial slice %+v", e, part)
		}
		if byp.Kind != spec.Slice || byp.Start != tc.c/4 || byp.Out.C != tc.c-tc.c/4 {
			t.Fatalf("%s: bypass slice %+v", e, byp)
		}
		if sh.Kind != spec.Shuffle || sh.Groups != 4 || sh.Out.C != tc.c {
			t.Fatalf("%s: shuffle %+v", e, sh)
		}
		mp, ok := byName[e+".mp"]
		if ok != tc.reduce || ok && (mp.Kind != spec.MaxPool || mp.KH != 2 || mp.SH != 2) {
			t.Fatalf("%s: bypass pool %+v (present %v, reduction %v)", e, mp, ok, tc.reduce)
		}
		if mix := byName[e]; mix.Kind != spec.Mix || mix.Out.C != tc.c/4 {
			t.Fatalf("%s: mix %+v", e, mix)
		}
	}
}

func TestSupernetSizeErrors(t *testing.T) {
	sharp, err := models.LookupOpSet("sharpdarts")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cfg  NetConfig
		want string
	}{
		{"odd map, unpadded FactorizedReduce", NetConfig{OpSet: darts(t), Input: spec.Shape{C: 3, H: 30, W: 30}, C: 4, Layers: 8},
			"even spatial size, got 15x15"},
		{"K does not divide C", NetConfig{OpSet: darts(t), Input: spec.Shape{C: 3, H: 16, W: 16}, C: 6, Layers: 3, Partial: 4},
			"not divisible"},
		{"multiplier", NetConfig{OpSet: darts(t), Input: spec.Shape{C: 3, H: 16, W: 16}, Steps: 2, Multiplier: 3},
			"multiplier"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := BuildSupernet(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	// The padded FactorizedReduce of sharpDARTS takes the odd map.
	if _, err := BuildSupernet(NetConfig{OpSet: sharp, Input: spec.Shape{C: 3, H: 30, W: 30}, C: 4, Layers: 8}); err != nil {
		t.Fatalf("sharpdarts on 30x30: %v", err)
	}
}
