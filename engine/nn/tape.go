package nn

import (
	"fmt"

	"gonas/engine/kernels"
)

// node is one recorded op: the tensor it made, the tensors whose data its
// backward reads (held until it has run), op workspaces to free with it, and
// the backward itself, which receives the output's gradient.
type node struct {
	out   *Tensor
	saved []*Tensor
	temps [][]float32
	idx   [][]int32
	back  func(dy []float32)
}

// check validates an op's tensor inputs: no pending error, none nil, none
// released. It records an error naming op and returns false otherwise.
func (c *Ctx) check(op string, xs ...*Tensor) bool {
	if c.err != nil {
		return false
	}
	// The kernels' thread count is process-wide: make it this context's.
	if kernels.Threads() != c.threads {
		kernels.SetThreads(c.threads)
	}
	for i, x := range xs {
		if x == nil {
			c.fail("%s: input %d is nil", op, i)
			return false
		}
		if x.Data == nil && numel(x.Shape) > 0 {
			c.fail("%s: input %d %v was used after release", op, i, x.Shape)
			return false
		}
		if len(x.Data) != numel(x.Shape) {
			c.fail("%s: input %d has %d values for shape %v", op, i, len(x.Data), x.Shape)
			return false
		}
	}
	return true
}

// newOut makes an op output from the pool. It requires a gradient when
// recording is on and any of ins does.
func (c *Ctx) newOut(shape []int, zero bool, ins ...*Tensor) *Tensor {
	t := &Tensor{Shape: shape, Data: c.pool.get(numel(shape), zero), owners: 1}
	if c.grad {
		for _, x := range ins {
			if x != nil && x.requiresGrad {
				t.requiresGrad = true
				break
			}
		}
	}
	c.made = append(c.made, t)
	if len(c.made) >= c.compactAt {
		c.compact()
	}
	return t
}

// compact drops freed tensors from the made list so that long no-grad runs
// without Reset do not grow it without bound.
func (c *Ctx) compact() {
	k := 0
	for _, t := range c.made {
		if t.Data != nil || t.Grad != nil || t.holds > 0 {
			c.made[k] = t
			k++
		}
	}
	clear(c.made[k:])
	c.made = c.made[:k]
	c.compactAt = max(1024, 2*k)
}

// record appends a node for out if it requires a gradient and returns it
// (nil otherwise). saved tensors are held until the node's backward has run.
func (c *Ctx) record(out *Tensor, back func(dy []float32), saved ...*Tensor) *node {
	if !out.requiresGrad {
		return nil
	}
	n := &node{out: out, back: back}
	for _, s := range saved {
		if s != nil && !s.leaf {
			s.holds++
			n.saved = append(n.saved, s)
		}
	}
	c.tape = append(c.tape, n)
	return n
}

// temp gives a workspace buffer of n floats (zeroed if asked).
func (c *Ctx) temp(n int, zero bool) []float32 { return c.pool.get(n, zero) }

// keep hands a workspace to node nd, to be freed after its backward; with no
// node the buffer goes straight back to the pool.
func (c *Ctx) keep(nd *node, buf []float32) {
	if nd == nil {
		c.pool.put(buf)
		return
	}
	nd.temps = append(nd.temps, buf)
}

// keepIdx is keep for index buffers.
func (c *Ctx) keepIdx(nd *node, buf []int32) {
	if nd == nil {
		c.pool.putIdx(buf)
		return
	}
	nd.idx = append(nd.idx, buf)
}

// gradOf returns t's gradient buffer, allocating it zeroed on first use.
func (c *Ctx) gradOf(t *Tensor) []float32 {
	if t.Grad == nil {
		if t.leaf {
			t.Grad = make([]float32, numel(t.Shape))
		} else {
			t.Grad = c.pool.get(numel(t.Shape), true)
			t.gradPooled = true
		}
	}
	return t.Grad
}

// gradOut returns t's gradient buffer for a backward to add into, and
// whether it is fresh: then it was just taken from the pool unzeroed, and
// the backward must write every element of it (=) instead of adding (+=).
// This saves zeroing a buffer and reading it back when a tensor has one
// consumer, the common case. A second request for the same tensor (an op
// that takes it twice) is not fresh, so the first must write before the
// second adds.
func (c *Ctx) gradOut(t *Tensor) ([]float32, bool) {
	if t.Grad != nil || t.leaf {
		return c.gradOf(t), false
	}
	t.Grad = c.pool.get(numel(t.Shape), false)
	t.gradPooled = true
	return t.Grad, true
}

