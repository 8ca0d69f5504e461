package nn

import "gonas/engine/kernels"

// ReLU is max(x, 0). Its backward reads only its own output.
//
// Both directions work on the values' bits (kernels.ReLURow, ReLUMask,
// ReLUMaskAdd): a value keeps its bits unless its sign bit is set, so
// negatives, -0 and negative NaNs give +0, and the gradient passes where
// the output's bits are non-zero.
func ReLU(c *Ctx, x *Tensor) *Tensor {
	if !c.check("relu", x) {
		return c.fail("relu: bad input")
	}
	y := c.newOut(append([]int(nil), x.Shape...), false, x)
	parallel(len(x.Data), len(x.Data), func(lo, hi int) {
		kernels.ReLURow(x.Data[lo:hi], y.Data[lo:hi])
	})
	c.record(y, func(dy []float32) {
		dx, fresh := c.gradOut(x)
		parallel(len(dy), len(dy), func(lo, hi int) {
			if fresh {
				kernels.ReLUMask(dy[lo:hi], y.Data[lo:hi], dx[lo:hi])
				return
			}
			kernels.ReLUMaskAdd(dy[lo:hi], y.Data[lo:hi], dx[lo:hi])
		})
	}, y)
	return y
}
