package models

import "gonas/internal/spec"

// The building blocks shared by the op sets. Node names follow the module
// paths of the PyTorch reference code (nn.Sequential children are numbered),
// so parameter names equal the reference state_dict keys.

// ReLUConvBN is DARTS's ReLUConvBN(Cin, cout, k, s, p): ReLU, Conv(k, s, p),
// BN, as modules name.op.0..2. It is the preprocessing of every cell.
func ReLUConvBN(b *spec.Builder, name string, x, cout, k, s, p int, affine bool) int {
	x = b.ReLU(name+".op.0", x)
	x = b.Conv(name+".op.1", x, spec.Square(cout, k, s, p, 1))
	return b.BN(name+".op.2", x, affine)
}

// sepConvSpec describes the two-block separable conv shared by DARTS
// SepConv and sharpDARTS SharpSepConv.
type sepConvSpec struct {
	k, pad, dil int
	mid         int // channels between the two blocks
	eps         float64
}

// sepConv2 is [ReLU, DW(k, stride, pad, dil), PW(Cin->mid), BN(mid)] then
// [ReLU, DW(k, 1, (k-1)/2), PW(mid->Cout), BN(Cout)], modules name.op.0..7.
// DARTS SepConv is the case mid = Cin, dil = 1.
func sepConv2(b *spec.Builder, name string, x int, c OpCtx, s sepConvSpec) int {
	if s.mid <= 0 {
		return b.Failf("%s: separable conv needs a positive middle width, got %d", name, s.mid)
	}
	dw1 := spec.Square(c.Cin, s.k, c.stride(), s.pad, s.dil)
	dw1.Groups = c.Cin
	x = b.ReLU(name+".op.0", x)
	x = b.Conv(name+".op.1", x, dw1)
	x = b.Conv(name+".op.2", x, spec.Square(s.mid, 1, 1, 0, 1))
	x = b.BN(name+".op.3", x, c.Affine)
	dw2 := spec.Square(s.mid, s.k, 1, (s.k-1)/2, 1)
	dw2.Groups = s.mid
	x = b.ReLU(name+".op.4", x)
	x = b.Conv(name+".op.5", x, dw2)
	x = b.Conv(name+".op.6", x, spec.Square(c.Cout, 1, 1, 0, 1))
	return b.BN(name+".op.7", x, c.Affine)
}

// dilConv is DARTS DilConv: ReLU, DW(k, stride, pad, dil), PW, BN as
// name.op.0..3 (a single block).
func dilConv(b *spec.Builder, name string, x int, c OpCtx, k, pad, dil int) int {
	dw := spec.Square(c.Cin, k, c.stride(), pad, dil)
	dw.Groups = c.Cin
	x = b.ReLU(name+".op.0", x)
	x = b.Conv(name+".op.1", x, dw)
	x = b.Conv(name+".op.2", x, spec.Square(c.Cout, 1, 1, 0, 1))
	return b.BN(name+".op.3", x, c.Affine)
}

// conv7x1x7 is conv_7x1_1x7: ReLU, Conv(1x7, stride (1,s), pad (0,3)),
// Conv(7x1, stride (s,1), pad (3,0)), BN as name.0..3.
func conv7x1x7(b *spec.Builder, name string, x int, c OpCtx, eps float64) int {
	s := c.stride()
	x = b.ReLU(name+".0", x)
	x = b.Conv(name+".1", x, spec.ConvOpts{Out: c.Cin, KH: 1, KW: 7, SH: 1, SW: s, Pad: spec.Pads{L: 3, R: 3}})
	x = b.Conv(name+".2", x, spec.ConvOpts{Out: c.Cout, KH: 7, KW: 1, SH: s, SW: 1, Pad: spec.Pads{T: 3, B: 3}})
	return b.BNWith(name+".3", x, c.Affine, spec.BNOpts{Eps: eps, Momentum: 0.1})
}

