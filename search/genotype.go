package search

import (
	"fmt"
	"math"
	"sort"

	"gonas/models"
)

// ParseCell applies the DARTS derivation rule (docs/papers.md §3) to one cell
// type's weights w[row][k] (rows in edge order; column k of row r is op
// ops[r][k], the edge's k-th candidate):
// for every intermediate node, rank its incoming edges by their largest
// weight over the ops other than exclude, keep the top two (strongest
// first; ties keep the lower input first, as Python's stable sort does),
// and for each kept edge take the op with the largest such weight (ties to
// the lower column, as the reference's strict '>' does). exclude is
// normally the op set's zero op, OpSet.Zero (the reference's "hack"); ""
// excludes nothing.
func ParseCell(w [][]float64, steps int, ops [][]string, exclude string) ([]models.Pair, error) {
	if steps <= 0 {
		return nil, fmt.Errorf("derive: %d steps", steps)
	}
	if len(w) != Rows(steps) || len(ops) != len(w) {
		return nil, fmt.Errorf("derive: %d weight rows and %d op lists for %d steps (want %d)", len(w), len(ops), steps, Rows(steps))
	}
	type edge struct {
		from, op int
		w        float64
		name     string
	}
	var pairs []models.Pair
	for i := 0; i < steps; i++ {
		start, n := NodeRows(i)
		edges := make([]edge, n)
		for j := 0; j < n; j++ {
			row, names := w[start+j], ops[start+j]
			if len(row) != len(names) {
				return nil, fmt.Errorf("derive: row %d has %d weights for %d ops", start+j, len(row), len(names))
			}
			best := -1
			for k, v := range row {
				if math.IsNaN(v) {
					return nil, fmt.Errorf("derive: row %d op %s has weight NaN", start+j, names[k])
				}
				if (exclude == "" || names[k] != exclude) && (best < 0 || v > row[best]) {
					best = k
				}
			}
			if best < 0 {
				return nil, fmt.Errorf("derive: row %d has no op other than %s", start+j, exclude)
			}
			edges[j] = edge{from: j, op: best, w: row[best], name: names[best]}
		}
		sort.SliceStable(edges, func(a, b int) bool { return edges[a].w > edges[b].w })
		for _, e := range edges[:2] {
			pairs = append(pairs, models.Pair{Op: e.name, Input: e.from})
		}
	}
	return pairs, nil
}

// Derive applies ParseCell to both cell types (with their edges' op lists)
// and adds the concat lists range(2+steps-multiplier, steps+2).
func Derive(normal, reduce [][]float64, steps, multiplier int, normalOps, reduceOps [][]string, exclude string) (*models.Genotype, error) {
	n, err := ParseCell(normal, steps, normalOps, exclude)
	if err != nil {
		return nil, fmt.Errorf("normal cell: %w", err)
	}
	r, err := ParseCell(reduce, steps, reduceOps, exclude)
	if err != nil {
		return nil, fmt.Errorf("reduce cell: %w", err)
	}
	if multiplier <= 0 || multiplier > steps {
		return nil, fmt.Errorf("derive: multiplier %d outside 1..%d", multiplier, steps)
	}
	var concat []int
	for s := 2 + steps - multiplier; s < steps+2; s++ {
		concat = append(concat, s)
	}
	return &models.Genotype{Normal: n, NormalConcat: concat, Reduce: r, ReduceConcat: append([]int(nil), concat...)}, nil
}

// ScaleRows returns w with row j multiplied by e[j]: PC-DARTS derives from
// the op weights scaled by the edge weights (softmax of the betas per node).
func ScaleRows(w [][]float64, e []float64) [][]float64 {
	out := make([][]float64, len(w))
	for j, row := range w {
		out[j] = make([]float64, len(row))
		for k, v := range row {
			out[j][k] = v * e[j]
		}
	}
	return out
}
