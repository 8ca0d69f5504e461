package search

import (
	"fmt"

	"gonas/engine/nn"
)

// opDraw is one Gumbel draw of an op per edge for one cell type (GDAS, and
// ROME's Eq. 2-3): index = argmax(log softmax(alpha) + g) per row, and hard
// one-hot weights whose gradient is that of softmax((log softmax(alpha) +
// g)/tau), the straight-through estimator.
type opDraw struct {
	hard  *nn.Tensor // [edges, ops], values one-hot
	index []int      // chosen op per edge
	ops   int
}

// drawOps samples one op per row of alpha [edges, ops] at temperature tau
// with nn.GumbelSoftmaxST (g = -log Exp(1), resampled when not finite).
func drawOps(c *nn.Ctx, alpha *nn.Tensor, tau float64) (opDraw, error) {
	if alpha == nil || len(alpha.Shape) != 2 {
		return opDraw{}, fmt.Errorf("sample ops: alpha must be [edges, ops]")
	}
	hard, idx := nn.GumbelSoftmaxST(c, alpha, tau)
	if err := c.Err(); err != nil {
		return opDraw{}, fmt.Errorf("sample ops: %w", err)
	}
	return opDraw{hard: hard, index: idx, ops: alpha.Shape[1]}, nil
}

// weight is the straight-through weight hardwts[e][index[e]] of edge e, a
// one-element tensor of value 1 through which the gradient reaches alpha.
func (d opDraw) weight(c *nn.Ctx, e int) *nn.Tensor {
	return nn.Gather(c, d.hard, e*d.ops+d.index[e])
}
