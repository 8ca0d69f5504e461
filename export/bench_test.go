package export

import (
	"fmt"
	"testing"

	"gonas/internal/spec"
)

// dartsLike builds a DARTS-sized network (stem, cells of separable and
// dilated convs, pools, skips and zeros, concat; a reduction every third
// cell) for benchmarks: about the size of a 20-cell CIFAR evaluation net
// when cells = 20.
func dartsLike(tb testing.TB, cells, c int) testNet {
	b := spec.NewBuilder(spec.Shape{C: 3, H: 32, W: 32})
	x := b.Conv("stem.conv", 0, spec.Square(3*c, 3, 1, 1, 1))
	x = b.BN("stem.bn", x, true)
	s0, s1 := x, x
	sep := func(name string, in, ch, stride int) int {
		y := b.ReLU(name+".relu1", in)
		y = b.Conv(name+".dw1", y, spec.ConvOpts{Out: b.Shape(in).C, KH: 3, KW: 3, SH: stride, SW: stride, Pad: spec.Pads{T: 1, L: 1, B: 1, R: 1}, Groups: b.Shape(in).C})
		y = b.Conv(name+".pw1", y, spec.Square(ch, 1, 1, 0, 1))
		y = b.BN(name+".bn1", y, false)
		y = b.ReLU(name+".relu2", y)
		y = b.Conv(name+".dw2", y, spec.ConvOpts{Out: ch, KH: 3, KW: 3, Pad: spec.Pads{T: 1, L: 1, B: 1, R: 1}, Groups: ch})
		y = b.Conv(name+".pw2", y, spec.Square(ch, 1, 1, 0, 1))
		return b.BN(name+".bn2", y, false)
	}
	for i := range cells {
		reduce := i%3 == 2
		stride := 1
		if reduce {
			c *= 2
			stride = 2
		}
		p := fmt.Sprintf("cells.%d", i)
		pre0 := b.BN(p+".pre0.bn", b.Conv(p+".pre0.conv", b.ReLU(p+".pre0.relu", s0), spec.Square(c, 1, 1, 0, 1)), false)
		if b.Shape(pre0).H != b.Shape(s1).H/stride && !reduce {
			pre0 = b.Pool(p+".pre0.pool", spec.AvgPool, pre0, 3, 2, 1, false)
		}
		pre1 := b.BN(p+".pre1.bn", b.Conv(p+".pre1.conv", b.ReLU(p+".pre1.relu", s1), spec.Square(c, 1, 1, 0, 1)), false)
		states := []int{pre0, pre1}
		for n := range 4 {
			q := fmt.Sprintf("%s.n%d", p, n)
			a := sep(q+".sep", states[len(states)-1], c, 1)
			var o int
			if n == 0 && reduce {
				a = sep(q+".sep", states[1], c, 2)
				o = b.Pool(q+".max", spec.MaxPool, states[0], 3, 2, 1, false)
			} else {
				o = b.DropPath(q+".skip", states[n%2+len(states)-2])
			}
			states = append(states, b.Add(q+".add", a, o))
		}
		s0, s1 = s1, b.Concat(p+".concat", states[2:]...)
		c = b.Shape(s1).C / 4
	}
	g := b.GAP("gap", s1)
	out := b.Linear("classifier", g, 10)
	net, err := b.Finish(10, out, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return testNet{"darts", net, randomWeights(net, 1)}
}

func BenchmarkBuild(b *testing.B) {
	tn := dartsLike(b, 8, 16)
	for b.Loop() {
		m, err := Build(tn.net, tn.weights, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Marshal(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	tn := dartsLike(b, 8, 16)
	m, err := Build(tn.net, tn.weights, Options{})
	if err != nil {
		b.Fatal(err)
	}
	data, err := Marshal(m)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
