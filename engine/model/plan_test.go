package model

import (
	"math/rand/v2"
	"slices"
	"testing"

	"gonas/derive"
	"gonas/engine/nn"
	"gonas/internal/spec"
	"gonas/models"
)

// TestEvalPlanMerges: the evaluation plan runs a repeated parameter-free
// node once (DARTS_V2's reduce cell max-pools state 0 twice and state 1
// three times, and its ops apply ReLU to the same states), and gives the
// same logits bit for bit as running every node.
func TestEvalPlanMerges(t *testing.T) {
	e, ok := models.LookupZoo("DARTS_V2")
	if !ok {
		t.Fatal("no DARTS_V2")
	}
	set, err := models.LookupOpSet(e.OpSet)
	if err != nil {
		t.Fatal(err)
	}
	net, err := derive.Build(e.Genotype, set, derive.Config{Dataset: "cifar10", Layers: 5, Channels: 8, Auxiliary: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(net, 3)
	if err != nil {
		t.Fatal(err)
	}
	merged, full := m.plans[2], makePlan(net, false, false)
	if len(merged.order) >= len(full.order) {
		t.Fatalf("evaluation plan runs %d nodes, the unmerged one %d", len(merged.order), len(full.order))
	}
	pools := func(p plan) int {
		n := 0
		for _, id := range p.order {
			if net.Nodes[id].Kind == spec.MaxPool {
				n++
			}
		}
		return n
	}
	if got, want := pools(merged), 2*2; got != want { // two reduce cells, states 0 and 1 each once
		t.Errorf("evaluation plan runs %d max-pools, want %d (of %d)", got, want, pools(full))
	}
	r := rand.New(rand.NewPCG(1, 2))
	x := nn.NewTensor(3, 3, 32, 32)
	for i := range x.Data {
		x.Data[i] = float32(r.NormFloat64())
	}
	forward := func(p plan) []float32 {
		m.plans[2] = p
		ctx := nn.NewCtx(1, 2)
		ctx.SetTrain(false)
		ctx.SetGrad(false)
		y, aux, err := m.Forward(ctx, x)
		if err != nil || aux != nil {
			t.Fatalf("forward: %v (aux %v)", err, aux)
		}
		out := slices.Clone(y.Data)
		ctx.Reset()
		return out
	}
	a, b := forward(merged), forward(full)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("logit %d: merged %v, every node %v", i, a[i], b[i])
		}
	}
}
