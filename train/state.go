package train

import (
	"gonas/engine/data"
)

// State is where a run stands: everything a checkpoint stores besides the
// tensors and the configuration.
type State struct {
	// Pos is the next batch to train: epoch Pos.Epoch (0-based), batch
	// Pos.Batch. After the last batch of an epoch and before its evaluation
	// Pos.Batch equals the number of batches; after the evaluation Pos is
	// {epoch+1, 0}.
	Pos  data.Position `json:"position"`
	Step int64         `json:"step"` // optimizer steps taken in total
	// RNG is the engine context's random state (drop-path masks).
	RNG []byte `json:"rng"`
	// Partial holds the running sums of the epoch in progress.
	Partial Partial `json:"partial"`
	// History has one entry per finished epoch.
	History   []EpochMetrics `json:"history"`
	Best      float64        `json:"best_test_acc"` // best test accuracy so far, percent
	BestEpoch int            `json:"best_epoch"`    // its epoch (1-based), 0 before the first evaluation
	Done      bool           `json:"done"`          // every epoch trained and evaluated
}

// Partial is the running record of the epoch in progress, so that a resumed
// epoch reports the same training loss and accuracy as an uninterrupted one.
type Partial struct {
	LossSum float64 `json:"loss_sum"` // sum over the images seen of the training loss
	Correct int64   `json:"correct"`  // images classified correctly
	Seen    int64   `json:"seen"`     // images trained on
	Seconds float64 `json:"seconds"`  // training time spent on this epoch so far
}

// add records one batch of n images with mean loss and correct answers.
func (p *Partial) add(loss float64, correct, n int, seconds float64) {
	p.LossSum += loss * float64(n)
	p.Correct += int64(correct)
	p.Seen += int64(n)
	p.Seconds += seconds
}

// Loss is the mean training loss so far (0 before any image).
func (p *Partial) Loss() float64 {
	if p.Seen == 0 {
		return 0
	}
	return p.LossSum / float64(p.Seen)
}

// Acc is the training accuracy so far, percent.
func (p *Partial) Acc() float64 {
	if p.Seen == 0 {
		return 0
	}
	return 100 * float64(p.Correct) / float64(p.Seen)
}
