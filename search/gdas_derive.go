package search

import (
	"fmt"
	"math"
	"sort"

	"gonas/models"
)

// gdasHeadCell derives one cell by the AutoDL HEAD rule of GDAS
// [AutoDL search_model_gdas_nasnet.py genotype]: for each node, collect
// (op, j, w) over all its incoming edges j and all ops but exclude (the op
// set's zero op, none), with w the op's weight softmax(alpha)[row][op]; sort
// by w descending (stably, so ties keep input order, then op order) and keep
// the first two. Unlike the DARTS rule both pairs may come from the same
// input.
//
// w holds one row per edge (Rows(steps) rows), row e with one weight per
// op of prims[e].
func gdasHeadCell(w [][]float64, prims [][]string, exclude string, steps int) ([]models.Pair, error) {
	if err := checkWeights(w, prims, steps); err != nil {
		return nil, fmt.Errorf("gdas derive: %w", err)
	}
	type cand struct {
		op string
		in int
		w  float64
	}
	var cell []models.Pair
	for i := range steps {
		var cs []cand
		for j := range i + 2 {
			e := gumbelRow(i, j)
			for k, p := range prims[e] {
				if p != exclude {
					cs = append(cs, cand{p, j, w[e][k]})
				}
			}
		}
		if len(cs) < 2 {
			return nil, fmt.Errorf("gdas derive: node %d has %d candidate (op, input) pairs; need 2", i, len(cs))
		}
		sort.SliceStable(cs, func(a, b int) bool { return cs[a].w > cs[b].w })
		for _, c := range cs[:2] {
			cell = append(cell, models.Pair{Op: c.op, Input: c.in})
		}
	}
	return cell, nil
}

// checkWeights validates a cell's weight matrix: Rows(steps) rows, row e
// with one value per op of ops[e].
func checkWeights(w [][]float64, ops [][]string, steps int) error {
	if steps < 1 {
		return fmt.Errorf("%d nodes; need at least 1", steps)
	}
	if want := Rows(steps); len(w) != want || len(ops) != want {
		return fmt.Errorf("%d weight rows and %d op lists; %d nodes need %d", len(w), len(ops), steps, want)
	}
	for e, row := range w {
		if len(row) != len(ops[e]) {
			return fmt.Errorf("edge %d has %d weights for %d ops", e, len(row), len(ops[e]))
		}
		if err := checkFinite(row); err != nil {
			return fmt.Errorf("edge %d: %w", e, err)
		}
	}
	return nil
}

// checkFinite rejects NaN and infinite weights, which have no order.
func checkFinite(xs []float64) error {
	for i, v := range xs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("weight %d is %v", i, v)
		}
	}
	return nil
}
