package model

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonas/derive"
	"gonas/engine/nn"
	"gonas/internal/spec"
	"gonas/models"
)

// dartsV2 is DARTS_V2 at CIFAR shapes, 5 cells of C=8, with or without
// the auxiliary head.
func dartsV2(t *testing.T, aux bool) *spec.Net {
	t.Helper()
	e, ok := models.LookupZoo("DARTS_V2")
	if !ok {
		t.Fatal("no DARTS_V2")
	}
	set, err := models.LookupOpSet(e.OpSet)
	if err != nil {
		t.Fatal(err)
	}
	net, err := derive.Build(e.Genotype, set, derive.Config{Dataset: "cifar10", Layers: 5, Channels: 8, Auxiliary: aux})
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// TestEvalPlanMerges: the evaluation plan runs a repeated parameter-free
// node once (DARTS_V2's reduce cell max-pools state 0 twice and state 1
// three times, and its ops apply ReLU to the same states), and gives the
// same logits bit for bit as running every node.
func TestEvalPlanMerges(t *testing.T) {
	net := dartsV2(t, true)
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
		ctx.SetTrain(false) // with gradients on: plan 2, batch norms not folded
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

// TestTrainPlanMergesGradients: in training the merged plan gives the
// same loss and, up to the order in which a shared node's gradients are
// summed, the same parameter gradients as running every node.
func TestTrainPlanMergesGradients(t *testing.T) {
	net := dartsV2(t, true)
	l1, g1 := trainStep(t, net, nil)
	full := makePlan(net, true, false)
	l2, g2 := trainStep(t, net, &full)
	if l1 != l2 {
		t.Fatalf("loss merged %v, every node %v", l1, l2)
	}
	gradsClose(t, g1, g2)
}

// TestTrainPlanFusesReLUs: the training plan runs no ReLU whose consumers
// are all convolutions (DARTS_V2: those of the separable and dilated
// convolutions and of the preprocessing), and gives the same loss bit for
// bit and the same gradients, up to the order in which the masked
// gradients of a state read by several convolutions add up, as the merged
// plan that runs them.
func TestTrainPlanFusesReLUs(t *testing.T) {
	net := dartsV2(t, true)
	m, err := New(net, 9)
	if err != nil {
		t.Fatal(err)
	}
	unfused := makePlanWith(net, planOpts{aux: true, merge: true})
	relus := func(p plan) int {
		n := 0
		for _, id := range p.order {
			if net.Nodes[id].Kind == spec.ReLU {
				n++
			}
		}
		return n
	}
	fusedRuns, plainRuns := relus(m.plans[1]), relus(unfused)
	if len(m.plans[1].reluIn) == 0 || fusedRuns >= plainRuns {
		t.Fatalf("fused plan: %d convolutions take a fused ReLU, %d ReLUs run (unfused %d)", len(m.plans[1].reluIn), fusedRuns, plainRuns)
	}
	for c := range m.plans[1].reluIn {
		if net.Nodes[c].Kind != spec.Conv {
			t.Fatalf("node %d (%s) marked for a fused ReLU", c, net.Nodes[c].Kind)
		}
	}
	t.Logf("%d of %d ReLUs fused into %d convolutions", plainRuns-fusedRuns, plainRuns, len(m.plans[1].reluIn))
	l1, g1 := trainStep(t, net, nil)
	l2, g2 := trainStep(t, net, &unfused)
	if l1 != l2 {
		t.Fatalf("loss fused %v, unfused %v", l1, l2)
	}
	gradsClose(t, g1, g2)
}

// trainStep runs one training step's forward and backward of net (with its
// auxiliary head, weight 0.4) on fixed inputs, with plan p in place of the
// model's own when not nil, and returns the loss and the gradients.
func trainStep(t *testing.T, net *spec.Net, p *plan) (float32, map[string][]float32) {
	t.Helper()
	r := rand.New(rand.NewPCG(4, 5))
	x := nn.NewTensor(4, 3, 32, 32)
	for i := range x.Data {
		x.Data[i] = float32(r.NormFloat64())
	}
	labels := []int{1, 7, 3, 0}
	m, err := New(net, 9)
	if err != nil {
		t.Fatal(err)
	}
	if p != nil {
		m.plans[1] = *p
	}
	ctx := nn.NewCtx(1, 2)
	logits, aux, err := m.Forward(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	loss := nn.Add(ctx, nn.SoftmaxCrossEntropy(ctx, logits, labels, 0), nn.Scale(ctx, nn.SoftmaxCrossEntropy(ctx, aux, labels, 0), 0.4))
	l := loss.Item()
	if err := ctx.Backward(loss); err != nil {
		t.Fatal(err)
	}
	g := map[string][]float32{}
	for name, p := range m.Params.Learned() {
		g[name] = slices.Clone(p.Grad)
	}
	return l, g
}

// gradsClose fails where two runs' gradients differ by more than float32
// rounding (relative squared error 1e-10).
func gradsClose(t *testing.T, g1, g2 map[string][]float32) {
	t.Helper()
	for name, a := range g1 {
		b := g2[name]
		var num, den float64
		for i := range a {
			d := float64(a[i] - b[i])
			num += d * d
			den += float64(b[i]) * float64(b[i])
		}
		if num > 1e-10*den+1e-30 {
			t.Errorf("%s: gradients differ, relative squared error %.3g", name, num/den)
		}
	}
}

// TestFoldedInference: without gradients, the batch norms that follow a
// convolution read by nothing else are folded into it; the logits agree
// with the unfolded evaluation to float32 rounding.
func TestFoldedInference(t *testing.T) {
	net := dartsV2(t, false)
	m, err := New(net, 3)
	if err != nil {
		t.Fatal(err)
	}
	// Trained-looking statistics, so that folding changes the weights.
	r := rand.New(rand.NewPCG(6, 7))
	for name, p := range m.Params.All() {
		for i := range p.Data {
			switch {
			case strings.HasSuffix(name, "running_var"):
				p.Data[i] = 0.5 + r.Float32()
			case strings.HasSuffix(name, "running_mean"), strings.HasSuffix(name, ".bias"):
				p.Data[i] = 0.3 * float32(r.NormFloat64())
			}
		}
	}
	folds, bns := len(m.plans[3].fold), 0
	for _, nd := range net.Nodes {
		if nd.Kind == spec.BN {
			bns++
		}
	}
	if folds == 0 || folds > bns {
		t.Fatalf("%d batch norms folded of %d", folds, bns)
	}
	for _, bn := range m.plans[3].fold {
		if slices.Contains(m.plans[3].order, bn) {
			t.Errorf("folded batch norm %s still runs", net.Nodes[bn].Name)
		}
	}
	x := nn.NewTensor(3, 3, 32, 32)
	for i := range x.Data {
		x.Data[i] = float32(r.NormFloat64())
	}
	forward := func(grad bool) []float32 {
		ctx := nn.NewCtx(1, 2)
		ctx.SetTrain(false)
		ctx.SetGrad(grad)
		y, _, err := m.Forward(ctx, x)
		if err != nil {
			t.Fatal(err)
		}
		out := slices.Clone(y.Data)
		ctx.Reset()
		return out
	}
	folded, plain := forward(false), forward(true)
	var num, den float64
	for i := range plain {
		d := float64(folded[i] - plain[i])
		num, den = num+d*d, den+float64(plain[i])*float64(plain[i])
	}
	if !(den > 0) || num > 1e-10*den {
		t.Errorf("folded logits differ from the unfolded: relative squared error %.3g", num/den)
	}
}

// sumMixer sums every input of a Mix node.
type sumMixer struct{}

func (sumMixer) Active(*spec.Node) []int { return nil }
func (sumMixer) Mix(ctx *nn.Ctx, _ *spec.Node, _ []int, ins []*nn.Tensor) (*nn.Tensor, error) {
	if len(ins) == 1 {
		return nn.Scale(ctx, ins[0], 1), nil
	}
	return nn.Add(ctx, ins...), nil
}

// TestMixedForwardMerges: ForwardMixed runs a supernet's repeated ReLUs
// and pools once, with the same loss and gradients as running them all.
func TestMixedForwardMerges(t *testing.T) {
	b := spec.NewBuilder(spec.Shape{C: 2, H: 6, W: 6})
	x := b.Conv("stem", 0, spec.Square(4, 3, 1, 1, 1))
	edge := func(name string) int { // three ops, two of them starting with the same ReLU and pool
		a := b.Conv(name+".a.conv", b.ReLU(name+".a.relu", x), spec.Square(4, 3, 1, 1, 1))
		c := b.Conv(name+".c.conv", b.ReLU(name+".c.relu", x), spec.Square(4, 1, 1, 0, 1))
		p := b.Pool(name+".pool", spec.MaxPool, x, 3, 1, 1, false)
		return b.Mix(name, spec.MixInfo{Of: spec.MixOps, Cell: spec.CellNormal}, a, c, p)
	}
	y := b.Add("node", edge("e0"), edge("e1"))
	out := b.Linear("classifier", b.GAP("gap", y), 3)
	net, err := b.Finish(3, out, 0)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2, 3))
	xt := nn.NewTensor(2, 2, 6, 6)
	for i := range xt.Data {
		xt.Data[i] = float32(r.NormFloat64())
	}
	step := func(merge bool) (float32, map[string][]float32, int) {
		m, err := New(net, 5)
		if err != nil {
			t.Fatal(err)
		}
		if !merge {
			m.same, m.fused = mergeMap(net, false), nil
		}
		merged := 0
		for id, s := range m.same {
			if s != id {
				merged++
			}
		}
		ctx := nn.NewCtx(1, 1)
		logits, err := m.ForwardMixed(ctx, xt, sumMixer{})
		if err != nil {
			t.Fatal(err)
		}
		loss := nn.SoftmaxCrossEntropy(ctx, logits, []int{0, 2}, 0)
		l := loss.Item()
		if err := ctx.Backward(loss); err != nil {
			t.Fatal(err)
		}
		g := map[string][]float32{}
		for name, p := range m.Params.Learned() {
			g[name] = slices.Clone(p.Grad)
		}
		return l, g, merged
	}
	l1, g1, n1 := step(true)
	l2, g2, n2 := step(false)
	if n1 != 4 || n2 != 0 { // e0.c.relu repeats e0.a.relu; e1's two ReLUs and pool repeat e0's
		t.Errorf("%d and %d nodes merged, want 4 and 0", n1, n2)
	}
	if l1 != l2 {
		t.Fatalf("loss merged %v, every node %v", l1, l2)
	}
	for name, a := range g1 {
		for i := range a {
			if d := a[i] - g2[name][i]; d > 1e-6 || d < -1e-6 {
				t.Fatalf("%s[%d]: gradient %v merged, %v every node", name, i, a[i], g2[name][i])
			}
		}
	}
}
