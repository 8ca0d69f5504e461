package models

import "gonas/internal/spec"

// The DARTS op set [DARTS-code cnn/operations.py], also used by PC-DARTS
// (whose evaluation network is DARTS's), ROME (without none) and the 2019
// GDAS code (with BN after pools and a padded FactorizedReduce).
//
// GDAS pools: the 2019 GDAS ops (d6e9078 lib/nas/operations.py) wrap every
// pool as Sequential(pool, BatchNorm2d(C, affine=False)), in the final
// network too, and the gdas set follows that code. No published figure can
// tell the two choices apart: GDAS_V1 and GDAS_F1 contain no pool, and a
// non-affine BN adds no parameters and no conv/linear MACs (it only adds
// its numel to the "full" FLOP count).

// AutoDLPrimitives are the DARTS ops in the order of AutoDL's current
// DARTS_SPACE [AutoDL xautodl/models/cell_operations.py], under the DARTS
// names: dua_sepc_kxk is sep_conv_kxk, dil_sepc_kxk is dil_conv_kxk.
var AutoDLPrimitives = []string{
	"none", "skip_connect", "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5", "avg_pool_3x3", "max_pool_3x3",
}

// DARTSPrimitives is the DARTS search space in alpha column order.
var DARTSPrimitives = []string{
	"none", "max_pool_3x3", "avg_pool_3x3", "skip_connect",
	"sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5",
}

// dartsExtra are the DARTS-table ops outside DARTSPrimitives: two that
// published genotypes use, and RobustDARTS's noise (space S4).
var dartsExtra = []string{"sep_conv_7x7", "conv_7x1_1x7", opNoise}

// dartsFlavour holds what differs between the DARTS-family op tables.
type dartsFlavour struct {
	padFR      bool // FactorizedReduce pads (AutoDL) instead of requiring even sizes
	poolBNEval bool // pools are Sequential(pool, BN(affine=False)) in evaluation too (GDAS 2019)
	noPoolBN   bool // pools never get a BN, in search either (AutoDL's current POOLING)
}

// dartsOps builds the DARTS op table. Every op keeps the channel count
// (the reference ops take a single C).
func dartsOps(f dartsFlavour) map[string]OpBuilder {
	same := func(op string, g OpBuilder) OpBuilder {
		return func(b *spec.Builder, name string, x int, c OpCtx) int {
			if c.Cin != c.Cout {
				return b.Failf("%s: %s keeps the channel count in this op set, got %d -> %d", name, op, c.Cin, c.Cout)
			}
			return g(b, name, x, c)
		}
	}
	sep := func(k int) OpBuilder {
		return func(b *spec.Builder, name string, x int, c OpCtx) int {
			return sepConv2(b, name, x, c, sepConvSpec{k: k, pad: (k - 1) / 2, dil: 1, mid: c.Cin})
		}
	}
	dil := func(k int) OpBuilder {
		return func(b *spec.Builder, name string, x int, c OpCtx) int {
			return dilConv(b, name, x, c, k, k-1, 2)
		}
	}
	pl := func(kind spec.Kind, countPad bool) OpBuilder {
		return func(b *spec.Builder, name string, x int, c OpCtx) int {
			return pool(b, name, kind, x, c, countPad, !f.noPoolBN && (c.Search || f.poolBNEval))
		}
	}
	ops := map[string]OpBuilder{
		opNone:         zero,
		"max_pool_3x3": pl(spec.MaxPool, false),
		"avg_pool_3x3": pl(spec.AvgPool, false), // count_include_pad=False
		opSkip: func(b *spec.Builder, name string, x int, c OpCtx) int {
			if c.stride() == 1 {
				return identity(b, name, x, c)
			}
			return factorizedReduce(b, name, x, c.Cout, c.Affine, f.padFR)
		},
		"sep_conv_3x3": sep(3),
		"sep_conv_5x5": sep(5),
		"sep_conv_7x7": sep(7),
		"dil_conv_3x3": dil(3),
		"dil_conv_5x5": dil(5),
		"conv_7x1_1x7": func(b *spec.Builder, name string, x int, c OpCtx) int {
			return conv7x1x7(b, name, x, c, 1e-5)
		},
		opNoise: func(b *spec.Builder, name string, x int, c OpCtx) int {
			return b.Noise(name, x, c.stride())
		},
	}
	for k, g := range ops {
		ops[k] = same(k, g)
	}
	return ops
}

func dartsFR(pad bool) func(b *spec.Builder, name string, x, cout int, affine bool) int {
	return func(b *spec.Builder, name string, x, cout int, affine bool) int {
		return factorizedReduce(b, name, x, cout, affine, pad)
	}
}

func init() {
	register(&OpSet{
		Name:             "darts",
		Summary:          "DARTS / PC-DARTS: 8 primitives; dil_conv is one block, sep_conv two; FactorizedReduce unpadded (even sizes)",
		Primitives:       DARTSPrimitives,
		Extra:            dartsExtra,
		Zero:             opNone,
		Identity:         opSkip,
		ops:              dartsOps(dartsFlavour{}),
		FactorizedReduce: dartsFR(false),
	}, "pcdarts", "pc-darts", "pc_darts", "dartsv1", "dartsv2")

	rome := dartsOps(dartsFlavour{})
	delete(rome, opNone)
	register(&OpSet{
		Name:             "rome",
		Summary:          "ROME: the DARTS ops without none (7 primitives), so every node keeps in-degree 2",
		Primitives:       DARTSPrimitives[1:],
		Extra:            dartsExtra,
		Identity:         opSkip,
		ops:              rome,
		FactorizedReduce: dartsFR(false),
	})

	register(&OpSet{
		Name: "gdas",
		Summary: "GDAS (2019 code): DARTS ops, pools followed by BatchNorm(affine=False) also in evaluation, " +
			"padded FactorizedReduce, fixed reduction cell (FRC) when reduce=None",
		Primitives:       DARTSPrimitives,
		Extra:            dartsExtra,
		Zero:             opNone,
		Identity:         opSkip,
		ops:              dartsOps(dartsFlavour{padFR: true, poolBNEval: true}),
		FactorizedReduce: dartsFR(true),
		FixedReduce:      gdasFRC,
	}, "gdas-frc", "gdas_frc", "gdas2019", "gdas-2019")

	register(&OpSet{
		Name: "autodl",
		Summary: "GDAS as AutoDL's current code has it (the default of --method gdas): the DARTS ops in DARTS_SPACE order, " +
			"pools without BatchNorm in search and evaluation, padded FactorizedReduce, fixed reduction cell (FRC) when reduce=None",
		Primitives:       AutoDLPrimitives,
		Extra:            dartsExtra,
		Zero:             opNone,
		Identity:         opSkip,
		ops:              dartsOps(dartsFlavour{padFR: true, noPoolBN: true}),
		FactorizedReduce: dartsFR(true),
		FixedReduce:      gdasFRC,
	}, "gdas-autodl", "gdas_autodl", "xautodl")
}
