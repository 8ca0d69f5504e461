package models

import "gonas/internal/spec"

// The sharpDARTS op table [SHARP-code cnn/operations.py OPS]. Every conv op
// is a SharpSepConv (two ReLU-DW-PW-BN blocks, the stride and dilation only
// in the first DW conv, a middle width that differs per op); pools are
// ResizablePool (a plain pool when the channels do not change, avg pools
// with PyTorch's default count_include_pad=True); FactorizedReduce pads.
// Three search spaces share the table; they differ only in the primitives.

// SharpDARTSPrimitives is sharpDARTS's default PRIMITIVES (9 ops).
var SharpDARTSPrimitives = []string{
	"none", "max_pool_3x3", "skip_connect", "sep_conv_3x3", "dil_conv_3x3",
	"flood_conv_3x3", "dil_flood_conv_3x3", "choke_conv_3x3", "dil_choke_conv_3x3",
}

// SharperPrimitives is sharpDARTS's SHARPER_PRIMITIVES (12 ops).
var SharperPrimitives = []string{
	"none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5",
	"sep_conv_7x7", "dil_conv_3x3", "dil_conv_5x5", "flood_conv_3x3", "flood_conv_5x5", "dil_flood_conv_3x3",
}

// sharpOpNames is every op of the table, in the reference dict's order.
// dil_flood_conv_5x5 is left out: its padding (2 for a dilated 5x5) shrinks
// the feature map, as the reference's own comment says.
var sharpOpNames = []string{
	"none", "avg_pool_3x3", "max_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5",
	"flood_conv_5x5", "sep_conv_7x7", "dil_conv_3x3", "dil_conv_5x5", "conv_7x1_1x7",
	"flood_conv_3x3", "dil_flood_conv_3x3", "choke_conv_3x3", "dil_choke_conv_3x3",
}

// sharpMid is how a SharpSepConv picks its middle width.
type sharpMid int

const (
	midSame  sharpMid = iota // C_out (C_mid_mult=1): the DARTS SepConv
	midFlood                 // 4*C_out (C_mid_mult=4)
	midChoke                 // the --mid_channels value (OpCtx.MidChannels)
)

func sharpSepConv(k, pad, dil int, mid sharpMid) OpBuilder {
	return func(b *spec.Builder, name string, x int, c OpCtx) int {
		m := c.Cout
		switch mid {
		case midFlood:
			m = 4 * c.Cout
		case midChoke:
			m = c.MidChannels
		}
		return sepConv2(b, name, x, c, sepConvSpec{k: k, pad: pad, dil: dil, mid: m})
	}
}

// resizablePool is ResizablePool: the pool alone when Cin == Cout (module
// name.op), else pool, Conv1x1, BN(eps 1e-3) as name.op.0..2. In search it
// is wrapped as Sequential(ResizablePool, BN(affine=False)).
func resizablePool(kind spec.Kind) OpBuilder {
	return func(b *spec.Builder, name string, x int, c OpCtx) int {
		p := name
		if c.Search {
			p = name + ".0"
		}
		s := c.stride()
		if c.Cin == c.Cout {
			x = b.Pool(p+".op", kind, x, 3, s, 1, true)
		} else {
			x = b.Pool(p+".op.0", kind, x, 3, s, 1, true)
			x = b.Conv(p+".op.1", x, spec.Square(c.Cout, 1, 1, 0, 1))
			x = b.BNWith(p+".op.2", x, c.Affine, spec.BNOpts{Eps: 1e-3, Momentum: 0.1})
		}
		if c.Search {
			x = b.BN(name+".1", x, false)
		}
		return x
	}
}

// sharpConvs are the SharpSepConv ops: kernel, padding, dilation and how
// the middle width is picked (midChoke marks the OpSet.MidOps).
var sharpConvs = map[string]struct {
	k, pad, dil int
	mid         sharpMid
}{
	"sep_conv_3x3":       {3, 1, 1, midSame},
	"sep_conv_5x5":       {5, 2, 1, midSame},
	"sep_conv_7x7":       {7, 3, 1, midSame},
	"dil_conv_3x3":       {3, 2, 2, midSame},
	"dil_conv_5x5":       {5, 4, 2, midSame},
	"flood_conv_3x3":     {3, 1, 1, midFlood},
	"flood_conv_5x5":     {5, 2, 1, midFlood},
	"dil_flood_conv_3x3": {3, 2, 2, midFlood},
	"choke_conv_3x3":     {3, 1, 1, midChoke},
	"dil_choke_conv_3x3": {3, 2, 2, midChoke},
}

func sharpOps() map[string]OpBuilder {
	ops := map[string]OpBuilder{
		opNone:         zero,
		"avg_pool_3x3": resizablePool(spec.AvgPool),
		"max_pool_3x3": resizablePool(spec.MaxPool),
		opSkip: func(b *spec.Builder, name string, x int, c OpCtx) int {
			if c.stride() == 1 {
				return identity(b, name, x, c)
			}
			return factorizedReduce(b, name, x, c.Cout, c.Affine, true)
		},
		"conv_7x1_1x7": func(b *spec.Builder, name string, x int, c OpCtx) int {
			return conv7x1x7(b, name, x, c, 1e-3)
		},
	}
	for op, v := range sharpConvs {
		ops[op] = sharpSepConv(v.k, v.pad, v.dil, v.mid)
	}
	return ops
}

// sharpMidOps are the choke ops, in sharpOpNames order.
func sharpMidOps() []string {
	var out []string
	for _, op := range sharpOpNames {
		if v, ok := sharpConvs[op]; ok && v.mid == midChoke {
			out = append(out, op)
		}
	}
	return out
}

// without returns the names of all not in prims, keeping all's order.
func without(all, prims []string) []string {
	in := map[string]bool{}
	for _, p := range prims {
		in[p] = true
	}
	var out []string
	for _, op := range all {
		if !in[op] {
			out = append(out, op)
		}
	}
	return out
}

func init() {
	sets := []struct {
		name, summary string
		prims         []string
		alias         []string
	}{
		{"sharpdarts", "sharpDARTS default space (9 ops: flood/choke bottlenecks, dil_conv as a SharpSepConv)", SharpDARTSPrimitives, []string{"sharp", "sharp_darts"}},
		{"sharper", "sharpDARTS SHARPER_PRIMITIVES (12 ops)", SharperPrimitives, []string{"sharperdarts"}},
		{"sharpsepconv", "the DARTS primitives built with the sharpDARTS ops (SharpSepConvDARTS)", DARTSPrimitives, []string{"sharpsep", "sharpsepconvdarts"}},
	}
	for _, s := range sets {
		register(&OpSet{
			Name:               s.name,
			Summary:            s.summary,
			Primitives:         s.prims,
			Extra:              without(sharpOpNames, s.prims),
			Zero:               opNone,
			Identity:           opSkip,
			MidOps:             sharpMidOps(),
			ops:                sharpOps(),
			FactorizedReduce:   dartsFR(true),
			DefaultMidChannels: 32,
			ImageNetAuxBN:      true,
		}, s.alias...)
	}
}
