package nn

import (
	"fmt"
	"math/rand/v2"

	"gonas/engine/kernels"
)

// Ctx is the explicit context every op takes: thread count, train/eval mode,
// gradient recording, the random source, the buffer pool with its memory
// accounting, the tape, and the first error met. A Ctx is not safe for
// concurrent use; use one per goroutine.
type Ctx struct {
	threads int
	train   bool
	grad    bool
	pcg     *rand.PCG
	rng     *rand.Rand

	pool      pool
	tape      []*node
	made      []*Tensor // op outputs since the last Reset, freed by it
	compactAt int

	err error
}

// NewCtx returns a context in training mode with gradients enabled, whose
// random source is seeded with seed and whose kernels use threads goroutines
// (at least 1).
func NewCtx(seed uint64, threads int) *Ctx {
	c := &Ctx{train: true, grad: true, compactAt: 1024}
	c.Seed(seed)
	c.SetThreads(threads)
	return c
}

// SetThreads sets the number of goroutines ops and kernels use. The
// kernels' setting is process-wide; every op of this context restores it to
// this value first.
func (c *Ctx) SetThreads(n int) {
	c.threads = max(n, 1)
	kernels.SetThreads(c.threads)
}

// Threads is the number of goroutines ops use.
func (c *Ctx) Threads() int { return c.threads }

// SetTrain selects training mode (batch statistics in BN, drop-path active)
// or evaluation mode (running statistics, drop-path off).
func (c *Ctx) SetTrain(train bool) { c.train = train }

// Training tells whether the context is in training mode.
func (c *Ctx) Training() bool { return c.train }

// SetGrad turns gradient recording on or off. With it off, ops record
// nothing and outputs never require gradients (PyTorch's no_grad).
func (c *Ctx) SetGrad(on bool) { c.grad = on }

// GradEnabled tells whether ops record onto the tape.
func (c *Ctx) GradEnabled() bool { return c.grad }

// Seed restarts the random source from seed.
func (c *Ctx) Seed(seed uint64) {
	c.pcg = rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	c.rng = rand.New(c.pcg)
}

// Rand is the context's random source (drop-path masks, Gumbel noise); use
// it for anything else that must replay from a checkpoint.
func (c *Ctx) Rand() *rand.Rand { return c.rng }

// RNGState is the random source's state, for checkpoints.
func (c *Ctx) RNGState() ([]byte, error) {
	b, err := c.pcg.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("save rng state: %w", err)
	}
	return b, nil
}

// SetRNGState restores a state returned by RNGState.
func (c *Ctx) SetRNGState(b []byte) error {
	if err := c.pcg.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("restore rng state: %w", err)
	}
	return nil
}

// Err is the first error an op met since the last Reset, nil if none.
func (c *Ctx) Err() error { return c.err }

// fail records the first error and returns a dead tensor for the op to
// return; later ops see c.err and return at once.
func (c *Ctx) fail(format string, args ...any) *Tensor {
	if c.err == nil {
		c.err = fmt.Errorf(format, args...)
	}
	return &Tensor{}
}
