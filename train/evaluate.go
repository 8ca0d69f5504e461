package train

import (
	"fmt"
	"math"

	"gonas/engine/data"
	"gonas/engine/model"
	"gonas/engine/nn"
)

// EvalResult is a model's cross-entropy loss (no label smoothing) and
// accuracy on a dataset.
type EvalResult struct {
	Loss    float64 `json:"loss"`
	Acc     float64 `json:"acc"` // percent
	Correct int     `json:"correct"`
	Images  int     `json:"images"`
}

// Evaluate runs the model in evaluation mode (BN running statistics, no
// drop-path, no auxiliary head) over ds in batches of batch images.
func Evaluate(m *model.Model, ds *data.Dataset, batch, threads int) (EvalResult, error) {
	ld, err := data.NewLoader(ds, data.LoaderConfig{Batch: batch})
	if err != nil {
		return EvalResult{}, fmt.Errorf("evaluate: %w", err)
	}
	return evaluate(ld, model.NewInference(m, threads, 0))
}

// evaluate runs the loader's epoch 0 through the model of inf.
func evaluate(ld *data.Loader, inf *model.Inference) (EvalResult, error) {
	ctx := nn.NewCtx(0, 1) // the loss
	var r EvalResult
	var lossSum float64
	it := ld.Epoch(0, 0)
	defer it.Close()
	for b, ok := it.Next(); ok; b, ok = it.Next() {
		out, err := inf.Run(b.X, b.N)
		if err != nil {
			return r, fmt.Errorf("evaluate: %w", err)
		}
		logits, err := nn.FromData(out, b.N, len(out)/max(b.N, 1))
		if err != nil {
			return r, fmt.Errorf("evaluate: %w", err)
		}
		loss := nn.SoftmaxCrossEntropy(ctx, logits, b.Y, 0)
		if err := ctx.Err(); err != nil {
			ctx.Reset()
			return r, fmt.Errorf("evaluate: %w", err)
		}
		lossSum += float64(loss.Item()) * float64(b.N)
		r.Correct += CountCorrect(out, b.Y)
		r.Images += b.N
		ctx.Reset()
	}
	if r.Images == 0 {
		return r, fmt.Errorf("evaluate: no images")
	}
	r.Loss = lossSum / float64(r.Images)
	r.Acc = 100 * float64(r.Correct) / float64(r.Images)
	return r, nil
}

// CountCorrect counts the rows of logits ([N, K], row-major, N the number
// of labels) whose Argmax is the label.
func CountCorrect(logits []float32, labels []int) int {
	n := len(labels)
	if n == 0 {
		return 0
	}
	k := len(logits) / n
	correct := 0
	for i, l := range labels {
		if Argmax(logits[i*k:(i+1)*k]) == l {
			correct++
		}
	}
	return correct
}

// Argmax is the index of the largest value, the first one on ties: the
// class every accuracy in gonas counts.
func Argmax(xs []float32) int {
	best := 0
	for j, v := range xs {
		if v > xs[best] {
			best = j
		}
	}
	return best
}

// Predict runs the model in evaluation mode on n images x (NCHW, the
// network's input shape, already normalised as the network expects) in
// batches of batch, and returns the logits [n, classes].
func Predict(m *model.Model, x []float32, n, batch, threads int) ([]float32, error) {
	in := m.Net.Input
	size := int(in.Numel())
	if n <= 0 || len(x) != n*size {
		return nil, fmt.Errorf("predict: %d values for %d images of %v", len(x), n, in)
	}
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("predict: input value %d (image %d) is %v", i, i/size, v)
		}
	}
	batch = max(batch, 1)
	inf := model.NewInference(m, threads, 0)
	k := m.Net.Classes
	out := make([]float32, 0, n*k)
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		logits, err := inf.Run(x[lo*size:hi*size], hi-lo)
		if err != nil {
			return nil, fmt.Errorf("predict: images %d..%d: %w", lo, hi-1, err)
		}
		out = append(out, logits...)
	}
	return out, nil
}
