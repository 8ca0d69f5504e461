package search

import (
	"fmt"

	"gonas/engine/nn"
	"gonas/internal/spec"
)

// romeMixer is one ROME sub-network (§3.3-3.6): per cell type, every node's
// two inputs are sampled from beta (topology) and each sampled edge's op
// from alpha, one draw shared by every cell of the type. Only the 8 sampled
// edges of a cell run, one op each: an edge's output is op(x)·A (A the
// straight-through op weight), a node's value is B_i·e_i + B_j·e_j over its
// two sampled edges (B the straight-through topology weight).
type romeMixer struct {
	topo [2]*topoDraw
	ops  [2]*opDraw
}

// newROMEMixer samples a sub-network: for each cell type, normal first, the
// topology (node by node) and then the ops of every row.
func newROMEMixer(ctx *nn.Ctx, v romeVersion, alphas, betas [2]*nn.Tensor, steps int, tau float64) (*romeMixer, error) {
	m := &romeMixer{}
	for c := range alphas {
		if alphas[c] == nil || betas[c] == nil {
			return nil, fmt.Errorf("rome %s cell: missing architecture parameters", cellNames[c])
		}
		t, err := drawTopology(ctx, v, betas[c], steps, tau)
		if err != nil {
			return nil, fmt.Errorf("rome %s cell: %w", cellNames[c], err)
		}
		o, err := drawOps(ctx, alphas[c], tau)
		if err != nil {
			return nil, fmt.Errorf("rome %s cell: %w", cellNames[c], err)
		}
		if len(o.index) != Rows(steps) {
			return nil, fmt.Errorf("rome %s cell: alpha has %d rows for %d nodes", cellNames[c], len(o.index), steps)
		}
		m.topo[c], m.ops[c] = &t, &o
	}
	return m, nil
}

// check validates a Mix node against the sample.
func (m *romeMixer) check(nd *spec.Node) (int, error) {
	c := cellIndex(nd.Mix.Cell)
	if nd.Mix.Node < 0 || nd.Mix.Node >= len(m.topo[c].inputs) {
		return c, fmt.Errorf("node %d outside the %d sampled nodes", nd.Mix.Node, len(m.topo[c].inputs))
	}
	if nd.Mix.Row < 0 || nd.Mix.Row >= len(m.ops[c].index) {
		return c, fmt.Errorf("edge row %d outside the %d rows of alpha", nd.Mix.Row, len(m.ops[c].index))
	}
	if nd.Mix.Of == spec.MixEdges && len(nd.Inputs) != nd.Mix.Node+2 {
		return c, fmt.Errorf("node %d has %d incoming edges, want %d", nd.Mix.Node, len(nd.Inputs), nd.Mix.Node+2)
	}
	if nd.Mix.Of == spec.MixOps && m.ops[c].index[nd.Mix.Row] >= len(nd.Inputs) {
		return c, fmt.Errorf("edge row %d: sampled op %d of %d candidates", nd.Mix.Row, m.ops[c].index[nd.Mix.Row], len(nd.Inputs))
	}
	return c, nil
}

// Active is the sampled op of an edge, and a node's two sampled edges in
// increasing order.
func (m *romeMixer) Active(nd *spec.Node) []int {
	c, err := m.check(nd)
	if err != nil {
		return nil // Mix reports the problem
	}
	if nd.Mix.Of == spec.MixOps {
		return []int{m.ops[c].index[nd.Mix.Row]}
	}
	in := m.topo[c].inputs[nd.Mix.Node]
	return []int{min(in[0], in[1]), max(in[0], in[1])}
}

// Mix weights the sampled op by A, or a node's two sampled edges by B.
func (m *romeMixer) Mix(ctx *nn.Ctx, nd *spec.Node, active []int, ins []*nn.Tensor) (*nn.Tensor, error) {
	c, err := m.check(nd)
	if err != nil {
		return nil, err
	}
	want := 1
	if nd.Mix.Of == spec.MixEdges {
		want = 2
	}
	if len(active) != want || len(ins) != want {
		return nil, fmt.Errorf("%d inputs evaluated, the sample has %d", len(ins), want)
	}
	var w *nn.Tensor
	if nd.Mix.Of == spec.MixOps {
		w = m.ops[c].weight(ctx, nd.Mix.Row)
	} else {
		w = m.topo[c].gateVec(ctx, nd.Mix.Node, active)
	}
	y := nn.WeightedSum(ctx, ins, w)
	ctx.Release(w)
	return y, nil
}
