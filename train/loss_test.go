package train

import (
	"context"
	"math"
	"testing"

	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/internal/spec"
)

// smoothedCE is the mean label-smoothed cross-entropy of logits [n, k] in
// float64, from the definition: target (1-eps) on the label plus eps/k on
// every class.
func smoothedCE(logits []float32, labels []int, eps float64) float64 {
	n := len(labels)
	k := len(logits) / n
	var total float64
	for i, y := range labels {
		row := logits[i*k : (i+1)*k]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		var s float64
		for _, v := range row {
			s += math.Exp(float64(v) - m)
		}
		lse := m + math.Log(s)
		for j, v := range row {
			t := eps / float64(k)
			if j == y {
				t += 1 - eps
			}
			total -= t * (float64(v) - lse)
		}
	}
	return total / float64(n)
}

// TestObjectiveWithAuxAndSmoothing: the training loss of the first step
// (the whole dataset in one batch, initial weights) is the label-smoothed
// cross-entropy of the logits plus aux_weight times that of the auxiliary
// logits, computed here independently from a freshly built model.
func TestObjectiveWithAuxAndSmoothing(t *testing.T) {
	in := spec.Shape{C: 1, H: 32, W: 32}
	net := tinyNet(t, in, 4, 3, true)
	if net.AuxOut == 0 {
		t.Fatal("no auxiliary head")
	}
	train := synthData(t, "train", 16, 1, 32, 32, 4, 5)
	test := synthData(t, "test", 8, 1, 32, 32, 4, 6)
	cfg := tinyConfig()
	cfg.Epochs, cfg.Batch, cfg.Augment, cfg.DropPath = 1, 16, false, 0
	cfg.AuxWeight, cfg.LabelSmoothing = 0.4, 0.1
	tr, err := New(net, cfg, Options{Out: t.TempDir(), Threads: 2, Train: train, Test: test, NoPlot: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := tr.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := r.State.History[0].TrainLoss

	m, err := model.New(net, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	x := nn.NewTensor(16, 1, 32, 32)
	for i, p := range train.Images {
		x.Data[i] = (float32(p)/255 - 0.3) / 0.3
	}
	ctx := nn.NewCtx(1, 2)
	ctx.SetGrad(false)
	logits, aux, err := m.Forward(ctx, x)
	if err != nil || aux == nil {
		t.Fatalf("forward: aux %v, %v", aux, err)
	}
	main := smoothedCE(logits.Data, train.Labels, 0.1)
	auxLoss := smoothedCE(aux.Data, train.Labels, 0.1)
	want := main + 0.4*auxLoss
	if math.Abs(got-want) > 1e-5*want {
		t.Fatalf("training loss %.7f, want %.7f (main %.7f + 0.4 x aux %.7f)", got, want, main, auxLoss)
	}
	if plain := smoothedCE(logits.Data, train.Labels, 0); math.Abs(plain-want) < 1e-3 {
		t.Fatalf("the auxiliary and smoothing terms are too small to tell apart (%v vs %v)", plain, want)
	}
}