// factorizedReduce is FactorizedReduce(Cin, cout): ReLU, then the channel
// concat of conv_1(x) and conv_2(x[:, :, 1:, 1:]) (1x1 stride-2 convs to
// cout/2 each), then BN(cout). With pad, x is first padded by one row and
// column at the bottom/right (sharpDARTS, AutoDL), so odd sizes work;
// without it (DARTS) the spatial size must be even.
func factorizedReduce(b *spec.Builder, name string, x, cout int, affine, pad bool) int {
	if cout%2 != 0 {
		return b.Failf("%s: FactorizedReduce needs an even number of output channels, got %d", name, cout)
	}
	in := b.Shape(x)
	if !pad && (in.H%2 != 0 || in.W%2 != 0) {
		return b.Failf("%s: FactorizedReduce without padding (DARTS) needs an even spatial size, got %dx%d", name, in.H, in.W)
	}
	shift := spec.Pads{T: -1, L: -1}
	if pad {
		shift = spec.Pads{T: -1, L: -1, B: 1, R: 1}
	}
	r := b.ReLU(name+".relu", x)
	c1 := b.Conv(name+".conv_1", r, spec.Square(cout/2, 1, 2, 0, 1))
	sh := b.Pad(name+".shift", r, shift)
	c2 := b.Conv(name+".conv_2", sh, spec.Square(cout/2, 1, 2, 0, 1))
	cat := b.Concat(name+".cat", c1, c2)
	return b.BN(name+".bn", cat, affine)
}

// pool adds a 3x3 pool (padding 1) at the edge stride, named name, or, with
// bn, Sequential(pool, BatchNorm2d(affine=False)) named name.0 and name.1.
func pool(b *spec.Builder, name string, kind spec.Kind, x int, c OpCtx, countPad, bn bool) int {
	if c.Cin != c.Cout {
		return b.Failf("%s: pool cannot change channels %d -> %d", name, c.Cin, c.Cout)
	}
	if !bn {
		return b.Pool(name, kind, x, 3, c.stride(), 1, countPad)
	}
	x = b.Pool(name+".0", kind, x, 3, c.stride(), 1, countPad)
	return b.BN(name+".1", x, false)
}

// zero is Zero(stride): zeros, subsampled at stride 2.
func zero(b *spec.Builder, name string, x int, c OpCtx) int {
	if c.Cin != c.Cout {
		return b.Failf("%s: none cannot change channels %d -> %d", name, c.Cin, c.Cout)
	}
	return b.Zero(name, x, c.stride())
}

// identity returns x (stride 1, same channels) or fails.
func identity(b *spec.Builder, name string, x int, c OpCtx) int {
	if c.Cin != c.Cout {
		return b.Failf("%s: skip_connect at stride 1 cannot change channels %d -> %d", name, c.Cin, c.Cout)
	}
	return x
}

// CellInputs builds a cell's two preprocessing branches (model.py Cell):
// preprocess0 is the op set's FactorizedReduce of s0 when the previous cell
// reduced, else ReLUConvBN 1x1; preprocess1 is ReLUConvBN 1x1 of s1. Both
// outputs have c channels; mismatched spatial sizes are a builder error.
// Derived networks (affine) and search supernets (not affine) share it.
func (s *OpSet) CellInputs(b *spec.Builder, name string, s0, s1, c int, redPrev, affine bool) (p0, p1 int) {
	if redPrev {
		p0 = s.FactorizedReduce(b, name+".preprocess0", s0, c, affine)
	} else {
		p0 = ReLUConvBN(b, name+".preprocess0", s0, c, 1, 1, 0, affine)
	}
	p1 = ReLUConvBN(b, name+".preprocess1", s1, c, 1, 1, 0, affine)
	if sp, sq := b.Shape(p0), b.Shape(p1); b.Err() == nil && (sp.H != sq.H || sp.W != sq.W) {
		b.Failf("%s: its preprocessed inputs have different spatial sizes %dx%d (s0) and %dx%d (s1)", name, sp.H, sp.W, sq.H, sq.W)
		return -1, -1
	}
	return p0, p1
}
