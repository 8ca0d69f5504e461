package model

import (
	"testing"

	"gonas/internal/spec"
)

// tinyNet builds, by hand, a network touching every spec kind on an odd
// 11x11 input: a conv/BN/ReLU stem, max and average pools, a
// FactorizedReduce-like pair of strided 1x1 convs on the input and on its
// shifted copy (pad+crop), a dilated depthwise-separable branch with
// drop-path, a zero op, an add, a channel shuffle and slice, concats, and an
// auxiliary head with a biased conv.
func tinyNet(t testing.TB) *spec.Net {
	t.Helper()
	b := spec.NewBuilder(spec.Shape{C: 3, H: 11, W: 11})
	x := b.Conv("stem.conv", 0, spec.Square(8, 3, 1, 1, 1))
	x = b.ReLU("stem.relu", b.BN("stem.bn", x, true))
	mp := b.Pool("mp", spec.MaxPool, x, 3, 2, 1, false)
	one := spec.ConvOpts{Out: 4, KH: 1, KW: 1, SH: 2, SW: 2}
	shifted := b.Pad("fr.shift", x, spec.Pads{T: -1, L: -1, B: 1, R: 1})
	fr := b.Concat("fr.cat", b.Conv("fr.conv1", x, one), b.Conv("fr.conv2", shifted, one))
	fr = b.BN("fr.bn", fr, false)
	ap := b.Pool("ap", spec.AvgPool, mp, 3, 1, 1, false)
	dw := b.Conv("sep.dw", ap, spec.ConvOpts{Out: 8, KH: 3, KW: 3, DH: 2, DW: 2, Groups: 8, Pad: spec.Pads{T: 2, L: 2, B: 2, R: 2}})
	pw := b.BN("sep.bn", b.Conv("sep.pw", dw, spec.ConvOpts{Out: 8, KH: 1, KW: 1}), true)
	dp := b.DropPath("sep.drop", pw)
	node := b.Add("node", fr, dp, b.Zero("zero", mp, 1))
	sh := b.Shuffle("shuffle", node, 2)
	cat := b.Concat("out.cat", b.Slice("slice", sh, 2, 4), sh)
	b.SetAux(true)
	a := b.Pool("aux.pool", spec.AvgPool, b.ReLU("aux.relu", node), 3, 3, 0, false)
	a = b.BN("aux.bn", b.Conv("aux.conv", a, spec.ConvOpts{Out: 6, KH: 1, KW: 1, Bias: true}), true)
	aux := b.Linear("aux.fc", b.ReLU("aux.relu2", a), 5)
	b.SetAux(false)
	out := b.Linear("fc", b.GAP("gap", cat), 5)
	net, err := b.Finish(5, out, aux)
	if err != nil {
		t.Fatal(err)
	}
	return net
}
