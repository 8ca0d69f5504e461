// Package train retrains a derived network (a spec.Net) on a dataset the way
// the DARTS family of papers does, and keeps everything needed to resume it.
//
// A run is a Config (the hyper-parameters: SGD with momentum, weight decay
// and optional Nesterov; a cosine, cosine-power, step or linear learning-rate
// schedule with optional warm-up; gradient-norm clipping; the auxiliary-head
// loss weight; drop-path with the linear ramp drop_path·epoch/epochs;
// label smoothing; augmentation) plus Options (where to write, thread count,
// checkpoint cadence, step and time limits, progress reporting). Presets
// reproduce the papers' retraining settings (docs/papers.md §5); LookupPreset
// returns them and explicit settings override them.
//
// Trainer.Run trains epoch by epoch, evaluates on the test split after
// each epoch, and writes into Options.Out:
//
//   - checkpoint.ckpt at every epoch end, every Options.CkptEvery steps and
//     when the run stops early (step or time limit, cancellation);
//   - best.ckpt whenever the test accuracy improves;
//   - metrics.jsonl, one JSON object per epoch (EpochMetrics);
//   - curves.svg and curves.png, loss and accuracy against the epoch.
//
// A checkpoint (the engine/ckpt container: zstd, CRC per tensor, atomic
// write) holds the whole spec.Net, the genotype text, the Config, the
// position (epoch, step, data loader Position), the engine's random state
// (drop-path masks), the optimizer's momentum buffers, the parameters and
// BN running statistics, the metrics so far and the best accuracy. Resume
// continues from it bit-identically to an uninterrupted run with the same
// seed and thread count: the data order and augmentation are functions of
// (seed, position), every other random draw comes from the saved state, and
// the engine's results are deterministic for a thread count.
//
// A NaN or infinite loss, gradient norm or parameter stops the run with a
// *DivergedError naming the epoch and step; nothing is written after the
// last good checkpoint.
package train
