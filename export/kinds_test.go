package export

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonas/derive"
	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/internal/spec"
)

// kindExamples builds, for every kind of the IR, a node of that kind on the
// output of a small stem convolution (node 1, so that a gradient reaching
// the stem's weight has gone back through the node). A kind added to the
// table without an example fails TestEveryKindEndToEnd.
var kindExamples = map[spec.Kind]func(b *spec.Builder, x int) int{
	spec.Input: nil, // node 0 of every example
	spec.Conv: func(b *spec.Builder, x int) int {
		return b.Conv("k", x, spec.ConvOpts{Out: 6, KH: 3, KW: 1, SH: 2, SW: 1, DH: 1, DW: 2, Pad: spec.Pads{T: 1, L: 2, B: 0, R: 1}, Groups: 2, Bias: true})
	},
	spec.BN:      func(b *spec.Builder, x int) int { return b.BN("k", x, true) },
	spec.ReLU:    func(b *spec.Builder, x int) int { return b.ReLU("k", x) },
	spec.MaxPool: func(b *spec.Builder, x int) int { return b.Pool("k", spec.MaxPool, x, 3, 2, 1, false) },
	spec.AvgPool: func(b *spec.Builder, x int) int { return b.Pool("k", spec.AvgPool, x, 3, 1, 1, false) },
	spec.GAP:     func(b *spec.Builder, x int) int { return b.GAP("k", x) },
	spec.Linear:  func(b *spec.Builder, x int) int { return b.Linear("k", x, 3) }, // the head itself (kindNet)
	spec.Add: func(b *spec.Builder, x int) int {
		return b.Add("k", x, b.ReLU("r", x), b.Pool("p", spec.MaxPool, x, 3, 1, 1, false))
	},
	spec.Concat: func(b *spec.Builder, x int) int { return b.Concat("k", x, b.ReLU("r", x)) },
	spec.Zero:   func(b *spec.Builder, x int) int { return b.Add("sum", b.Zero("k", x, 1), x) },
	spec.Noise: func(b *spec.Builder, x int) int {
		return b.Add("sum", b.Noise("k", x, 2), b.Pool("p", spec.MaxPool, x, 3, 2, 1, false))
	},
	spec.Pad:      func(b *spec.Builder, x int) int { return b.Pad("k", x, spec.Pads{T: 1, L: -1, B: 0, R: 2}) },
	spec.DropPath: func(b *spec.Builder, x int) int { return b.DropPath("k", x) },
	spec.Shuffle:  func(b *spec.Builder, x int) int { return b.Shuffle("k", x, 2) },
	spec.Slice:    func(b *spec.Builder, x int) int { return b.Slice("k", x, 1, 2) },
	spec.Mix: func(b *spec.Builder, x int) int {
		return b.Mix("k", spec.MixInfo{Of: spec.MixOps, Cell: spec.CellNormal}, x, b.ReLU("r", x))
	},
}

// kindNet is input 3x7x6 -> stem conv (4 channels) -> the example -> global
// pool -> linear (3 classes); the linear example is the head itself.
func kindNet(t *testing.T, k spec.Kind) *spec.Net {
	t.Helper()
	b := spec.NewBuilder(spec.Shape{C: 3, H: 7, W: 6})
	x := b.Conv("stem", 0, spec.Square(4, 3, 1, 1, 1))
	y := kindExamples[k](b, x)
	out := y // a linear layer's output is flat: it ends the network
	if k != spec.Linear {
		out = b.Linear("classifier", b.GAP("pool", y), 3)
	}
	net, err := b.Finish(3, out, 0)
	if err != nil {
		t.Fatalf("%s: build: %v", k, err)
	}
	found := false
	for _, nd := range net.Nodes {
		found = found || nd.Kind == k
	}
	if !found {
		t.Fatalf("%s: the example holds no node of the kind", k)
	}
	return net
}

