package bench

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"gonas/engine/model"
)

// Inference is the engine's timing of a model's evaluation forward pass on
// one batch: each timed run in seconds and the engine's peak bytes
// (parameters included).
type Inference struct {
	Batch     int
	Runs      []float64
	PeakBytes int64
}

// Median is the median run time in seconds.
func (r Inference) Median() float64 { return Median(r.Runs) }

// ImagesPerSec is the batch over the median run time.
func (r Inference) ImagesPerSec() float64 { return float64(r.Batch) / r.Median() }

// Median of xs (the mean of the middle two for an even count); 0 for none.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// InferInput is a deterministic batch of N(0, 1) images of m's input shape.
func InferInput(m *model.Model, batch int) []float32 {
	in := m.Net.Input
	r := rand.New(rand.NewPCG(7, 8))
	x := make([]float32, batch*int(in.Numel()))
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

// Infer times reps runs of m's inference path (model.Inference: no tape,
// no gradients, batch norms folded, chunks of chunk images per thread) on
// x, a batch of images, after two warm-up runs that fill the buffer pools.
func Infer(m *model.Model, x []float32, batch, threads, chunk, reps int) (Inference, error) {
	in := m.Net.Input
	if batch <= 0 || reps <= 0 || len(x) != batch*int(in.Numel()) {
		return Inference{}, fmt.Errorf("bench infer: %d values, batch %d, %d runs for input %v", len(x), batch, reps, in)
	}
	inf := model.NewInference(m, threads, chunk)
	res := Inference{Batch: batch}
	for i := range reps + 2 {
		t0 := time.Now()
		if _, err := inf.Run(x, batch); err != nil {
			return res, fmt.Errorf("bench infer: %w", err)
		}
		if i >= 2 {
			res.Runs = append(res.Runs, time.Since(t0).Seconds())
		}
	}
	res.PeakBytes = inf.PeakBytes() + m.Params.Bytes()
	return res, nil
}
