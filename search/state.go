package search

import (
	"gonas/engine/data"
)

// State is where a search stands: everything a checkpoint stores besides
// the tensors and the configuration.
type State struct {
	// Pos is the next training batch; after an epoch's last batch it is
	// {epoch+1, 0}.
	Pos data.Position `json:"position"`
	// ValPos is the next batch of the architecture's half: every
	// iteration draws the first batch of a fresh shuffle (ValPos.Epoch
	// counts the draws), as the reference's next(iter(valid_queue)) does.
	ValPos    data.Position `json:"val_position"`
	Step      int64         `json:"step"`       // iterations done
	ArchSteps int64         `json:"arch_steps"` // architecture updates done
	RNG       []byte        `json:"rng"`        // the engine context's random state
	Partial   Partial       `json:"partial"`    // the epoch in progress
	// History holds the initial architecture (epoch 0) and one record per
	// finished epoch: alphas.jsonl.
	History []EpochRecord `json:"history"`
	Done    bool          `json:"done"`
	// Infer is the final evaluation on the architecture's half, once done.
	Infer *Result `json:"infer,omitempty"`
}

// Partial is the running record of the epoch in progress, so that a resumed
// epoch reports what an uninterrupted one does.
type Partial struct {
	Iters   int     `json:"iters"` // iterations done in the epoch
	Train   Result  `json:"train"`
	Val     Result  `json:"val"`
	Seconds float64 `json:"seconds"`
}

// EpochRecord is one line of alphas.jsonl: an epoch's metrics and the
// architecture at its end (epoch 0: the initial architecture).
type EpochRecord struct {
	Epoch        int     `json:"epoch"`
	Step         int64   `json:"step"`
	LR           float64 `json:"lr"`
	ArchActive   bool    `json:"arch_active"`
	TrainLoss    float64 `json:"train_loss"`
	TrainAcc     float64 `json:"train_acc"`
	ValLoss      float64 `json:"val_loss"` // from the architecture steps (0 in warm-up)
	ValAcc       float64 `json:"val_acc"`
	Seconds      float64 `json:"seconds"`
	ImagesPerSec float64 `json:"images_per_sec"` // weight-step images per second of wall time
	Genotype     string  `json:"genotype"`       // the Python repr of the derived genotype
	NormalSkips  int     `json:"normal_skips"`
	ReduceSkips  int     `json:"reduce_skips"`
	ArchRecord
}
