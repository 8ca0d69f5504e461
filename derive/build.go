package derive

import (
	"fmt"
	"strconv"

	"gonas/internal/spec"
	"gonas/models"
)

// Build compiles genotype g with op set set into the evaluation network
// described by cfg (zero fields from the dataset preset). Structural and
// shape problems come back as errors naming the cell, node and sizes.
func Build(g *models.Genotype, set *models.OpSet, cfg Config) (*spec.Net, error) {
	if set == nil {
		return nil, fmt.Errorf("derive: no op set")
	}
	cfg, err := cfg.Resolve()
	if err != nil {
		return nil, fmt.Errorf("derive: %w", err)
	}
	if err := CheckGenotype(g, set); err != nil {
		return nil, fmt.Errorf("derive: %w", err)
	}
	b := spec.NewBuilder(cfg.Input)
	m := macro{b: b, g: g, set: set, cfg: cfg}
	// Channel bookkeeping (C_prev_prev, C_prev) is implicit: every conv
	// reads its input width from the builder's shapes.
	var s0, s1 int
	redPrev := false
	switch cfg.Network {
	case NetworkImageNet:
		s0, s1 = m.imagenetStem()
		redPrev = true
	default:
		s0 = m.cifarStem()
		s1 = s0
	}
	L := cfg.Layers
	c := cfg.Channels
	auxAt, auxIn := 2*L/3, -1
	for i := 0; i < L; i++ {
		red := i == L/3 || i == 2*L/3
		if red {
			c *= 2
		}
		before := b.Len()
		out := m.cell(i, s0, s1, c, red, redPrev)
		if err := b.Err(); err != nil {
			return nil, fmt.Errorf("derive: %w", err)
		}
		if i == 0 && int64(b.Len()-before)*int64(L) > spec.MaxNodes {
			return nil, fmt.Errorf("derive: %d cells of %d nodes each would exceed %d nodes; use fewer cells", L, b.Len()-before, spec.MaxNodes)
		}
		s0, s1 = s1, out
		redPrev = red
		if i == auxAt {
			auxIn = s1
		}
	}
	logits := b.Linear("classifier", m.globalPool(s1), cfg.Classes)
	aux := 0
	if cfg.Auxiliary {
		if aux, err = m.auxHead(auxIn, auxAt); err != nil {
			return nil, fmt.Errorf("derive: %w", err)
		}
	}
	net, err := b.Finish(cfg.Classes, logits, aux)
	if err != nil {
		return nil, fmt.Errorf("derive: %w", err)
	}
	net.Meta = spec.Meta{
		Genotype: genotypeText(g),
		OpSet:    set.Name,
		Dataset:  cfg.Dataset,
		Layers:   cfg.Layers,
		Channels: cfg.Channels,
		Extra: map[string]string{
			"network":   cfg.Network,
			"auxiliary": strconv.FormatBool(cfg.Auxiliary),
		},
	}
	if usesMid(g, set) {
		mid := cfg.MidChannels
		if mid == 0 {
			mid = set.DefaultMidChannels
		}
		net.Meta.Extra["mid_channels"] = strconv.Itoa(mid)
	}
	return net, nil
}

// macro holds what the stems, cells and heads share while building.
type macro struct {
	b   *spec.Builder
	g   *models.Genotype
	set *models.OpSet
	cfg Config
}

// cifarStem is Conv3x3(in -> 3C, pad 1) + BN (stem.0, stem.1).
func (m *macro) cifarStem() int {
	x := m.b.Conv("stem.0", 0, spec.Square(3*m.cfg.Channels, 3, 1, 1, 1))
	return m.b.BN("stem.1", x, true)
}

// imagenetStem is stem0 (conv s2 to C/2, BN, ReLU, conv s2 to C, BN) and
// stem1 (ReLU, conv s2, BN); it returns both outputs (s0, s1).
func (m *macro) imagenetStem() (int, int) {
	b, c := m.b, m.cfg.Channels
	if c < 2 {
		return b.Failf("the ImageNet stem needs at least 2 channels (C/2 > 0), got %d", c), -1
	}
	x := b.Conv("stem0.0", 0, spec.Square(c/2, 3, 2, 1, 1))
	x = b.BN("stem0.1", x, true)
	x = b.ReLU("stem0.2", x)
	x = b.Conv("stem0.3", x, spec.Square(c, 3, 2, 1, 1))
	s0 := b.BN("stem0.4", x, true)
	x = b.ReLU("stem1.0", s0)
	x = b.Conv("stem1.1", x, spec.Square(c, 3, 2, 1, 1))
	return s0, b.BN("stem1.2", x, true)
}

