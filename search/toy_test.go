package search

import (
	"math/rand/v2"
	"testing"

	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/engine/optim"
	"gonas/internal/spec"
	"gonas/models"
)

// toySupernet is a hand-made supernet without ReLUs or max pools, so that
// the loss is a smooth function of weights and architecture (finite
// differences of gradients are then meaningful): a conv+BN stem and one
// node fed by two edges, each mixing none, a 1x1 conv+BN, a 3x3 conv+BN
// and a 3x3 average pool, then global pooling and a classifier.
func toySupernet(t testing.TB) *Supernet {
	t.Helper()
	ops := []string{"none", "conv1", "conv3", "avg"}
	b := spec.NewBuilder(spec.Shape{C: 2, H: 6, W: 6})
	stem := b.BN("stem.1", b.Conv("stem.0", 0, spec.Square(4, 3, 1, 1, 1)), true)
	var edges []int
	for row := range 2 {
		name := "cells.0._ops." + string(rune('0'+row))
		outs := []int{
			b.Zero(name+"._ops.0", stem, 1),
			b.BN(name+"._ops.1.bn", b.Conv(name+"._ops.1.conv", stem, spec.Square(4, 1, 1, 0, 1)), false),
			b.BN(name+"._ops.2.bn", b.Conv(name+"._ops.2.conv", stem, spec.Square(4, 3, 1, 1, 1)), false),
			b.Pool(name+"._ops.3", spec.AvgPool, stem, 3, 1, 1, false),
		}
		edges = append(edges, b.Mix(name, spec.MixInfo{Of: spec.MixOps, Cell: spec.CellNormal, Row: row, From: row}, outs...))
	}
	node := b.Mix("cells.0.nodes.0", spec.MixInfo{Of: spec.MixEdges, Cell: spec.CellNormal}, edges...)
	out := b.Linear("classifier", b.GAP("global_pooling", node), 3)
	net, err := b.Finish(3, out, 0)
	if err != nil {
		t.Fatal(err)
	}
	set := &models.OpSet{Name: "toy", Primitives: ops, Zero: "none"}
	return &Supernet{Net: net, Config: NetConfig{OpSet: set, Space: models.UniformSpace(set), Steps: 1, Multiplier: 1}}
}

// toyStep sets up a darts2 step on the toy supernet with random batches and
// random momentum buffers.
func toyStep(t testing.TB, xi float64, edgeNorm bool) (*Step, *Relaxed) {
	t.Helper()
	sn := toySupernet(t)
	m, err := model.New(sn.Net, 5)
	if err != nil {
		t.Fatal(err)
	}
	cfg := dartsBase("darts2")
	cfg.EdgeNorm = edgeNorm
	strat, err := NewRelaxed("darts2", sn, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, a := range strat.Arch().Learned() {
		for i := range a.Data {
			a.Data[i] = float32(r.NormFloat64()) // far from uniform: a stronger test
		}
	}
	batch := func() *Batch {
		x := nn.NewTensor(8, 2, 6, 6)
		for i := range x.Data {
			x.Data[i] = float32(r.NormFloat64())
		}
		y := make([]int, 8)
		for i := range y {
			y[i] = r.IntN(3)
		}
		return &Batch{X: x, Y: y}
	}
	sgd := optim.NewSGD(cfg.Momentum, cfg.WeightDecay, false)
	for name, p := range m.Params.Learned() {
		buf := make([]float32, len(p.Data))
		for i := range buf {
			buf[i] = float32(0.1 * r.NormFloat64())
		}
		sgd.State().Buffers[name] = buf
	}
	return &Step{Ctx: nn.NewCtx(1, 1), Model: m, Strategy: strat, Train: batch(), Val: batch(),
		LR: xi, Momentum: cfg.Momentum, WeightDecay: cfg.WeightDecay, SGD: sgd}, strat
}
