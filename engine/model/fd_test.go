package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonas/engine/nn"
)

// lossOf is the training-mode loss (main + 0.4 * auxiliary) without
// gradients, the running statistics restored afterwards so repeated calls
// see the same network.
func lossOf(t *testing.T, m *Model, x *nn.Tensor, labels []int) float64 {
	t.Helper()
	saved := map[string][]float32{}
	for name, p := range m.Params.All() {
		if m.Params.IsBuffer(name) {
			saved[name] = append([]float32(nil), p.Data...)
		}
	}
	c := nn.NewCtx(1, 2)
	c.SetGrad(false)
	logits, aux, err := m.Forward(c, x)
	if err != nil {
		t.Fatal(err)
	}
	l := float64(nn.SoftmaxCrossEntropy(c, logits, labels, 0).Item())
	if aux != nil {
		l += 0.4 * float64(nn.SoftmaxCrossEntropy(c, aux, labels, 0).Item())
	}
	for name, d := range saved {
		copy(m.Params.Get(name).Data, d)
	}
	return l
}

// fdCheck compares the backward gradient with float32 central differences
// on k randomly drawn learned weights. Differences are taken at steps 1e-3,
// 5e-4 and 2.5e-4; where they disagree among themselves, or the one-sided
// differences disagree, the loss is not smooth at that scale (a ReLU or
// max-pool switch inside the step, or a max-pool tie among ReLU zeros right
// at the point, where backward takes one one-sided derivative) and the
// weight is replaced by another draw, at most 2k times.
func fdCheck(t *testing.T, m *Model, x *nn.Tensor, labels []int, k int) {
	t.Helper()
	m.Params.ZeroGrad()
	sgdSteps(t, m, x, labels, 1, 0) // lr 0: gradients only
	type ref struct {
		name string
		i    int
	}
	var all []ref
	for name, p := range m.Params.Learned() {
		for i := range p.Data {
			all = append(all, ref{name, i})
		}
	}
	r := rand.New(rand.NewPCG(9, 9))
	checked, skipped := 0, 0
	for checked < k {
		if skipped > 2*k {
			t.Fatalf("loss not smooth at %d of %d sampled weights", skipped, skipped+checked)
		}
		e := all[r.IntN(len(all))]
		p := m.Params.Get(e.name)
		v := p.Data[e.i]
		var fd, right, left [3]float64
		l0 := lossOf(t, m, x, labels)
		for j, h := range []float32{1e-3, 5e-4, 2.5e-4} {
			p.Data[e.i] = v + h
			lp := lossOf(t, m, x, labels)
			p.Data[e.i] = v - h
			lm := lossOf(t, m, x, labels)
			p.Data[e.i] = v
			fd[j] = (lp - lm) / float64(2*h)
			right[j], left[j] = (lp-l0)/float64(h), (l0-lm)/float64(h)
		}
		mid := fd[1]
		spread := max(fd[0], fd[1], fd[2]) - min(fd[0], fd[1], fd[2])
		if spread > 0.02*math.Abs(mid)+2e-4 || math.Abs(right[1]-left[1]) > 0.05*math.Abs(mid)+4e-4 {
			skipped++
			continue
		}
		checked++
		g := float64(p.Grad[e.i])
		if d := math.Abs(g - mid); d > 0.03*math.Abs(mid)+2e-4 {
			t.Errorf("%s[%d]: backward %g, finite differences %v", e.name, e.i, g, fd)
		}
	}
	t.Logf("%d weights checked, %d skipped as not smooth", checked, skipped)
}
