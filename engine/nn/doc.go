// Package nn is gonas's training engine: float32 NCHW tensors and a
// define-by-run autodiff tape.
//
// Every op is a plain function taking an explicit *Ctx first:
//
//	y := nn.Conv2d(ctx, x, w, nil, nn.ConvOpts{SH: 2, SW: 2, Pad: nn.Pads{1, 1, 1, 1}})
//
// Ops run eagerly. When gradients are enabled and an input requires them, the
// op appends a node to the context's tape holding only what its backward needs.
// Ctx.Backward replays the tape in reverse, accumulating gradients into the
// inputs that require them (parameters keep theirs; intermediate gradients are
// freed as soon as they are consumed), and then releases every tensor the ops
// made since the last Backward or Reset.
//
// Op outputs draw their buffers from a pool keyed by size. A buffer goes back
// to the pool once its tensor is released by its user (Ctx.Release, or the
// network runner after the last consumer) and no tape node still needs it, so
// the peak the context reports (Ctx.PeakBytes) is what the forward and backward
// passes really hold, plus what the caller accounts for itself (parameters,
// gradients, optimizer state) through Ctx.Account.
//
// Errors: ops never panic on bad shapes or arguments. The first problem is
// kept in the context (Ctx.Err), later ops return at once, and Backward
// returns the error. Ctx.Reset clears it.
//
// A gradient buffer of an op output is taken from the pool unzeroed: the
// first backward to reach it writes it (=), later ones add to it (+=), which
// saves a zeroing pass and a read per tensor (Ctx.gradOut). Parameters and
// other leaves keep their zero-initialised, accumulating gradients.
//
// # Kernels and threads
//
// Convolutions run on engine/kernels: dense and grouped ones as per-image
// GEMMs (after Im2col unless 1x1), the images split over the threads with
// kernels.ParallelParts and each GEMM on one goroutine (kernels.SgemmSerial);
// depthwise ones as kernels.DepthwiseBatch and DepthwiseBackwardBatch. Max
// and average pools (pool2d.go) call kernels.MaxPool and kernels.AvgPool,
// separable row passes (engine/kernels/pool_plane.go) that are faster than
// a window scan; batch norm (bn.go) keeps its one-pass float64 statistics
// (kernels.BNMoments; its backward reduces with kernels.BNSumDot).
//
// Results are deterministic for a fixed seed and thread count, and also
// across thread counts (for one kernel code path, see kernels.ISA): work is
// split with kernels.Parallel by whole output elements, reductions are
// formed in a fixed order (per channel, images in sequence, or fixed-size
// blocks summed in order), a convolution's weight gradient sums its images
// in chunks whose number depends only on the shapes and adds the chunk sums
// in order, and no float atomics are used.
package nn
