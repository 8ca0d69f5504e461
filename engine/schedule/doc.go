// Package schedule holds the learning-rate schedules of the papers: cosine
// annealing (with DARTS's step-before-epoch convention and optional linear
// warm-up), sharpDARTS cosine power annealing, the step decay of the DARTS
// ImageNet protocol, and a constant rate. A schedule maps a 0-based index to
// a rate: the epoch, or the global step when train lays a schedule over
// steps (train.Config.StepSchedule). PC-DARTS's linear ImageNet decay is
// defined per epoch only and lives in train (train/lr.go).
package schedule