// TestEveryKindEndToEnd walks every kind of the table through every
// consumer: build, replay (spec validation of the JSON file), counting, the
// engine's forward and backward, ONNX lowering, the import through onnx-go
// and, where installed, ONNX Runtime. A kind that one consumer lacks fails
// here.
func TestEveryKindEndToEnd(t *testing.T) {
	kinds := spec.Kinds()
	if len(kinds) != len(kindExamples) {
		t.Errorf("%d kinds in the table, %d examples", len(kinds), len(kindExamples))
	}
	var ortJobs []ortCase
	dir := t.TempDir()
	for _, k := range kinds {
		if k == spec.Input {
			continue
		}
		if kindExamples[k] == nil {
			t.Errorf("kind %s: no example in kindExamples", k)
			continue
		}
		t.Run(string(k), func(t *testing.T) {
			row, err := spec.Info(k)
			if err != nil {
				t.Fatal(err)
			}
			net := kindNet(t, k)
			data, err := spec.Marshal(net)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := spec.Decode(data); err != nil {
				t.Fatalf("replay: %v", err)
			}
			if _, err := derive.Count(net); err != nil {
				t.Fatalf("count: %v", err)
			}
			m, err := model.New(net, 3)
			if err != nil {
				t.Fatalf("engine: %v", err)
			}
			x := kindInput(net, 2)
			if row.SearchOnly {
				checkSearchOnly(t, m, net, x)
				return
			}
			checkBackward(t, m, x, k != spec.Zero)
			want, err := engineForward(m, x, 2)
			if err != nil {
				t.Fatalf("engine forward: %v", err)
			}
			pb, err := Build(net, modelWeights(m), Options{})
			if err != nil {
				t.Fatalf("lowering: %v", err)
			}
			bytes, err := Marshal(pb)
			if err != nil {
				t.Fatal(err)
			}
			back, w, err := Decode(bytes)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			bm, err := engineModel(back, w)
			if err != nil {
				t.Fatalf("imported network in the engine: %v", err)
			}
			got, err := engineForward(bm, x, 2)
			if err != nil {
				t.Fatalf("imported network forward: %v", err)
			}
			if d := MaxRelDiff(got, want); d > 1e-5 {
				t.Errorf("imported network differs from the original by %.3g", d)
			}
			path := dir + "/" + string(k) + ".onnx"
			if err := WriteFile(path, pb); err != nil {
				t.Fatal(err)
			}
			ortJobs = append(ortJobs, ortCase{kind: k, path: path, x: x, want: want})
		})
	}
	runORTCases(t, ortJobs)
}

// kindInput is n deterministic images of the net's input shape.
func kindInput(net *spec.Net, n int) []float32 {
	r := rand.New(rand.NewPCG(7, 7))
	x := make([]float32, n*int(net.Input.Numel()))
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

// checkBackward runs one training step's forward and backward and checks
// the stem's weight gradient: finite, and non-zero unless the kind passes
// no gradient (zero).
func checkBackward(t *testing.T, m *model.Model, x []float32, wantNonZero bool) {
	t.Helper()
	ctx := nn.NewCtx(1, engineThreads)
	defer ctx.Reset()
	in := m.Net.Input
	xt, err := nn.FromData(append([]float32(nil), x...), 2, in.C, in.H, in.W)
	if err != nil {
		t.Fatal(err)
	}
	m.Params.ZeroGrad()
	logits, _, err := m.Forward(ctx, xt)
	if err != nil {
		t.Fatalf("engine forward (training): %v", err)
	}
	if err := ctx.Backward(nn.SoftmaxCrossEntropy(ctx, logits, []int{0, 2}, 0)); err != nil {
		t.Fatalf("engine backward: %v", err)
	}
	var norm float64
	for _, g := range m.Params.Get("stem.weight").Grad {
		if math.IsNaN(float64(g)) || math.IsInf(float64(g), 0) {
			t.Fatalf("stem gradient %v", g)
		}
		norm += float64(g) * float64(g)
	}
	if wantNonZero && norm == 0 {
		t.Error("no gradient reaches the stem through the node")
	}
}

// checkSearchOnly: a search-only kind runs only through a mixer and is
// never exported.
func checkSearchOnly(t *testing.T, m *model.Model, net *spec.Net, x []float32) {
	t.Helper()
	if _, err := engineForward(m, x, 2); err == nil || !strings.Contains(err.Error(), "ForwardMixed") {
		t.Errorf("plain forward of a supernet: %v, want an error pointing at ForwardMixed", err)
	}
	if _, err := Build(net, modelWeights(m), Options{}); err == nil || !strings.Contains(err.Error(), "search supernets") {
		t.Errorf("export of a supernet: %v, want an error saying the kind exists only in search supernets", err)
	}
}

type ortCase struct {
	kind    spec.Kind
	path    string
	x, want []float32
}

// runORTCases runs the exported examples in ONNX Runtime in one process.
func runORTCases(t *testing.T, cases []ortCase) {
	if len(cases) == 0 {
		return
	}
	if _, _, err := FindORT(); errors.Is(err, ErrNoRuntime) {
		t.Logf("ONNX Runtime not checked: %v", err)
		return
	}
	for _, c := range cases {
		got, _, err := RunORT(c.path, c.x, []int{2, 3, 7, 6})
		if err != nil {
			t.Errorf("%s: ONNX Runtime: %v", c.kind, err)
			continue
		}
		if d := MaxRelDiff(got, c.want); d > 1e-4 {
			t.Errorf("%s: ONNX Runtime differs from the engine by %.3g", c.kind, d)
		}
	}
}

// TestEveryKindExports checks the exporter's registry against the table.
func TestEveryKindExports(t *testing.T) {
	for _, k := range spec.Kinds() {
		row, _ := spec.Info(k)
		_, ok := lowerers[k]
		if need := k != spec.Input && !row.SearchOnly && !row.EvalIdentity; need != ok {
			t.Errorf("kind %s: lowering registered %v, want %v", k, ok, need)
		}
	}
}
