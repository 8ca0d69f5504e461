package search

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"gonas/models"
)

// cellW builds a weight matrix of rows edges x ops from sparse entries
// {edge, op, value}; the rest is base.
func cellW(edges, ops int, base float64, entries ...[3]float64) [][]float64 {
	w := make([][]float64, edges)
	for e := range w {
		w[e] = make([]float64, ops)
		for k := range w[e] {
			w[e][k] = base
		}
	}
	for _, en := range entries {
		w[int(en[0])][int(en[1])] = en[2]
	}
	return w
}

func wantPairs(xs ...any) []models.Pair {
	var ps []models.Pair
	for i := 0; i < len(xs); i += 2 {
		ps = append(ps, models.Pair{Op: xs[i].(string), Input: xs[i+1].(int)})
	}
	return ps
}

func TestGDASHeadDerive(t *testing.T) {
	// DARTS columns: 0 none, 1 max_pool_3x3, 2 avg_pool_3x3, 3 skip_connect,
	// 4 sep_conv_3x3, 5 sep_conv_5x5, 6 dil_conv_3x3, 7 dil_conv_5x5.
	prims := models.DARTSPrimitives
	for _, tc := range []struct {
		name string
		w    [][]float64
		want []models.Pair
	}{{
		name: "both pairs from one input, none ignored",
		w: cellW(5, 8, 0.01,
			[3]float64{0, 0, 0.9}, [3]float64{0, 4, 0.2}, // edge 0 (node 0 <- 0): none strongest
			[3]float64{1, 3, 0.4}, [3]float64{1, 4, 0.3}, // edge 1 (node 0 <- 1)
			[3]float64{3, 7, 0.5}, [3]float64{4, 6, 0.45}, [3]float64{2, 2, 0.1}),
		want: wantPairs("skip_connect", 1, "sep_conv_3x3", 1, "dil_conv_5x5", 1, "dil_conv_3x3", 2),
	}, {
		name: "ties keep input order, then op order",
		w: cellW(5, 8, 0.01,
			[3]float64{0, 5, 0.3}, [3]float64{1, 1, 0.3}, [3]float64{1, 2, 0.3},
			[3]float64{2, 1, 0.3}, [3]float64{2, 5, 0.3}, [3]float64{3, 2, 0.3}, [3]float64{4, 6, 0.3}),
		want: wantPairs("sep_conv_5x5", 0, "max_pool_3x3", 1, "max_pool_3x3", 0, "sep_conv_5x5", 0),
	}} {
		got, err := gdasHeadCell(tc.w, sameOps(prims, Rows(2)), "none", 2)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	if _, err := gdasHeadCell(cellW(4, 8, 0), sameOps(prims, 4), "none", 2); err == nil {
		t.Error("4 rows for 2 nodes accepted")
	}
	if _, err := gdasHeadCell(cellW(5, 7, 0), sameOps(prims, 5), "none", 2); err == nil {
		t.Error("7 columns for 8 ops accepted")
	}
	if _, err := gdasHeadCell(cellW(2, 1, 0), sameOps([]string{"none"}, 2), "none", 1); err == nil {
		t.Error("a cell of only none derived")
	}
}

func TestROMEDerive(t *testing.T) {
	// rome columns: 0 max_pool_3x3, 1 avg_pool_3x3, 2 skip_connect,
	// 3 sep_conv_3x3, 4 sep_conv_5x5, 5 dil_conv_3x3, 6 dil_conv_5x5.
	set, err := models.LookupOpSet("rome")
	if err != nil {
		t.Fatal(err)
	}
	prims := set.Primitives
	alpha := cellW(9, 7, 0,
		[3]float64{0, 3, 1}, [3]float64{1, 2, 1}, // node 0
		[3]float64{2, 0, 0.5}, [3]float64{2, 1, 0.5}, [3]float64{3, 6, 2}, [3]float64{4, 4, 3}, // node 1: edge 2 ties -> max_pool
		[3]float64{5, 5, 1}, [3]float64{6, 4, 1}, [3]float64{7, 3, 1}, [3]float64{8, 6, 1}) // node 2
	for _, tc := range []struct {
		name string
		v    romeVersion
		beta []float64
		want []models.Pair
	}{{
		name: "v2: strongest first, ties keep the lower input",
		v:    romeV2,
		beta: []float64{-1, 2, 0.5, 0.5, 0.5, 0, 3, -2, 1},
		want: wantPairs("skip_connect", 1, "sep_conv_3x3", 0, "max_pool_3x3", 0, "dil_conv_5x5", 1,
			"sep_conv_5x5", 1, "dil_conv_5x5", 3),
	}, {
		name: "v1: the strongest pair, first on ties",
		v:    romeV1,
		// node 0: (0,1); node 1: (0,1) (0,2) (1,2); node 2: (0,1) (0,2) (0,3) (1,2) (1,3) (2,3).
		beta: []float64{0, 0.1, 2, 2, 0, 0, 0, 0, 0, 0},
		want: wantPairs("sep_conv_3x3", 0, "skip_connect", 1, "max_pool_3x3", 0, "sep_conv_5x5", 2,
			"dil_conv_3x3", 0, "sep_conv_5x5", 1),
	}} {
		got, err := romeCell(tc.v, alpha, tc.beta, sameOps(prims, Rows(3)), set.Zero, 3)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %v\nwant %v", tc.name, got, tc.want)
		}
	}
	if _, err := romeCell(romeV2, alpha, make([]float64, 8), sameOps(prims, Rows(3)), set.Zero, 3); err == nil {
		t.Error("8 betas for 3 nodes accepted")
	}
	if _, err := romeCell(romeV1, alpha, make([]float64, 9), sameOps(prims, Rows(3)), set.Zero, 3); err == nil {
		t.Error("9 pair betas for 3 nodes (v1 needs 10) accepted")
	}
	nan := append([]float64(nil), make([]float64, 9)...)
	nan[4] = math.NaN()
	if _, err := romeCell(romeV2, alpha, nan, sameOps(prims, Rows(3)), set.Zero, 3); err == nil {
		t.Error("NaN beta accepted")
	}
	alpha[3][2] = math.Inf(1)
	if _, err := romeCell(romeV2, alpha, make([]float64, 9), sameOps(prims, Rows(3)), set.Zero, 3); err == nil {
		t.Error("infinite alpha accepted")
	}
}

