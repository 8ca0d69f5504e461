package model

import (
	"runtime"
	"testing"

	"gonas/derive"
	"gonas/models"
	"gonas/train/nn"
)

// BenchmarkDARTSV2Step times one training step (forward, loss, backward) of
// the DARTS_V2 CIFAR network at search size (C=16, 8 cells, batch 32) and
// reports the peak bytes the engine held.
func BenchmarkDARTSV2Step(b *testing.B) {
	e, _ := models.LookupZoo("DARTS_V2")
	set, err := models.LookupOpSet(e.OpSet)
	if err != nil {
		b.Fatal(err)
	}
	net, err := derive.Build(e.Genotype, set, derive.Config{Dataset: "cifar10", Channels: 16, Layers: 8})
	if err != nil {
		b.Fatal(err)
	}
	m, err := New(net, 1)
	if err != nil {
		b.Fatal(err)
	}
	m.SetDropPath(0.2)
	x, labels := batch(32, net.Input, net.Classes, 1)
	c := nn.NewCtx(1, runtime.NumCPU())
	c.Account(m.Params.Bytes())
	b.ResetTimer()
	for range b.N {
		logits, _, err := m.Forward(c, x)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Backward(nn.SoftmaxCrossEntropy(c, logits, labels, 0)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.PeakBytes())/(1<<20), "peak-MiB")
}
