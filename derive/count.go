package derive

import (
	"fmt"
	"math"

	"gonas/internal/spec"
)

// Counts are the sizes of a network for one image. The auxiliary head is
// kept out of every figure but AuxParams.
type Counts struct {
	Params    int64 `json:"params"`     // learned parameters outside the auxiliary head
	AuxParams int64 `json:"aux_params"` // learned parameters of the auxiliary head
	Buffers   int64 `json:"buffers"`    // BN running statistics: saved, never counted as parameters
	MACs      int64 `json:"macs"`       // conv and linear multiply-adds, bias adds included
	FLOPsFull int64 `json:"flops_full"` // the "full" rule of the sovrasov counter
}

// Count measures net by the rules the papers use (docs/papers.md §6.5, §7):
//
// Params is count_parameters_in_MB × 1e6 of the reference code: every
// learned tensor except those of the auxiliary head; BN running statistics
// are buffers, not parameters. It reproduces DARTS_V2 = 3,349,342 and
// PC_DARTS_cifar = 3,634,678 exactly.
//
// MACs is the AutoDL/GDAS rule (xautodl/utils/flop_benchmark.py): only
// conv and linear layers, conv kh·kw·Cin·Cout/groups·Hout·Wout plus
// Cout·Hout·Wout when the conv has a bias, linear in·out + out. It
// reproduces GDAS ImageNet 581M (C=50) and GDAS-FRC ImageNet 497M (C=52).
//
// FLOPsFull is the sovrasov flops_counter that sharpDARTS ships (the rule
// PC-DARTS's ImageNet figures also follow): conv as above; ReLU adds its
// output numel; BatchNorm adds numel, ×2 when affine; max/avg pools and
// the global pool add their input numel; linear adds in·out (no bias).
// Zero, add, concat, pad, drop-path, shuffle and slice add nothing. It
// reproduces PC-DARTS ImageNet 586M / 597M and the sharpDARTS figures.
// DARTS's own 574M for DARTS_V2 on ImageNet is reproduced by neither rule
// (see the table test), as docs/papers.md §6.5 records.
//
// The per-kind rules are the Cost rows of the kind table (internal/spec);
// a node of a kind the table does not know is an error, and so is a count
// past int64 (the arithmetic saturates instead of wrapping).
func Count(net *spec.Net) (Counts, error) {
	var c Counts
	for i := range net.Nodes {
		nd := &net.Nodes[i]
		row, err := spec.Info(nd.Kind)
		if err != nil {
			return Counts{}, fmt.Errorf("count: node %d (%s): %w", nd.ID, nd.Name, err)
		}
		for _, p := range nd.Params {
			switch {
			case p.Buffer:
				c.Buffers = spec.AddSat(c.Buffers, p.Numel())
			case nd.Aux:
				c.AuxParams = spec.AddSat(c.AuxParams, p.Numel())
			default:
				c.Params = spec.AddSat(c.Params, p.Numel())
			}
		}
		if nd.Aux {
			continue
		}
		var in spec.Shape
		if len(nd.Inputs) > 0 {
			in = net.Nodes[nd.Inputs[0]].Out
		}
		macs, full := row.Cost(nd, in)
		c.MACs = spec.AddSat(c.MACs, macs)
		c.FLOPsFull = spec.AddSat(c.FLOPsFull, full)
	}
	for _, v := range []int64{c.Params, c.AuxParams, c.Buffers, c.MACs, c.FLOPsFull} {
		if v == math.MaxInt64 {
			return Counts{}, fmt.Errorf("count: the network is too large to count: a size or count exceeds %d", int64(math.MaxInt64))
		}
	}
	return c, nil
}
