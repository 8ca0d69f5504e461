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
// w holds one row per edge (Rows(steps) rows) of len(prims) weights.
func gdasHeadCell(w [][]float64, prims []string, exclude string, steps int) ([]models.Pair, error) {
	if err := checkWeights(w, len(prims), steps); err != nil {
		return nil, fmt.Errorf("gdas derive: %w", err)
	}
	type cand struct {
		op, in int
		w      float64
	}
	var cell []models.Pair
	for i := range steps {
		var cs []cand
		for j := range i + 2 {
			row := w[gumbelRow(i, j)]
			for k, p := range prims {
				if p != exclude {
					cs = append(cs, cand{k, j, row[k]})
				}
			}
		}
		if len(cs) < 2 {
			return nil, fmt.Errorf("gdas derive: node %d has %d candidate (op, input) pairs; need 2", i, len(cs))
		}
		sort.SliceStable(cs, func(a, b int) bool { return cs[a].w > cs[b].w })
		for _, c := range cs[:2] {
			cell = append(cell, models.Pair{Op: prims[c.op], Input: c.in})
		}
	}
	return cell, nil
}

// checkWeights validates a cell's weight matrix: Rows(steps) rows of
// ops values each.
func checkWeights(w [][]float64, ops, steps int) error {
	if steps < 1 {
		return fmt.Errorf("%d nodes; need at least 1", steps)
	}
	if want := Rows(steps); len(w) != want {
		return fmt.Errorf("%d weight rows; %d nodes need %d", len(w), steps, want)
	}
	for e, row := range w {
		if len(row) != ops {
			return fmt.Errorf("edge %d has %d weights for %d ops", e, len(row), ops)
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
