package search

import (
	"fmt"
	"sort"

	"gonas/models"
)

// romeCell derives one cell as ROME's most probable architecture z* =
// argmax p(z; alpha, beta) (Eq. 9), where p factorises into the topology
// and, per chosen edge, the op.
//
// v2: per node the two inputs of largest beta (Gumbel-Top2 draws two edges
// without replacement, and the probability of a pair is increasing in both
// edges' probabilities, so the top-2 pair is the most probable), in ranked
// order, strongest first (the DARTS convention; ties keep the lower input).
// v1: per node the input pair of largest beta (ties: the first pair in
// romePairs order), inputs in increasing order.
//
// Each kept edge takes the op argmax alpha (ties: the lower column; the
// op exclude, normally the op set's zero op if it has one, is never chosen).
func romeCell(v romeVersion, alpha [][]float64, beta []float64, prims [][]string, exclude string, steps int) ([]models.Pair, error) {
	if err := checkWeights(alpha, prims, steps); err != nil {
		return nil, fmt.Errorf("rome derive: %w", err)
	}
	if want := romeBetaLen(v, steps); len(beta) != want {
		return nil, fmt.Errorf("rome derive: %d topology weights; %d nodes need %d", len(beta), steps, want)
	}
	if err := checkFinite(beta); err != nil {
		return nil, fmt.Errorf("rome derive: topology %w", err)
	}
	var cell []models.Pair
	for i := range steps {
		n := i + 2
		b := beta[romeBetaStart(v, i):]
		var ins [2]int
		if v == romeV1 {
			pairs := romePairs(n)
			best := 0
			for p := range pairs {
				if b[p] > b[best] {
					best = p
				}
			}
			ins = pairs[best]
		} else {
			order := make([]int, n)
			for j := range order {
				order[j] = j
			}
			sort.SliceStable(order, func(x, y int) bool { return b[order[x]] > b[order[y]] })
			ins = [2]int{order[0], order[1]}
		}
		for _, j := range ins {
			e := gumbelRow(i, j)
			op, err := argmaxOp(alpha[e], prims[e], exclude)
			if err != nil {
				return nil, fmt.Errorf("rome derive: node %d input %d: %w", i, j, err)
			}
			cell = append(cell, models.Pair{Op: op, Input: j})
		}
	}
	return cell, nil
}

// argmaxOp is the op of largest weight other than exclude, the first on
// ties.
func argmaxOp(row []float64, prims []string, exclude string) (string, error) {
	best := -1
	for k, p := range prims {
		if p != exclude && (best < 0 || row[k] > row[best]) {
			best = k
		}
	}
	if best < 0 {
		return "", fmt.Errorf("no op other than %q", exclude)
	}
	return prims[best], nil
}