// TestROMEDeriveIsMostProbable checks Eq. 9 for v2 against brute force: the
// derived pair of every node maximises ROME §3.5's pair probability, and
// every derived cell has exactly two distinct, reachable inputs per node and
// validates as a genotype of the rome op set.
func TestROMEDeriveIsMostProbable(t *testing.T) {
	set, err := models.LookupOpSet("rome")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	const steps = 4
	edges := Rows(steps)
	for trial := range 300 {
		for _, v := range []romeVersion{romeV2, romeV1} {
			alpha := make([][]float64, edges)
			for e := range alpha {
				alpha[e] = make([]float64, len(set.Primitives))
				for k := range alpha[e] {
					alpha[e][k] = r.NormFloat64()
				}
			}
			beta := make([]float64, romeBetaLen(v, steps))
			for i := range beta {
				beta[i] = r.NormFloat64() * 2
			}
			cell, err := romeCell(v, alpha, beta, sameOps(set.Primitives, Rows(steps)), set.Zero, steps)
			if err != nil {
				t.Fatal(err)
			}
			g := models.Genotype{Normal: cell, NormalConcat: []int{2, 3, 4, 5}, Reduce: cell, ReduceConcat: []int{2, 3, 4, 5}}
			if err := g.Validate(models.ParseOptions{KnownOp: set.Has}); err != nil {
				t.Fatalf("trial %d v%d: %v", trial, v, err)
			}
			for i := range steps {
				a, b := cell[2*i].Input, cell[2*i+1].Input
				if a == b {
					t.Fatalf("trial %d v%d node %d: inputs %d and %d are not distinct", trial, v, i, a, b)
				}
				// Brute force the most probable pair.
				n := i + 2
				var probs []float64
				if v == romeV2 {
					p := refSoftmax(beta[gumbelRow(i, 0):][:n])
					for _, pr := range romePairs(n) {
						probs = append(probs, refPairProb(p, pr[0], pr[1]))
					}
				} else {
					probs = refSoftmax(beta[romeBetaStart(romeV1, i):][:n*(n-1)/2])
				}
				best := 0
				for k := range probs {
					if probs[k] > probs[best] {
						best = k
					}
				}
				if want := romePairs(n)[best]; [2]int{min(a, b), max(a, b)} != want {
					t.Fatalf("trial %d v%d node %d: derived inputs %d,%d, most probable pair %v", trial, v, i, a, b, want)
				}
				// Each edge's op is its argmax alpha.
				for _, pr := range cell[2*i : 2*i+2] {
					row := alpha[gumbelRow(i, pr.Input)]
					k := set.Index(pr.Op)
					for _, x := range row {
						if x > row[k] || math.IsNaN(x) {
							t.Fatalf("trial %d node %d: op %s is not the argmax of %v", trial, i, pr.Op, row)
						}
					}
				}
			}
		}
	}
}