// alias returns x itself as the output of an identity op, counting one more
// owner so that each handle is released separately.
func (c *Ctx) alias(x *Tensor) *Tensor {
	if !x.leaf {
		x.owners++
	}
	return x
}

// Release gives up the caller's handle on an op output: its buffer returns to
// the pool as soon as no tape node needs it. Releasing a leaf does nothing;
// releasing a tensor twice is harmless.
func (c *Ctx) Release(t *Tensor) {
	if t == nil || t.leaf || t.owners <= 0 {
		return
	}
	t.owners--
	c.maybeFree(t)
}

func (c *Ctx) maybeFree(t *Tensor) {
	if t.owners <= 0 && t.holds <= 0 && t.Data != nil {
		c.pool.put(t.Data)
		t.Data = nil
	}
}

func (c *Ctx) freeGrad(t *Tensor) {
	if t.gradPooled && t.Grad != nil {
		c.pool.put(t.Grad)
		t.Grad = nil
		t.gradPooled = false
	}
}

// Backward back-propagates from the scalar loss: parameters and other leaves
// that require gradients get d(loss)/d(leaf) added to their Grad. Then every
// tensor made since the last Backward or Reset is released (read values such
// as the loss before calling it).
func (c *Ctx) Backward(loss *Tensor) error {
	if c.err != nil {
		err := c.err
		c.Reset()
		return fmt.Errorf("backward: %w", err)
	}
	if loss == nil || numel(loss.Shape) != 1 {
		c.Reset()
		return fmt.Errorf("backward: loss must be a one-element tensor")
	}
	return c.BackwardFrom(loss, []float32{1})
}

// BackwardFrom back-propagates the gradient grad of out (same length as out),
// as Backward does for a scalar loss with gradient 1.
func (c *Ctx) BackwardFrom(out *Tensor, grad []float32) error {
	defer c.Reset()
	if c.err != nil {
		return fmt.Errorf("backward: %w", c.err)
	}
	if out == nil {
		return fmt.Errorf("backward: output tensor is nil")
	}
	if len(grad) != numel(out.Shape) {
		return fmt.Errorf("backward: gradient has %d values for output shape %v", len(grad), out.Shape)
	}
	if !out.requiresGrad {
		return fmt.Errorf("backward: output %v does not depend on anything that requires a gradient", out.Shape)
	}
	dy := c.gradOf(out)
	for i, g := range grad {
		dy[i] += g
	}
	for i := len(c.tape) - 1; i >= 0; i-- {
		nd := c.tape[i]
		c.tape[i] = nil
		if nd.out.Grad != nil {
			nd.back(nd.out.Grad)
		}
		c.retire(nd)
		if !nd.out.leaf {
			c.freeGrad(nd.out)
		}
	}
	return nil
}

// retire frees what a node held.
func (c *Ctx) retire(nd *node) {
	for _, s := range nd.saved {
		s.holds--
		c.maybeFree(s)
	}
	for _, b := range nd.temps {
		c.pool.put(b)
	}
	for _, b := range nd.idx {
		c.pool.putIdx(b)
	}
	nd.saved, nd.temps, nd.idx = nil, nil, nil
}

// Reset drops the tape without back-propagating, releases every tensor ops
// made since the last Backward or Reset (with their gradients), and clears
// the error. Call it after each no-grad batch or to abandon a forward pass.
func (c *Ctx) Reset() {
	for i := len(c.tape) - 1; i >= 0; i-- {
		if c.tape[i] != nil {
			c.retire(c.tape[i])
		}
	}
	clear(c.tape)
	c.tape = c.tape[:0]
	for _, t := range c.made {
		t.owners, t.holds = 0, 0
		c.maybeFree(t)
		c.freeGrad(t)
	}
	clear(c.made)
	c.made = c.made[:0]
	c.compactAt = 1024
	c.err = nil
}

// TapeLen is the number of nodes recorded since the last Backward or Reset.
func (c *Ctx) TapeLen() int { return len(c.tape) }
