package export

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonas/internal/spec"
)

// testNet is a small network built with spec.Builder and random weights.
type testNet struct {
	name    string
	net     *spec.Net
	weights map[string][]float32
}

// testNets covers every spec.Kind and the lowering's special cases: asymmetric
// strides and pads, groups, dilation, non-affine BN, n-ary adds, strided
// zeros, pads that both pad and crop, channel slices and shuffles, vectors
// after Linear fed back into NCHW ops, an auxiliary head and dead nodes,
// a non-Linear output, and convs whose BN can or cannot be folded.
func testNets(t testing.TB) []testNet {
	t.Helper()
	var nets []testNet
	add := func(name string, in spec.Shape, build func(b *spec.Builder) (out, aux int)) {
		b := spec.NewBuilder(in)
		out, aux := build(b)
		net, err := b.Finish(b.Shape(out).C, out, aux)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		net.Meta = spec.Meta{Genotype: "Genotype(normal=[('" + name + "', 0)])", OpSet: "darts", Dataset: "test", Layers: 2, Channels: 4}
		nets = append(nets, testNet{name, net, randomWeights(net, uint64(len(nets)+1))})
	}

	add("stem", spec.Shape{C: 3, H: 9, W: 8}, func(b *spec.Builder) (int, int) {
		x := b.Conv("stem.conv", 0, spec.ConvOpts{Out: 6, KH: 3, KW: 3, Pad: spec.Pads{T: 1, L: 1, B: 1, R: 1}, Bias: true})
		x = b.BN("stem.bn", x, true)
		x = b.ReLU("stem.relu", x)
		x = b.Pool("pool.max", spec.MaxPool, x, 3, 2, 1, false)
		x = b.Pool("pool.avg", spec.AvgPool, x, 3, 1, 1, false)
		x = b.GAP("gap", x)
		return b.Linear("classifier", x, 5), 0
	})

	add("convs", spec.Shape{C: 4, H: 10, W: 11}, func(b *spec.Builder) (int, int) {
		x := b.Conv("dw", 0, spec.ConvOpts{Out: 4, KH: 3, KW: 3, DH: 2, DW: 2, Pad: spec.Pads{T: 2, L: 2, B: 2, R: 2}, Groups: 4})
		x = b.Conv("pw", x, spec.ConvOpts{Out: 8, KH: 1, KW: 1})
		x = b.BN("bn1", x, false)
		x = b.ReLU("relu1", x)
		x = b.Conv("asym", x, spec.ConvOpts{Out: 6, KH: 1, KW: 3, SH: 1, SW: 2, Pad: spec.Pads{T: 0, L: 1, B: 0, R: 0}})
		x = b.Conv("grouped", x, spec.ConvOpts{Out: 4, KH: 3, KW: 1, SH: 2, SW: 1, Pad: spec.Pads{T: 1, L: 0, B: 0, R: 0}, Groups: 2, Bias: true})
		x = b.BNWith("bn2", x, true, spec.BNOpts{Eps: 1e-3, Momentum: 0.01})
		return b.Linear("fc", x, 3), 0
	})

	add("cell", spec.Shape{C: 4, H: 6, W: 6}, func(b *spec.Builder) (int, int) {
		s0 := b.ReLU("s0", 0)
		s1 := b.Conv("s1", 0, spec.Square(4, 1, 1, 0, 1))
		a := b.Pool("a.avg", spec.AvgPool, s0, 3, 1, 1, true)
		z := b.Zero("a.zero", s1, 1)
		d := b.DropPath("a.drop", a)
		n2 := b.Add("n2", d, z)
		n3 := b.Add("n3", n2, s0, s1)
		skip := b.DropPath("skip.drop", s0) // identity feeding an add with itself
		n4 := b.Add("n4", skip, s0)
		c := b.Concat("concat", n2, n3, n4)
		zs := b.Zero("zero.s2", c, 2)
		r := b.Pool("reduce", spec.MaxPool, c, 3, 2, 1, false)
		m := b.Add("merge", zs, r)
		return b.Linear("fc", m, 4), 0
	})

	add("reduce", spec.Shape{C: 4, H: 8, W: 8}, func(b *spec.Builder) (int, int) {
		x := b.ReLU("relu", 0)
		p1 := b.Conv("fr.conv1", x, spec.Square(2, 1, 2, 0, 1))
		crop := b.Pad("fr.shift", x, spec.Pads{T: -1, L: -1}) // DARTS: x[:, :, 1:, 1:]
		p2 := b.Conv("fr.conv2", crop, spec.Square(2, 1, 2, 0, 1))
		mixed := b.Pad("sharp.shift", x, spec.Pads{T: -1, L: -1, B: 1, R: 1}) // sharpDARTS: pad then crop
		p3 := b.Conv("sharp.conv", mixed, spec.Square(2, 1, 2, 0, 1))
		grow := b.Pad("grow", x, spec.Pads{T: 1, L: 0, B: 1, R: 2})
		p4 := b.Pool("grow.pool", spec.MaxPool, grow, 3, 2, 0, false)
		p4 = b.Conv("grow.conv", p4, spec.Square(2, 1, 1, 0, 1))
		c := b.Concat("fr.concat", p1, p2, p3, p4)
		c = b.BN("fr.bn", c, true)
		return b.Linear("fc", c, 2), 0
	})

	add("pcdarts", spec.Shape{C: 8, H: 5, W: 5}, func(b *spec.Builder) (int, int) {
		part := b.Slice("pc.part", 0, 0, 2)
		rest := b.Slice("pc.rest", 0, 2, 6)
		op := b.Conv("pc.op", part, spec.Square(2, 3, 1, 1, 1))
		c := b.Concat("pc.concat", op, rest)
		s := b.Shuffle("pc.shuffle", c, 4)
		s = b.Conv("pc.mix", s, spec.Square(4, 1, 1, 0, 1))
		s = b.Shuffle("pc.shuffle2", s, 2)
		return b.Linear("fc", s, 3), 0
	})

	add("aux_dead", spec.Shape{C: 3, H: 6, W: 6}, func(b *spec.Builder) (int, int) {
		x := b.Conv("c1", 0, spec.Square(4, 3, 1, 1, 1))
		b.ReLU("dead", x) // read by nothing
		b.SetAux(true)
		a := b.Pool("aux.pool", spec.AvgPool, x, 2, 2, 0, false)
		a = b.Linear("aux.fc", a, 3)
		b.SetAux(false)
		y := b.GAP("gap", x)
		return b.Linear("fc", y, 3), a
	})

	add("vectors", spec.Shape{C: 3, H: 4, W: 4}, func(b *spec.Builder) (int, int) {
		g := b.GAP("gap", 0)
		v := b.Linear("fc1", 0, 3)
		r := b.ReLU("fc1.relu", v)
		bn := b.BN("fc1.bn", r, true)
		s := b.Add("vsum", bn, v)     // flat + flat
		m := b.Add("mixed", s, g)     // flat + NCHW
		cat := b.Concat("vcat", s, v) // flat concat
		sl := b.Slice("vslice", cat, 1, 5)
		z := b.Zero("vzero", sl, 1)
		u := b.Concat("join", m, b.Add("zs", sl, z))
		sh := b.Shuffle("vshuffle", u, 2)
		c := b.Conv("vconv", sh, spec.Square(4, 1, 1, 0, 1))
		return b.Linear("fc2", c, 2), 0
	})

	add("gap_out", spec.Shape{C: 2, H: 5, W: 3}, func(b *spec.Builder) (int, int) {
		x := b.Conv("c", 0, spec.Square(3, 3, 1, 1, 1))
		return b.GAP("gap", x), 0
	})

	add("fold", spec.Shape{C: 3, H: 6, W: 6}, func(b *spec.Builder) (int, int) {
		x := b.Conv("c1", 0, spec.Square(4, 3, 1, 1, 1))
		x = b.BN("c1.bn", x, true) // foldable
		x = b.ReLU("r1", x)
		y := b.Conv("c2", x, spec.ConvOpts{Out: 4, KH: 1, KW: 1, Bias: true})
		y = b.BN("c2.bn", y, false) // foldable, conv has a bias
		z := b.Conv("c3", y, spec.Square(4, 3, 1, 1, 1))
		zb := b.BN("c3.bn", z, true) // not foldable: c3 is also read by the add
		s := b.Add("sum", zb, z)
		return b.Linear("fc", s, 3), 0
	})
	return nets
}

// randomWeights fills every parameter with deterministic values of a
// reasonable scale; running variances are positive.
func randomWeights(net *spec.Net, seed uint64) map[string][]float32 {
	rng := rand.New(rand.NewPCG(seed, 7))
	w := map[string][]float32{}
	for _, nd := range net.Nodes {
		for _, p := range nd.Params {
			v := make([]float32, p.Numel())
			fan := 1.0
			if len(p.Shape) > 1 {
				fan = float64(p.Numel() / int64(p.Shape[0]))
			}
			for i := range v {
				u := rng.Float64()*2 - 1
				switch {
				case len(p.Name) > 12 && p.Name[len(p.Name)-12:] == ".running_var":
					v[i] = float32(0.5 + rng.Float64())
				case len(p.Name) > 7 && p.Name[len(p.Name)-7:] == ".weight" && len(p.Shape) == 1:
					v[i] = float32(1 + 0.3*u)
				default:
					v[i] = float32(u * math.Sqrt(3/fan))
				}
			}
			w[p.Name] = v
		}
	}
	return w
}

// randomInput is a batch of n inputs for net.
func randomInput(net *spec.Net, n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 11))
	x := make([]float32, int64(n)*net.Input.Numel())
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}
