package model

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonas/engine/nn"
	"gonas/internal/spec"
)

func batch(n int, in spec.Shape, classes int, seed uint64) (*nn.Tensor, []int) {
	r := rand.New(rand.NewPCG(seed, 1))
	x := nn.NewTensor(n, in.C, in.H, in.W)
	for i := range x.Data {
		x.Data[i] = float32(r.NormFloat64())
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = r.IntN(classes)
	}
	return x, labels
}

func TestForwardModes(t *testing.T) {
	net := tinyNet(t)
	m, err := New(net, 1)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := batch(4, net.Input, 5, 1)
	c := nn.NewCtx(1, 2)
	logits, aux, err := m.Forward(c, x)
	if err != nil {
		t.Fatal(err)
	}
	if len(logits.Shape) != 2 || logits.Shape[0] != 4 || logits.Shape[1] != 5 || aux == nil || aux.Shape[1] != 5 {
		t.Fatalf("train: logits %v aux %v", logits.Shape, aux)
	}
	c.Reset()

	c.SetTrain(false)
	c.SetGrad(false)
	logits, aux, err = m.Forward(c, x)
	if err != nil {
		t.Fatal(err)
	}
	if aux != nil {
		t.Fatal("eval mode returned auxiliary logits")
	}
	// Every intermediate was released after its last use.
	if got, want := c.LiveBytes(), int64(len(logits.Data)*4); got != want {
		t.Fatalf("after an eval forward %d bytes live, want only the logits' %d", got, want)
	}
	for _, v := range logits.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("logits %v", logits.Data)
		}
	}
}

