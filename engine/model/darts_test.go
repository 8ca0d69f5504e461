package model

import (
	"testing"
	"time"

	"gonas/derive"
	"gonas/engine/nn"
	"gonas/internal/spec"
	"gonas/models"
)

// dartsNet derives the DARTS_V2 CIFAR evaluation network at a small size
// (C=8, 5 cells, auxiliary head) from the zoo.
func dartsNet(t *testing.T) *spec.Net {
	t.Helper()
	e, ok := models.LookupZoo("DARTS_V2")
	if !ok {
		t.Fatal("DARTS_V2 not in the zoo")
	}
	set, err := models.LookupOpSet(e.OpSet)
	if err != nil {
		t.Fatal(err)
	}
	net, err := derive.Build(e.Genotype, set, derive.Config{Dataset: "cifar10", Channels: 8, Layers: 5, Auxiliary: true})
	if err != nil {
		t.Fatal(err)
	}
	return net
}

func TestDARTSV2Small(t *testing.T) {
	if testing.Short() {
		t.Skip("trains the derived DARTS_V2 network for a few steps")
	}
	net := dartsNet(t)
	m, err := New(net, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Params.Count(), countLearned(net); got != want {
		t.Fatalf("%d learned values, spec declares %d", got, want)
	}
	m.SetDropPath(0.2)
	x, labels := batch(4, net.Input, net.Classes, 11)

	// Drop-path in training, eval forward without auxiliary logits.
	c := nn.NewCtx(1, 2)
	if _, aux, err := m.Forward(c, x); err != nil || aux == nil {
		t.Fatalf("train forward: aux %v, err %v", aux, err)
	}
	c.Reset()
	c.SetTrain(false)
	c.SetGrad(false)
	logits, aux, err := m.Forward(c, x)
	if err != nil || aux != nil || logits.Shape[1] != 10 {
		t.Fatalf("eval forward: logits %v aux %v err %v", logits, aux, err)
	}

	m.SetDropPath(0)
	start := time.Now()
	losses := sgdSteps(t, m, x, labels, 8, 0.05)
	t.Logf("8 SGD steps in %v: losses %v", time.Since(start), losses)
	if !(losses[len(losses)-1] < 0.7*losses[0]) {
		t.Fatalf("loss did not fall by 30%% in 8 SGD steps: %v", losses)
	}
	fdCheck(t, m, x, labels, 20)
}
