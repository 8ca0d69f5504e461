package model

import (
	"strings"
	"testing"

	"gonas/engine/nn"
	"gonas/internal/spec"
)

// mixNet is input -> {conv a -> relu, conv b, zero} -> mix(ops) -> gap -> fc,
// with a second mix over (mix, input-conv) standing for a node sum.
func mixNet(t testing.TB) *spec.Net {
	t.Helper()
	b := spec.NewBuilder(spec.Shape{C: 2, H: 6, W: 6})
	a := b.ReLU("a.relu", b.Conv("a.conv", 0, spec.Square(4, 3, 1, 1, 1)))
	c := b.Conv("b.conv", 0, spec.Square(4, 1, 1, 0, 1))
	z := b.Zero("z", c, 1)
	mix := b.Mix("edge", spec.MixInfo{Of: spec.MixOps, Cell: spec.CellNormal, Row: 0}, a, c, z)
	d := b.Conv("d.conv", 0, spec.Square(4, 1, 1, 0, 1))
	node := b.Mix("node", spec.MixInfo{Of: spec.MixEdges, Cell: spec.CellNormal, Row: 0}, mix, d)
	out := b.Linear("fc", b.GAP("gap", node), 3)
	net, err := b.Finish(3, out, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Validate(); err != nil {
		t.Fatalf("a net with mix nodes does not validate: %v", err)
	}
	return net
}

// fixedMixer picks inputs per node name and sums them with fixed weights.
type fixedMixer struct {
	active map[string][]int
	weight map[string][]float32
	asked  []string
}

func (f *fixedMixer) Active(nd *spec.Node) []int {
	f.asked = append(f.asked, nd.Name)
	return f.active[nd.Name]
}

func (f *fixedMixer) Mix(ctx *nn.Ctx, nd *spec.Node, active []int, ins []*nn.Tensor) (*nn.Tensor, error) {
	w := f.weight[nd.Name]
	if w == nil {
		if len(ins) == 1 {
			return ins[0], nil // exercises the runner's copy of a returned input
		}
		return nn.Add(ctx, ins...), nil
	}
	wt, err := nn.FromData(append([]float32(nil), w...), len(w))
	if err != nil {
		return nil, err
	}
	return nn.WeightedSum(ctx, ins, wt), nil
}

func grads(m *Model, names ...string) map[string]float64 {
	out := map[string]float64{}
	for _, n := range names {
		var s float64
		for _, g := range m.Params.Get(n).Grad {
			s += float64(g) * float64(g)
		}
		out[n] = s
	}
	return out
}

func TestForwardMixedMatchesManual(t *testing.T) {
	net := mixNet(t)
	m, err := New(net, 3)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := batch(2, net.Input, 3, 5)
	ctx := nn.NewCtx(1, 1)
	mixer := &fixedMixer{weight: map[string][]float32{"edge": {0.25, 0.5, 0.25}, "node": {1, 2}}}
	got, err := m.ForwardMixed(ctx, x, mixer)
	if err != nil {
		t.Fatal(err)
	}
	gotv := append([]float32(nil), got.Data...)
	ctx.Reset()

	// The same computation written out with the engine's ops.
	p := m.Params.Get
	a := nn.ReLU(ctx, nn.Conv2d(ctx, x, p("a.conv.weight"), nil, nn.ConvOpts{Pad: nn.Pads{T: 1, L: 1, B: 1, R: 1}}))
	c := nn.Conv2d(ctx, x, p("b.conv.weight"), nil, nn.ConvOpts{})
	mix := nn.Add(ctx, nn.Scale(ctx, a, 0.25), nn.Scale(ctx, c, 0.5))
	d := nn.Conv2d(ctx, x, p("d.conv.weight"), nil, nn.ConvOpts{})
	node := nn.Add(ctx, mix, nn.Scale(ctx, d, 2))
	want := nn.Linear(ctx, nn.GlobalAvgPool(ctx, node), p("fc.weight"), p("fc.bias"))
	if ctx.Err() != nil {
		t.Fatal(ctx.Err())
	}
	for i := range want.Data {
		if diff := gotv[i] - want.Data[i]; diff > 1e-5 || diff < -1e-5 {
			t.Fatalf("logit %d: mixed forward %v, manual %v", i, gotv[i], want.Data[i])
		}
	}
	if strings.Join(mixer.asked, ",") != "node,edge" {
		t.Fatalf("mixer asked about %v, want node then edge (from the output backwards)", mixer.asked)
	}
}

func TestForwardMixedSkipsInactive(t *testing.T) {
	net := mixNet(t)
	m, err := New(net, 3)
	if err != nil {
		t.Fatal(err)
	}
	x, labels := batch(2, net.Input, 3, 5)
	run := func(mixer Mixer) (tape int, peak int64) {
		ctx := nn.NewCtx(1, 1)
		m.Params.ZeroGrad()
		logits, err := m.ForwardMixed(ctx, x, mixer)
		if err != nil {
			t.Fatal(err)
		}
		tape = ctx.TapeLen()
		loss := nn.SoftmaxCrossEntropy(ctx, logits, labels, 0)
		if err := ctx.Backward(loss); err != nil {
			t.Fatal(err)
		}
		return tape, ctx.PeakBytes()
	}
	allTape, allPeak := run(&fixedMixer{})
	all := grads(m, "a.conv.weight", "b.conv.weight", "d.conv.weight")
	// Only op b of the edge, and only the edge (not d) into the node.
	mixer := &fixedMixer{active: map[string][]int{"edge": {1}, "node": {0}}}
	oneTape, onePeak := run(mixer)
	one := grads(m, "a.conv.weight", "b.conv.weight", "d.conv.weight")
	for n, g := range all {
		if g == 0 {
			t.Fatalf("all active: %s got no gradient", n)
		}
	}
	if one["a.conv.weight"] != 0 || one["d.conv.weight"] != 0 || one["b.conv.weight"] == 0 {
		t.Fatalf("single path: gradients %v, want only b.conv's", one)
	}
	if oneTape >= allTape || onePeak >= allPeak {
		t.Fatalf("single path recorded %d ops, peak %d bytes; all paths %d ops, %d bytes", oneTape, onePeak, allTape, allPeak)
	}

	// Inactive inputs of an inactive mix are never asked about.
	mixer = &fixedMixer{active: map[string][]int{"node": {1}}}
	run(mixer)
	if strings.Join(mixer.asked, ",") != "node" {
		t.Fatalf("asked %v, want only node (edge is not needed)", mixer.asked)
	}
}

func TestForwardMixedErrors(t *testing.T) {
	net := mixNet(t)
	m, err := New(net, 3)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := batch(2, net.Input, 3, 5)
	for _, tc := range []struct {
		name  string
		mixer Mixer
		want  string
	}{
		{"nil", nil, "no mixer"},
		{"empty", &fixedMixer{active: map[string][]int{"node": {}}}, "no active input"},
		{"order", &fixedMixer{active: map[string][]int{"edge": {2, 1}}}, "not increasing"},
		{"range", &fixedMixer{active: map[string][]int{"edge": {3}}}, "not increasing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.ForwardMixed(nn.NewCtx(1, 1), x, tc.mixer)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
