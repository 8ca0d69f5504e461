package search

import (
	"fmt"

	"gonas/engine/nn"
)

// romeVersion selects ROME's topology sampler.
type romeVersion int

const (
	romeV2 romeVersion = 2 // Gumbel-Top2 over each node's incoming edges (Eq. 7-8), the default
	romeV1 romeVersion = 1 // Gumbel-Max over each node's pairs of incoming edges (Eq. 4-6)
)

// romePairs lists the unordered pairs (i, k), i < k, of n inputs in
// lexicographic order: (0,1), (0,2), ..., (1,2), ... This is the column
// order of a ROME-v1 node's beta.
func romePairs(n int) [][2]int {
	ps := make([][2]int, 0, n*(n-1)/2)
	for i := range n {
		for k := i + 1; k < n; k++ {
			ps = append(ps, [2]int{i, k})
		}
	}
	return ps
}

// romeBetaLen is the number of topology parameters of a cell: one per edge
// (v2, 14 for 4 nodes) or one per pair of a node's inputs (v1, 1+3+6+10 = 20).
func romeBetaLen(v romeVersion, steps int) int {
	if v == romeV1 {
		n := 0
		for i := range steps {
			n += (i + 2) * (i + 1) / 2
		}
		return n
	}
	return Rows(steps)
}

// romeBetaStart is where node i's entries start in beta.
func romeBetaStart(v romeVersion, i int) int {
	if v == romeV1 {
		return romeBetaLen(romeV1, i)
	}
	return gumbelRow(i, 0)
}

// topoDraw is one sample of a cell's topology: two distinct inputs per node
// and, per node, the straight-through gate tensor the edge weights are read
// from (v2: B over the node's inputs; v1: I over its input pairs).
type topoDraw struct {
	version romeVersion
	inputs  [][2]int     // per node, the chosen inputs j (v2: strongest first; v1: i < k)
	gates   []*nn.Tensor // per node
}

// drawTopology samples the inputs of every node of a cell from beta at
// temperature tau, nodes in order.
//
// v2 (Eq. 7-8): beta~ = softmax over the node's incoming edges, B~ =
// softmax((log beta~ + g)/tau), B = 1 on the top-2 entries of log beta~ + g,
// which is sampling two distinct edges without replacement with
// probabilities beta~ (ROME §3.5); nn.GumbelTopK.
//
// v1 (Eq. 4-6): one Gumbel-Max draw I over the node's j(j-1)/2 input pairs
// (nn.GumbelSoftmaxST), B_i = sum of I over the pairs that contain i.
func drawTopology(c *nn.Ctx, v romeVersion, beta *nn.Tensor, steps int, tau float64) (topoDraw, error) {
	if want := romeBetaLen(v, steps); beta == nil || len(beta.Shape) != 1 || beta.Shape[0] != want {
		return topoDraw{}, fmt.Errorf("sample topology: beta must be a vector of %d values for %d nodes", want, steps)
	}
	t := topoDraw{version: v, inputs: make([][2]int, steps), gates: make([]*nn.Tensor, steps)}
	for i := range steps {
		n := i + 2
		width := n
		if v == romeV1 {
			width = n * (n - 1) / 2
		}
		row := nn.Narrow(c, beta, 0, romeBetaStart(v, i), width)
		switch v {
		case romeV1:
			g, idx := nn.GumbelSoftmaxST(c, row, tau)
			if err := c.Err(); err != nil {
				return topoDraw{}, fmt.Errorf("sample topology, node %d: %w", i, err)
			}
			t.gates[i] = g
			p := romePairs(n)[idx[0]]
			t.inputs[i] = p
		default:
			g, idx := nn.GumbelTopK(c, row, 2, tau)
			if err := c.Err(); err != nil {
				return topoDraw{}, fmt.Errorf("sample topology, node %d: %w", i, err)
			}
			t.gates[i] = g
			t.inputs[i] = [2]int{idx[0][0], idx[0][1]}
		}
		c.Release(row)
	}
	return t, nil
}

// gate is the straight-through weight B of input j of node i, a
// one-element tensor (value 1 for a chosen input) whose gradient reaches
// beta.
func (t topoDraw) gate(c *nn.Ctx, i, j int) *nn.Tensor { return t.gateVec(c, i, []int{j}) }

// gateVec gathers the weights B of inputs js of node i into a vector.
// v1: B_j = sum of I over the n-1 pairs that contain j (Eq. 6), formed as
// the sum of n-1 gathers, the m-th picking each j's m-th pair.
func (t topoDraw) gateVec(c *nn.Ctx, i int, js []int) *nn.Tensor {
	if t.version != romeV1 {
		return nn.Gather(c, t.gates[i], js...)
	}
	n := i + 2
	of := make([][]int, len(js)) // of[k]: the pair columns containing js[k]
	for p, pr := range romePairs(n) {
		for k, j := range js {
			if pr[0] == j || pr[1] == j {
				of[k] = append(of[k], p)
			}
		}
	}
	terms := make([]*nn.Tensor, n-1)
	cols := make([]int, len(js))
	for m := range terms {
		for k := range js {
			cols[k] = of[k][m]
		}
		terms[m] = nn.Gather(c, t.gates[i], cols...)
	}
	if len(terms) == 1 {
		return terms[0]
	}
	b := nn.Add(c, terms...)
	for _, x := range terms {
		c.Release(x)
	}
	return b
}

// chosen reports whether input j of node i was sampled.
func (t topoDraw) chosen(i, j int) bool {
	return t.inputs[i][0] == j || t.inputs[i][1] == j
}
