package train

import "fmt"

// Stop tells why Run returned without an error.
type Stop string

// The ways a run ends without an error.
const (
	StopCompleted   Stop = "completed"   // every epoch trained and evaluated
	StopMaxSteps    Stop = "max-steps"   // Options.MaxSteps reached
	StopTimeLimit   Stop = "time-limit"  // Options.TimeLimit reached
	StopInterrupted Stop = "interrupted" // the context was cancelled (SIGINT, SIGTERM)
)

// DivergedError reports a NaN or infinite loss, gradient norm or parameter.
// The run stops at once and writes nothing: the last good checkpoint, if
// any, stays as it was.
type DivergedError struct {
	Epoch int     // 1-based epoch
	Batch int     // 0-based batch within the epoch (-1: during evaluation)
	Step  int64   // the global step (1-based) that failed
	What  string  // "loss", "gradient norm", "parameter NAME", "test loss"
	Value float64 // the offending value
	// Checkpoint is the last good checkpoint ("" if none was written) and
	// CheckpointAt describes where it stands.
	Checkpoint   string
	CheckpointAt string
}

func (e *DivergedError) Error() string {
	where := fmt.Sprintf("epoch %d step %d (batch %d of the epoch)", e.Epoch, e.Step, e.Batch)
	if e.Batch < 0 {
		where = fmt.Sprintf("epoch %d, evaluation after step %d", e.Epoch, e.Step)
	}
	kept := "no checkpoint had been written yet"
	if e.Checkpoint != "" {
		kept = fmt.Sprintf("the last good checkpoint %s (%s) is kept", e.Checkpoint, e.CheckpointAt)
	}
	return fmt.Sprintf("training diverged at %s: %s is %v; %s (lower the learning rate or enable gradient clipping)", where, e.What, e.Value, kept)
}
