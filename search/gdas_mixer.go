package search

import (
	"fmt"

	"gonas/engine/nn"
	"gonas/internal/spec"
)

// gdasMixer is one GDAS forward pass [AutoDL search_model_gdas_nasnet.py]:
// one Gumbel sample per cell type, shared by every cell of that type; each
// edge evaluates only its sampled op and scales it by the straight-through
// weight hardwts[index] (value 1, gradient to alpha); each node sums all its
// incoming edges, so a cell runs exactly one op on each of its 14 edges.
type gdasMixer struct {
	draws [2]*opDraw // normal, reduce; nil for a cell type without Mix nodes (GDAS-FRC's reduce)
}

// newGDASMixer draws the pass's ops from the alphas at temperature tau,
// normal cells first. A nil alpha (the fixed reduction cell) draws nothing.
func newGDASMixer(ctx *nn.Ctx, alphas [2]*nn.Tensor, tau float64) (*gdasMixer, error) {
	m := &gdasMixer{}
	for c, a := range alphas {
		if a == nil {
			continue
		}
		d, err := drawOps(ctx, a, tau)
		if err != nil {
			return nil, fmt.Errorf("gdas %s cell: %w", cellNames[c], err)
		}
		m.draws[c] = &d
	}
	return m, nil
}

// draw returns the sample of nd's cell type and checks nd's row.
func (m *gdasMixer) draw(nd *spec.Node) (*opDraw, error) {
	d := m.draws[cellIndex(nd.Mix.Cell)]
	if d == nil {
		return nil, fmt.Errorf("no architecture parameters for %s cells", nd.Mix.Cell)
	}
	if nd.Mix.Row < 0 || nd.Mix.Row >= len(d.index) {
		return nil, fmt.Errorf("edge row %d outside the %d rows of alpha", nd.Mix.Row, len(d.index))
	}
	return d, nil
}

// Active is the sampled op of an edge; every edge of a node.
func (m *gdasMixer) Active(nd *spec.Node) []int {
	if nd.Mix.Of != spec.MixOps {
		return nil
	}
	d, err := m.draw(nd)
	if err != nil || d.index[nd.Mix.Row] >= len(nd.Inputs) {
		return nil // Mix reports the problem
	}
	return []int{d.index[nd.Mix.Row]}
}

// Mix scales the sampled op by its straight-through weight, or sums a
// node's edges.
func (m *gdasMixer) Mix(ctx *nn.Ctx, nd *spec.Node, active []int, ins []*nn.Tensor) (*nn.Tensor, error) {
	if nd.Mix.Of != spec.MixOps {
		return sumEdges(ctx, ins), nil
	}
	d, err := m.draw(nd)
	if err != nil {
		return nil, err
	}
	if len(ins) != 1 || len(active) != 1 {
		return nil, fmt.Errorf("edge row %d: sampled op %d of %d candidates is not the one evaluated", nd.Mix.Row, d.index[nd.Mix.Row], len(nd.Inputs))
	}
	w := d.weight(ctx, nd.Mix.Row)
	y := nn.Mul(ctx, ins[0], w)
	ctx.Release(w)
	return y, nil
}

// sumEdges is a node's plain sum of its incoming edges.
func sumEdges(ctx *nn.Ctx, ins []*nn.Tensor) *nn.Tensor {
	if len(ins) == 1 {
		return nn.Scale(ctx, ins[0], 1)
	}
	return nn.Add(ctx, ins...)
}
