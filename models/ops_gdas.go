package models

import "gonas/internal/spec"

// gdasFRC is the GDAS fixed reduction cell, the 2019 version
// [AutoDL 3734384 lib/nas/construct_utils.py Transition]. From the
// preprocessed states s0 and s1 (C channels each):
//
//	X0 = branch(s0), X1 = branch(s1)   branch: ReLU, Conv(1x3, s(1,2), p(0,1), g8),
//	                                   Conv(3x1, s(2,1), p(1,0), g8), BN, ReLU, Conv1x1, BN
//	X2 = BN(MaxPool(3, s1, p1)(X0 + X1))
//	X3 = BN(MaxPool(3, s2, p1)(s1))
//	out = concat[X0, X1, X2, X3]            (4C channels)
//
// Every BN is affine in the reference, in search and evaluation alike.
// Drop-path applies to X0 and X1 (before X2 is formed from them) and to X2
// and X3. Modules are named ops1.{0,1}.{0..6} and ops2.{0,1}.{0,1}.
func gdasFRC(b *spec.Builder, name string, s0, s1 int, c CellCtx) int {
	if c.C%8 != 0 {
		return b.Failf("%s: the GDAS fixed reduction cell uses groups=8 convs and needs C divisible by 8, got %d", name, c.C)
	}
	branch := func(p string, x int) int {
		x = b.ReLU(p+".0", x)
		x = b.Conv(p+".1", x, spec.ConvOpts{Out: c.C, KH: 1, KW: 3, SH: 1, SW: 2, Pad: spec.Pads{L: 1, R: 1}, Groups: 8})
		x = b.Conv(p+".2", x, spec.ConvOpts{Out: c.C, KH: 3, KW: 1, SH: 2, SW: 1, Pad: spec.Pads{T: 1, B: 1}, Groups: 8})
		x = b.BN(p+".3", x, true)
		x = b.ReLU(p+".4", x)
		x = b.Conv(p+".5", x, spec.Square(c.C, 1, 1, 0, 1))
		return b.BN(p+".6", x, true)
	}
	drop := func(p string, x int) int {
		if !c.DropPath {
			return x
		}
		return b.DropPath(p+".drop_path", x)
	}
	x0 := drop(name+".ops1.0", branch(name+".ops1.0", s0))
	x1 := drop(name+".ops1.1", branch(name+".ops1.1", s1))
	sum := b.Add(name+".x0_x1", x0, x1)
	x2 := b.Pool(name+".ops2.0.0", spec.MaxPool, sum, 3, 1, 1, false)
	x2 = drop(name+".ops2.0", b.BN(name+".ops2.0.1", x2, true))
	x3 := b.Pool(name+".ops2.1.0", spec.MaxPool, s1, 3, 2, 1, false)
	x3 = drop(name+".ops2.1", b.BN(name+".ops2.1.1", x3, true))
	return b.Concat(name+".concat", x0, x1, x2, x3)
}