// globalPool is the pool before the classifier: AdaptiveAvgPool2d(1) in
// the CIFAR network; AvgPool2d(7) in the ImageNet network, written as a
// global average pool when the map is 7x7 (224x224 inputs), where the two
// are the same op. On other sizes AvgPool2d(7) (stride 7) is kept as the
// reference has it, so its output (and the classifier's input) may be
// larger than 1x1.
func (m *macro) globalPool(x int) int {
	if s := m.b.Shape(x); m.cfg.Network == NetworkImageNet && (s.H != 7 || s.W != 7) {
		return m.b.Pool("global_pooling", spec.AvgPool, x, 7, 7, 0, true)
	}
	return m.b.GAP("global_pooling", x)
}

// cell builds cell i on the states s0, s1 with C = c and returns its output
// (multiplier*c channels, multiplier = len(concat)).
func (m *macro) cell(i, s0, s1, c int, red, redPrev bool) int {
	b := m.b
	name := "cells." + strconv.Itoa(i)
	p0, p1 := m.set.CellInputs(b, name, s0, s1, c, redPrev, true)
	if p0 < 0 {
		return -1
	}
	pairs, concat := m.g.Normal, m.g.NormalConcat
	if red {
		if m.g.Reduce == nil {
			return m.set.FixedReduce(b, name, p0, p1, models.CellCtx{C: c, DropPath: true})
		}
		pairs, concat = m.g.Reduce, m.g.ReduceConcat
	}
	states := []int{p0, p1}
	for n := 0; n < len(pairs)/2; n++ {
		var h [2]int
		for k := range h {
			e := 2*n + k
			p := pairs[e]
			stride := 1
			if red && p.Input < 2 {
				stride = 2
			}
			opName := name + "._ops." + strconv.Itoa(e)
			x := states[p.Input]
			y := m.set.Build(b, p.Op, opName, x, models.OpCtx{Cin: c, Cout: c, Stride: stride, Affine: true, MidChannels: m.cfg.MidChannels})
			if y != x {
				y = b.DropPath(opName+".drop_path", y)
			}
			h[k] = y
		}
		states = append(states, b.Add(name+".nodes."+strconv.Itoa(n), h[0], h[1]))
	}
	outs := make([]int, len(concat))
	for k, s := range concat {
		outs[k] = states[s]
	}
	return b.Concat(name+".concat", outs...)
}

// CheckGenotype verifies a genotype against an op set: every op in the
// set, inputs in range, concats valid. Build runs it first, so that a
// malformed genotype gives an error instead of a panic.
func CheckGenotype(g *models.Genotype, set *models.OpSet) error {
	if g == nil {
		return fmt.Errorf("no genotype")
	}
	cells := []struct {
		name   string
		pairs  []models.Pair
		concat []int
	}{{"normal", g.Normal, g.NormalConcat}}
	if g.Reduce != nil {
		cells = append(cells, struct {
			name   string
			pairs  []models.Pair
			concat []int
		}{"reduce", g.Reduce, g.ReduceConcat})
	} else if set.FixedReduce == nil {
		return fmt.Errorf("genotype has reduce=None but op set %s has no fixed reduction cell (only gdas has one)", set.Name)
	}
	for _, cl := range cells {
		if len(cl.pairs) < 2 || len(cl.pairs)%2 != 0 {
			return fmt.Errorf("%s cell has %d (op, input) pairs; want an even number >= 2", cl.name, len(cl.pairs))
		}
		for e, p := range cl.pairs {
			if !set.Has(p.Op) {
				return fmt.Errorf("%s cell, node %d: op %q is not in op set %s", cl.name, e/2, p.Op, set.Name)
			}
			if p.Input < 0 || p.Input >= 2+e/2 {
				return fmt.Errorf("%s cell, node %d: input %d out of range 0..%d", cl.name, e/2, p.Input, 1+e/2)
			}
		}
		if len(cl.concat) == 0 {
			return fmt.Errorf("%s cell: empty concat", cl.name)
		}
		for _, s := range cl.concat {
			if s < 0 || s >= 2+len(cl.pairs)/2 {
				return fmt.Errorf("%s cell: concat index %d out of range 0..%d", cl.name, s, 1+len(cl.pairs)/2)
			}
		}
	}
	return nil
}

// usesMid reports whether an op of set's MidOps (the choke ops, the only
// users of MidChannels) occurs.
func usesMid(g *models.Genotype, set *models.OpSet) bool {
	for _, ps := range [][]models.Pair{g.Normal, g.Reduce} {
		for _, p := range ps {
			if set.NeedsMid(p.Op) {
				return true
			}
		}
	}
	return false
}
