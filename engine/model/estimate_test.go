package model

import (
	"math/rand/v2"
	"strings"
	"testing"

	"gonas/engine/nn"
	"gonas/internal/spec"
)

// measuredPeak runs one training step (forward, loss, backward) of net on
// batch random images with the parameters, their gradients and one
// optimizer slot accounted, and returns the engine's peak.
func measuredPeak(t *testing.T, net *spec.Net, batch int) int64 {
	t.Helper()
	m, err := New(net, 1)
	if err != nil {
		t.Fatal(err)
	}
	ctx := nn.NewCtx(1, 1)
	var slot int64
	for _, p := range m.Params.Learned() {
		slot += 4 * int64(len(p.Data))
	}
	ctx.Account(m.Params.Bytes() + slot)
	in := net.Input
	r := rand.New(rand.NewPCG(1, 1))
	x := nn.NewTensor(batch, in.C, in.H, in.W)
	for i := range x.Data {
		x.Data[i] = float32(r.NormFloat64())
	}
	labels := make([]int, batch)
	logits, aux, err := m.Forward(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	loss := nn.SoftmaxCrossEntropy(ctx, logits, labels, 0)
	if aux != nil {
		loss = nn.Add(ctx, loss, nn.SoftmaxCrossEntropy(ctx, aux, labels, 0))
	}
	if err := ctx.Backward(loss); err != nil {
		t.Fatal(err)
	}
	return ctx.PeakBytes()
}

// TestEstimateBoundsPeak: the estimate made from the spec is at least the
// engine's measured peak, and within 3x of it.
func TestEstimateBoundsPeak(t *testing.T) {
	net := tinyNet(t)
	for _, batch := range []int{1, 8} {
		est := EstimateTraining(net, batch, 1, nil)
		peak := measuredPeak(t, net, batch)
		if est.Total() < peak || est.Total() > 3*peak {
			t.Errorf("batch %d: estimate %d bytes (%s), measured peak %d", batch, est.Total(), est, peak)
		}
	}
}

// TestEstimateMix: a Mix node of which one input runs is charged for its
// largest exclusive branch, not all of them; shared inputs count once.
func TestEstimateMix(t *testing.T) {
	b := spec.NewBuilder(spec.Shape{C: 2, H: 4, W: 4})
	x := b.Conv("stem", 0, spec.Square(4, 3, 1, 1, 1))
	small := b.ReLU("small", x)
	big := b.ReLU("big.1", b.Pool("big.0", spec.MaxPool, x, 3, 1, 1, false))
	b.ReLU("small.again", x) // a repeat of small: merged, and not counted (it feeds nothing anyway)
	mix := b.Mix("mix", spec.MixInfo{Of: spec.MixOps, Cell: spec.CellNormal}, x, small, big)
	out := b.Linear("classifier", b.GAP("pool", mix), 3)
	net, err := b.Finish(3, out, 0)
	if err != nil {
		t.Fatal(err)
	}
	plane := int64(4 * 4 * 4 * 4) // 4 channels of 4x4, float32, batch 1
	all := EstimateTraining(net, 1, 0, nil).Activations
	one := EstimateTraining(net, 1, 0, func(*spec.Node) int { return 1 }).Activations
	// stem, mix, gap (4 values), linear (3); all: + small + big.0 + big.1.
	head := 2*plane + 4*4 + 4*3
	if all != head+3*plane || one != head+2*plane {
		t.Errorf("activations: all %d (want %d), one path %d (want %d)", all, head+3*plane, one, head+2*plane)
	}
}

func TestCheckMemory(t *testing.T) {
	e := Estimate{Weights: 3 << 30, Activations: 5 << 30}
	err := CheckMemory(e, 4<<30, "training this network")
	if err == nil || !strings.Contains(err.Error(), "needs an estimated 8.0 GB (weights, gradients and optimizer state 3.0 GB, activations of the batch 5.0 GB), more than the --max-memory 4.0 GB") {
		t.Errorf("CheckMemory over the limit: %v", err)
	}
	if err := CheckMemory(e, 16<<30, "x"); err != nil {
		t.Errorf("under the limit: %v", err)
	}
	if err := CheckMemory(Estimate{Activations: 1 << 62}, -1, "x"); err != nil {
		t.Errorf("no limit: %v", err)
	}
	if err := CheckMemory(Estimate{Activations: 1 << 62}, 0, "x"); err == nil || !strings.Contains(err.Error(), "this machine's") {
		t.Errorf("the machine's limit: %v", err)
	}
}
