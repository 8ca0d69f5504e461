package model

import (
	"runtime"
	"testing"

	"gonas/derive"
	"gonas/engine/nn"
	"gonas/engine/optim"
	"gonas/models"
)

// benchDARTSV2Step times training steps of the DARTS_V2 CIFAR network at
// search size (C=16, 8 cells, drop-path 0.2): forward, loss, backward and,
// with sgd, an SGD update. It reports images per second and the peak
// bytes the engine held (parameters and gradients accounted, plus the
// momentum buffers with sgd).
func benchDARTSV2Step(b *testing.B, batchSize int, sgd bool) {
	benchDARTSV2StepOn(b, derive.Config{Dataset: "cifar10", Channels: 16, Layers: 8}, batchSize, sgd)
}

// benchDARTSV2StepOn is benchDARTSV2Step on the network of cfg.
func benchDARTSV2StepOn(b *testing.B, cfg derive.Config, batchSize int, sgd bool) {
	e, _ := models.LookupZoo("DARTS_V2")
	set, err := models.LookupOpSet(e.OpSet)
	if err != nil {
		b.Fatal(err)
	}
	net, err := derive.Build(e.Genotype, set, cfg)
	if err != nil {
		b.Fatal(err)
	}
	m, err := New(net, 1)
	if err != nil {
		b.Fatal(err)
	}
	m.SetDropPath(0.2)
	x, labels := batch(batchSize, net.Input, net.Classes, 1)
	c := nn.NewCtx(1, runtime.NumCPU())
	c.Account(m.Params.Bytes())
	var slots []optim.Slot
	for name, t := range m.Params.Learned() {
		slots = append(slots, optim.Slot{Name: name, Data: t.Data, Grad: t.Grad})
	}
	opt := optim.NewSGD(0.9, 3e-4, false)
	if sgd {
		c.Account(m.Params.Count() * 4)
	}
	b.ResetTimer()
	for range b.N {
		m.Params.ZeroGrad()
		logits, _, err := m.Forward(c, x)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Backward(nn.SoftmaxCrossEntropy(c, logits, labels, 0)); err != nil {
			b.Fatal(err)
		}
		if sgd {
			opt.Step(slots, 0.025)
		}
	}
	b.ReportMetric(float64(batchSize*b.N)/b.Elapsed().Seconds(), "img/s")
	b.ReportMetric(float64(c.PeakBytes())/(1<<20), "peak-MiB")
}

// BenchmarkDARTSV2Step is forward, loss and backward at batch 32.
func BenchmarkDARTSV2Step(b *testing.B) { benchDARTSV2Step(b, 32, false) }

// BenchmarkDARTSV2StepSGD64 is the step of `gonas bench`: batch 64 with
// the SGD update.
func BenchmarkDARTSV2StepSGD64(b *testing.B) { benchDARTSV2Step(b, 64, true) }

// BenchmarkDARTSV2StepMNIST96 is the step that gonas train runs on MNIST
// by default (5 cells, C=16, batch 96, SGD), to compare with the images
// per second that gonas train reports for its epochs.
func BenchmarkDARTSV2StepMNIST96(b *testing.B) {
	benchDARTSV2StepOn(b, derive.Config{Dataset: "mnist", Channels: 16, Layers: 5}, 96, true)
}
