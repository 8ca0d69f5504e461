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
// Results are deterministic for a fixed seed and thread count: work is split
// with kernels.Parallel, reductions are formed in a fixed order (per channel,
// images in sequence, or fixed-size blocks summed in order), and no float
// atomics are used.
package nn
