package search

import (
	"fmt"
	"math"
)

// TauSchedule is the Gumbel-softmax temperature of GDAS and ROME: a linear
// decay from Max at the first epoch to Min at the last. GDAS uses the AutoDL
// form tau = Max - (Max-Min)*epoch/(epochs-1), 10 -> 0.1 [AutoDL
// exps/NAS-Bench-201-algos/GDAS.py]; Original selects the 2019 GDAS form
// Max - (Max-Min)*epoch/epochs, which never reaches Min. ROME states only that
// tau decreases; gonas gives it the same AutoDL schedule.
type TauSchedule struct {
	Max, Min float64
	Original bool
}

// DefaultTau is GDAS's schedule, 10 -> 0.1 (AutoDL form).
var DefaultTau = TauSchedule{Max: 10, Min: 0.1}

// Validate checks that the temperatures are finite with Max >= Min > 0.
func (s TauSchedule) Validate() error {
	if !(s.Min > 0) || math.IsInf(s.Max, 0) || !(s.Max >= s.Min) {
		return fmt.Errorf("tau schedule %g -> %g: want finite temperatures with max >= min > 0", s.Max, s.Min)
	}
	return nil
}

// At is the temperature for epoch (0-based) of epochs. A one-epoch run uses
// Max; epochs outside 0..epochs-1 are clamped.
func (s TauSchedule) At(epoch, epochs int) float64 {
	if epochs <= 1 || epoch <= 0 {
		return s.Max
	}
	epoch = min(epoch, epochs-1)
	den := float64(epochs - 1)
	if s.Original {
		den = float64(epochs)
	} else if epoch == epochs-1 {
		return s.Min // exactly, not up to rounding
	}
	return s.Max - (s.Max-s.Min)*float64(epoch)/den
}

// gumbelRow is the row of alpha (the edge) from state j into node i.
func gumbelRow(i, j int) int {
	start, _ := NodeRows(i)
	return start + j
}
