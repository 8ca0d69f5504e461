package model

import (
	"fmt"
	"sync"
	"sync/atomic"

	"gonas/engine/kernels"
	"gonas/engine/nn"
)

// Inference runs a model's evaluation forward pass without gradients (batch
// norms folded) the way a deployment runtime does on a multi-core CPU: the
// batch is cut into chunks of a few images and each thread carries a chunk
// through the whole network on its own context, so a chunk's activations
// stay in that core's caches and no op waits for the other threads. Every
// op computes an image's values the same way whatever the other images of
// its batch, so the logits equal Forward's bit for bit, for any chunk size
// and thread count (TestInferenceMatchesForward).
//
// An Inference keeps one context (with its buffer pool) per thread between
// calls; it is not safe for concurrent use.
type Inference struct {
	m       *Model
	threads int
	chunk   int
	ctxs    []*nn.Ctx
}

// DefaultChunk is the number of images a thread carries through the network
// at a time: enough that per-op overheads are small, few enough that a
// chunk's activations of a CIFAR-sized DARTS cell fit a core's L2 cache.
const DefaultChunk = 4

// NewInference prepares m for inference on threads threads in chunks of
// chunk images (DefaultChunk when chunk <= 0).
func NewInference(m *Model, threads, chunk int) *Inference {
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	threads = max(threads, 1)
	in := &Inference{m: m, threads: threads, chunk: chunk}
	for range threads {
		ctx := nn.NewCtx(0, threads)
		ctx.SetTrain(false)
		ctx.SetGrad(false)
		in.ctxs = append(in.ctxs, ctx)
	}
	return in
}

// Run returns the logits [n, classes] of the n images in x (the network's
// input shape, normalised as it expects).
func (in *Inference) Run(x []float32, n int) ([]float32, error) {
	shape := in.m.Net.Input
	size := int(shape.Numel())
	if n <= 0 || len(x) != n*size {
		return nil, fmt.Errorf("inference: %d values for %d images of %v", len(x), n, shape)
	}
	k := in.m.Net.Classes
	out := make([]float32, n*k)
	folded := in.m.foldConvs()
	// Fewer images than threads: one context, each op split over the
	// threads.
	if n < 2*in.threads || in.threads == 1 {
		return out, in.runChunk(in.ctxs[0], in.threads, folded, x, out, 0, n)
	}
	chunk := min(in.chunk, (n+in.threads-1)/in.threads)
	chunks := (n + chunk - 1) / chunk
	defer kernels.SetThreads(in.threads)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, in.threads)
	for t := range in.threads {
		wg.Add(1)
		go func(ctx *nn.Ctx) {
			defer wg.Done()
			for {
				c := int(next.Add(1)) - 1
				if c >= chunks {
					return
				}
				lo, hi := c*chunk, min((c+1)*chunk, n)
				if err := in.runChunk(ctx, 1, folded, x, out, lo, hi); err != nil {
					errs[t] = err
					return
				}
			}
		}(in.ctxs[t])
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// runChunk computes the logits of images [lo, hi) into out on ctx, its ops
// using threads goroutines.
func (in *Inference) runChunk(ctx *nn.Ctx, threads int, folded map[int]foldedConv, x, out []float32, lo, hi int) error {
	shape := in.m.Net.Input
	size, k := int(shape.Numel()), in.m.Net.Classes
	ctx.SetThreads(threads)
	defer ctx.Reset()
	t, err := nn.FromData(x[lo*size:hi*size], hi-lo, shape.C, shape.H, shape.W)
	if err != nil {
		return fmt.Errorf("inference: %w", err)
	}
	logits, _, err := in.m.forward(ctx, t, folded)
	if err != nil {
		return fmt.Errorf("inference: images %d..%d: %w", lo, hi-1, err)
	}
	if len(logits.Data) != (hi-lo)*k {
		return fmt.Errorf("inference: logits %v, want [%d %d]", logits.Shape, hi-lo, k)
	}
	copy(out[lo*k:hi*k], logits.Data)
	return nil
}

// PeakBytes is the largest memory the contexts' buffers held at once,
// summed over the threads (the parameters not included).
func (in *Inference) PeakBytes() int64 {
	var s int64
	for _, c := range in.ctxs {
		s += c.PeakBytes()
	}
	return s
}