func TestInit(t *testing.T) {
	net := tinyNet(t)
	m, err := New(net, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, nd := range net.Nodes {
		for i, p := range nd.Params {
			d := m.Params.Get(p.Name).Data
			switch {
			case nd.Kind == spec.BN:
				want := map[string]float32{"weight": 1, "bias": 0, "running_mean": 0, "running_var": 1}[strings.TrimPrefix(p.Name, nd.Name+".")]
				for _, v := range d {
					if v != want {
						t.Fatalf("%s = %v, want %v", p.Name, v, want)
					}
				}
			default:
				fan := 1
				for _, s := range nd.Params[0].Shape[1:] {
					fan *= s
				}
				bound := 1 / math.Sqrt(float64(fan))
				var hi float64
				for _, v := range d {
					hi = math.Max(hi, math.Abs(float64(v)))
				}
				if hi > bound {
					t.Fatalf("%s: |value| up to %g, bound 1/sqrt(%d) = %g", p.Name, hi, fan, bound)
				}
				if i == 0 && len(d) >= 64 && hi < 0.8*bound {
					t.Fatalf("%s: |value| only up to %g of bound %g: not U(-b, b)", p.Name, hi, bound)
				}
			}
		}
	}
	m2, _ := New(net, 3)
	m3, _ := New(net, 4)
	w, w2, w3 := m.Params.Get("stem.conv.weight").Data, m2.Params.Get("stem.conv.weight").Data, m3.Params.Get("stem.conv.weight").Data
	if w[0] != w2[0] || w[5] != w2[5] {
		t.Fatal("same seed, different weights")
	}
	if w[0] == w3[0] && w[5] == w3[5] {
		t.Fatal("different seeds, same weights")
	}
	if got, want := m.Params.Count(), countLearned(net); got != want {
		t.Fatalf("%d learned values, spec declares %d", got, want)
	}
}

func countLearned(net *spec.Net) int64 {
	var n int64
	for _, p := range net.Params() {
		if !p.Buffer {
			n += p.Numel()
		}
	}
	return n
}

// sgdSteps trains m for steps plain SGD steps on one fixed batch and returns
// the losses (main + 0.4 * auxiliary).
func sgdSteps(t *testing.T, m *Model, x *nn.Tensor, labels []int, steps int, lr float32) []float32 {
	t.Helper()
	c := nn.NewCtx(1, 2)
	c.Account(m.Params.Bytes())
	var losses []float32
	for range steps {
		m.Params.ZeroGrad()
		logits, aux, err := m.Forward(c, x)
		if err != nil {
			t.Fatal(err)
		}
		loss := nn.SoftmaxCrossEntropy(c, logits, labels, 0)
		if aux != nil {
			loss = nn.Add(c, loss, nn.Scale(c, nn.SoftmaxCrossEntropy(c, aux, labels, 0), 0.4))
		}
		losses = append(losses, loss.Item())
		if err := c.Backward(loss); err != nil {
			t.Fatal(err)
		}
		if c.LiveBytes() != m.Params.Bytes() {
			t.Fatalf("after backward %d bytes live, parameters hold %d", c.LiveBytes(), m.Params.Bytes())
		}
		for _, p := range m.Params.Learned() {
			for i, g := range p.Grad {
				p.Data[i] -= lr * g
			}
		}
	}
	return losses
}

func TestSGDLossDecreases(t *testing.T) {
	net := tinyNet(t)
	m, err := New(net, 2)
	if err != nil {
		t.Fatal(err)
	}
	x, labels := batch(8, net.Input, 5, 2)
	losses := sgdSteps(t, m, x, labels, 20, 0.1)
	if !(losses[len(losses)-1] < 0.5*losses[0]) {
		t.Fatalf("loss did not fall by half in 20 SGD steps: %v", losses)
	}
}

func TestDropPath(t *testing.T) {
	net := tinyNet(t)
	m, _ := New(net, 2)
	x, _ := batch(8, net.Input, 5, 3)
	run := func(p float64, train bool) []float32 {
		m.SetDropPath(p)
		c := nn.NewCtx(5, 1)
		c.SetTrain(train)
		c.SetGrad(false)
		y, _, err := m.Forward(c, x)
		if err != nil {
			t.Fatal(err)
		}
		return y.Data
	}
	same := func(a, b []float32) bool {
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	}
	if same(run(0, true), run(0.5, true)) {
		t.Error("drop-path 0.5 changed nothing in training")
	}
	if !same(run(0, false), run(0.5, false)) {
		t.Error("drop-path acted in eval mode")
	}
}

// TestFiniteDifferences checks the whole network's gradient against float32
// central differences on a sample of learned weights.
func TestFiniteDifferences(t *testing.T) {
	net := tinyNet(t)
	m, _ := New(net, 7)
	x, labels := batch(4, net.Input, 5, 7)
	fdCheck(t, m, x, labels, 20)
}

func TestNewErrors(t *testing.T) {
	net := tinyNet(t)
	bad := *net
	bad.Nodes = append([]spec.Node(nil), net.Nodes...)
	bad.Nodes[3].Kind = "bogus"
	if _, err := New(&bad, 1); err == nil || !strings.Contains(err.Error(), bad.Nodes[3].Name) || !strings.Contains(err.Error(), "bogus") {
		t.Fatalf("unknown kind: err = %v", err)
	}
	bad.Nodes = append([]spec.Node(nil), net.Nodes...)
	bad.Nodes[2].Inputs = []int{5}
	if _, err := New(&bad, 1); err == nil {
		t.Fatal("forward reference: no error")
	}
	bad.Nodes = append([]spec.Node(nil), net.Nodes...)
	bad.Nodes[1].Params = bad.Nodes[1].Params[:0]
	if _, err := New(&bad, 1); err == nil || !strings.Contains(err.Error(), "stem.conv") {
		t.Fatalf("missing weight: err = %v", err)
	}
	if _, err := New(nil, 1); err == nil {
		t.Fatal("nil net: no error")
	}
}

func TestForwardErrors(t *testing.T) {
	net := tinyNet(t)
	m, _ := New(net, 1)
	c := nn.NewCtx(1, 1)
	if _, _, err := m.Forward(c, nn.NewTensor(2, 3, 12, 11)); err == nil {
		t.Fatal("wrong input size: no error")
	}
	m.SetDropPath(1.5)
	x, _ := batch(2, net.Input, 5, 1)
	_, _, err := m.Forward(c, x)
	if err == nil || !strings.Contains(err.Error(), "sep.drop") {
		t.Fatalf("bad drop-path probability: err = %v", err)
	}
	c.Reset()
}
