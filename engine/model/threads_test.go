package model

import (
	"math"
	"testing"

	"gonas/engine/nn"
)

// TestDARTSV2ThreadCounts runs one training forward and backward of the
// small DARTS_V2 network (drop-path and auxiliary head on) with 1, 2 and 3
// threads: the loss, every gradient and the BN running statistics must be
// bit-identical, since the engine splits work by whole outputs and forms
// every reduction in an order fixed by the shapes.
func TestDARTSV2ThreadCounts(t *testing.T) {
	net := dartsNet(t)
	x, labels := batch(6, net.Input, net.Classes, 5)
	run := func(threads int) (float32, []float32) {
		m, err := New(net, 1)
		if err != nil {
			t.Fatal(err)
		}
		m.SetDropPath(0.2)
		c := nn.NewCtx(3, threads)
		logits, aux, err := m.Forward(c, x)
		if err != nil {
			t.Fatal(err)
		}
		loss := nn.Add(c, nn.SoftmaxCrossEntropy(c, logits, labels, 0.1), nn.Scale(c, nn.SoftmaxCrossEntropy(c, aux, labels, 0), 0.4))
		l := loss.Item()
		if err := c.Backward(loss); err != nil {
			t.Fatal(err)
		}
		var out []float32
		for _, p := range m.Params.All() {
			out = append(append(out, p.Data...), p.Grad...)
		}
		return l, out
	}
	l1, g1 := run(1)
	for _, th := range []int{2, 3} {
		l, g := run(th)
		if math.Float32bits(l) != math.Float32bits(l1) {
			t.Fatalf("%d threads: loss %v, 1 thread %v", th, l, l1)
		}
		for i := range g1 {
			if math.Float32bits(g[i]) != math.Float32bits(g1[i]) {
				t.Fatalf("%d threads: value %d is %v, 1 thread %v", th, i, g[i], g1[i])
			}
		}
	}
}
