package search

import (
	"fmt"

	"gonas/engine/nn"
	"gonas/internal/spec"
)

// relaxedMixer is the continuous relaxation of the DARTS family: every edge
// is a weighted sum of its candidate ops, every node the sum (or, with edge
// normalisation, the weighted sum) of its incoming edges. The weights are
// made once per forward pass from the architecture parameters, on the
// pass's tape, so that the architecture gets its gradient when it requires
// one.
//
// The zero op (`none`, OpSet.Zero) is never evaluated: its output is zero,
// so its term adds nothing to the sum and nothing to the gradient of its
// weight (<dy, 0> = 0). It still takes part in the softmax that makes the
// other weights, exactly as in the reference.
type relaxedMixer struct {
	active [2][][]int      // per cell type and row: the op columns evaluated (all but the zero op); nil: all
	ops    [2][]*nn.Tensor // per cell type and row: the active ops' coefficients
	edges  [2][]*nn.Tensor // per cell type and node: edge weights; nil: plain sum
	rows   int
}

// newRelaxedMixer makes the pass's coefficients. zero is the zero op
// (OpSet.Zero, "": none), skipped in every edge that lists it; weighting is
// WeightingScalar (w =
// softmax(alpha)) or WeightingMaxW (1 - max w + w_i); edgeNorm adds
// PC-DARTS's per-node softmax of the betas.
func newRelaxedMixer(ctx *nn.Ctx, a *Arch, zero string, weighting string, edgeNorm bool) (*relaxedMixer, error) {
	n := a.Width()
	m := &relaxedMixer{rows: a.Rows()}
	for c := range 2 {
		w := nn.Softmax(ctx, a.Alphas[c])
		m.ops[c] = make([]*nn.Tensor, m.rows)
		m.active[c] = make([][]int, m.rows)
		for r, names := range a.CellOps(c) {
			idx, cols := make([]int, 0, n), make([]int, 0, n)
			for o, op := range names {
				if zero == "" || op != zero {
					idx, cols = append(idx, r*n+o), append(cols, o)
				}
			}
			if len(cols) < n {
				m.active[c][r] = cols
			}
			row := nn.Gather(ctx, w, idx...)
			if weighting == WeightingMaxW {
				row = maxW(ctx, w, row, r, n, len(cols))
			}
			m.ops[c][r] = row
		}
		ctx.Release(w)
		if edgeNorm {
			if a.Betas[c] == nil {
				return nil, fmt.Errorf("edge normalisation without betas")
			}
			for i := range a.Steps {
				start, k := NodeRows(i)
				b := nn.Narrow(ctx, a.Betas[c], 0, start, k)
				m.edges[c] = append(m.edges[c], nn.Softmax(ctx, b))
				ctx.Release(b)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("mixing weights: %w", err)
	}
	return m, nil
}

// maxW turns the active ops' weights row (of row r of the softmax w, n
// ops) into sharpDARTS's Max-W coefficients 1 - max(w_r) + w_i. The maximum
// is over the whole row (none included) and, as torch.max does, passes its
// gradient to the maximal entry.
func maxW(ctx *nn.Ctx, w, row *nn.Tensor, r, n, k int) *nn.Tensor {
	base := w.Data[r*n : (r+1)*n]
	am := 0
	for o, v := range base {
		if v > base[am] {
			am = o
		}
	}
	idx := make([]int, k)
	for i := range idx {
		idx[i] = r*n + am
	}
	mx := nn.Gather(ctx, w, idx...)
	neg := nn.Scale(ctx, mx, -1)
	d := nn.Add(ctx, row, neg)
	out := nn.AddConst(ctx, d, 1)
	for _, t := range []*nn.Tensor{mx, neg, d, row} {
		ctx.Release(t)
	}
	return out
}

// Active evaluates every op but the zero op, and every edge.
func (m *relaxedMixer) Active(nd *spec.Node) []int {
	if nd.Mix.Of == spec.MixOps && nd.Mix.Row < m.rows {
		return m.active[cellIndex(nd.Mix.Cell)][nd.Mix.Row]
	}
	return nil
}

// Mix is the weighted sum of the ops, or the (weighted) sum of the edges.
func (m *relaxedMixer) Mix(ctx *nn.Ctx, nd *spec.Node, _ []int, ins []*nn.Tensor) (*nn.Tensor, error) {
	c := cellIndex(nd.Mix.Cell)
	if nd.Mix.Of == spec.MixOps {
		if nd.Mix.Row >= m.rows {
			return nil, fmt.Errorf("edge row %d outside the %d rows of alpha", nd.Mix.Row, m.rows)
		}
		w := m.ops[c][nd.Mix.Row]
		if len(w.Data) != len(ins) {
			return nil, fmt.Errorf("%d candidate ops for %d weights", len(ins), len(w.Data))
		}
		return nn.WeightedSum(ctx, ins, w), nil
	}
	if m.edges[c] == nil {
		if len(ins) == 1 {
			return nn.Scale(ctx, ins[0], 1), nil
		}
		return nn.Add(ctx, ins...), nil
	}
	if nd.Mix.Node >= len(m.edges[c]) {
		return nil, fmt.Errorf("node %d outside the %d nodes of beta", nd.Mix.Node, len(m.edges[c]))
	}
	w := m.edges[c][nd.Mix.Node]
	if len(w.Data) != len(ins) {
		return nil, fmt.Errorf("%d incoming edges for %d edge weights", len(ins), len(w.Data))
	}
	return nn.WeightedSum(ctx, ins, w), nil
}
