package search

import (
	"fmt"
	"strconv"
	"strings"

	"gonas/internal/spec"
	"gonas/models"
)

// NetConfig is the shape of a search supernet (docs/papers.md §1.4). Zero fields
// take the DARTS search values: C=16, 8 layers, 4 steps, multiplier 4, stem
// multiplier 3.
type NetConfig struct {
	OpSet *models.OpSet
	// Space is each edge's candidate ops (nil: the op set's primitives on
	// every edge, models.UniformSpace).
	Space          *models.Space
	Input          spec.Shape // per-image input shape
	Classes        int
	C              int // channels of the first cells
	Layers         int // number of cells; reductions at Layers/3 and 2*Layers/3
	Steps          int // intermediate nodes per cell
	Multiplier     int // the last Multiplier states are concatenated into a cell's output
	StemMultiplier int // the stem gives StemMultiplier*C channels
	// Partial is PC-DARTS's K: an edge's ops see only the first C/K channels
	// of its input, the rest bypass them (through MaxPool2d(2,2) on
	// reduction edges), and a channel shuffle with K groups follows. 0 or 1
	// is DARTS: the ops see every channel.
	Partial int
	// MidChannels is the sharpDARTS choke width (0: the op set's default).
	MidChannels int
	// FixedReduce makes every reduction cell the op set's fixed cell
	// (GDAS-FRC, OpSet.FixedReduce) on the preprocessed states: only the
	// normal cells are searched.
	FixedReduce bool
	// ImageNetStem replaces the stem by PC-DARTS's ImageNet search stems
	// (stem0: conv 3x3 s2 to 3C/2, BN, ReLU, conv 3x3 s2 to 3C, BN; stem1:
	// ReLU, conv 3x3 s2, BN), s0 = stem0 and s1 = stem1, so the first cell
	// reduces s0 with a FactorizedReduce.
	ImageNetStem bool
	// LastAct puts an affine BN and a ReLU between the last cell and global
	// pooling, as AutoDL's GDAS search network does (its `lastact`).
	LastAct bool
}

// withDefaults fills the zero fields.
func (c NetConfig) withDefaults() NetConfig {
	set := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	set(&c.C, 16)
	set(&c.Layers, 8)
	set(&c.Steps, 4)
	set(&c.Multiplier, 4)
	set(&c.StemMultiplier, 3)
	set(&c.Classes, 10)
	if c.Partial == 0 {
		c.Partial = 1
	}
	if c.Space == nil && c.OpSet != nil {
		c.Space = models.UniformSpace(c.OpSet)
	}
	return c
}

func (c NetConfig) check() error {
	switch {
	case c.OpSet == nil:
		return fmt.Errorf("no op set")
	case c.Input.C <= 0 || c.Input.H <= 0 || c.Input.W <= 0:
		return fmt.Errorf("input shape %v: every dimension must be positive", c.Input)
	case c.C <= 0 || c.Layers <= 0 || c.Steps <= 0 || c.Classes <= 0 || c.StemMultiplier <= 0:
		return fmt.Errorf("channels %d, layers %d, steps %d, classes %d and stem multiplier %d must be positive",
			c.C, c.Layers, c.Steps, c.Classes, c.StemMultiplier)
	case c.Multiplier <= 0 || c.Multiplier > c.Steps:
		return fmt.Errorf("multiplier %d must be in 1..steps (%d)", c.Multiplier, c.Steps)
	case c.Partial < 0:
		return fmt.Errorf("partial-channel K %d must be positive", c.Partial)
	case c.MidChannels < 0:
		return fmt.Errorf("mid channels %d must not be negative", c.MidChannels)
	case c.Space.Width() == 0:
		return fmt.Errorf("op set %s, space %s: no searchable ops", c.OpSet.Name, c.Space.Name)
	case c.FixedReduce && c.OpSet.FixedReduce == nil:
		return fmt.Errorf("op set %s has no fixed reduction cell (gdas has GDAS-FRC)", c.OpSet.Name)
	}
	if err := c.Space.Check(c.OpSet, c.Steps); err != nil {
		return err
	}
	if c.Partial > 1 && c.C%c.Partial != 0 {
		return fmt.Errorf("partial channels: C=%d is not divisible by K=%d", c.C, c.Partial)
	}
	return nil
}

// Supernet is a search network as a spec.Net: the stem, every cell with all
// candidate ops of all 14 edges, global pooling and the classifier. Each
// edge's candidate ops meet in a spec.Mix node (MixInfo.Of = MixOps, inputs
// in primitive order; `none` is a Zero node, skip_connect at stride 1 is the
// edge's input itself) and each intermediate node is a spec.Mix over its
// incoming edges (MixOps = MixEdges, inputs in row order). What the mix
// nodes compute is up to the strategy (see model.Mixer). Node and parameter
// names follow the reference's state_dict: stem.0, cells.3.preprocess0.op.1,
// cells.3._ops.5._ops.4.op.1 (edge 5, op 4), lastact.0, classifier.
type Supernet struct {
	Net    *spec.Net
	Config NetConfig
	Cells  []CellInfo
}

// CellInfo is one cell of the supernet.
type CellInfo struct {
	Reduce bool
	C      int // the cell's C_curr: channels of each state
	H, W   int // spatial size of the cell's states
}

// Rows is the number of edges per cell type.
func (s *Supernet) Rows() int { return Rows(s.Config.Steps) }

// Space is the candidate ops of every edge, in alpha column order.
func (s *Supernet) Space() *models.Space { return s.Config.Space }

// BuildSupernet builds the search network described by cfg (zero fields
// take the DARTS search values). Sizes that do not work (an odd map before
// an unpadded FactorizedReduce, channels that K does not divide) are
// errors naming the cell and edge.
func BuildSupernet(cfg NetConfig) (*Supernet, error) {
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("supernet: %w", err)
	}
	b := spec.NewBuilder(cfg.Input)
	sn := &Supernet{Config: cfg}
	s0, s1, redPrev := stem(b, cfg.StemMultiplier*cfg.C, cfg.ImageNetStem)
	c := cfg.C
	for i := 0; i < cfg.Layers; i++ {
		red := reductionAt(i, cfg.Layers)
		if red {
			c *= 2
		}
		before := b.Len()
		out := sn.cell(b, i, s0, s1, c, red, redPrev)
		if err := b.Err(); err != nil {
			return nil, supernetError(err, cfg)
		}
		if i == 0 && int64(b.Len()-before)*int64(cfg.Layers) > spec.MaxNodes {
			return nil, fmt.Errorf("supernet: %d cells of %d nodes each would exceed %d nodes; search fewer cells or nodes per cell",
				cfg.Layers, b.Len()-before, spec.MaxNodes)
		}
		s := b.Shape(out)
		sn.Cells = append(sn.Cells, CellInfo{Reduce: red, C: c, H: s.H, W: s.W})
		s0, s1 = s1, out
		redPrev = red
	}
	if cfg.LastAct {
		s1 = b.ReLU("lastact.1", b.BN("lastact.0", s1, true))
	}
	logits := b.Linear("classifier", b.GAP("global_pooling", s1), cfg.Classes)
	net, err := b.Finish(cfg.Classes, logits, 0)
	if err != nil {
		return nil, supernetError(err, cfg)
	}
	net.Meta = spec.Meta{OpSet: cfg.OpSet.Name, Layers: cfg.Layers, Channels: cfg.C, Extra: map[string]string{
		"supernet": "true", "steps": strconv.Itoa(cfg.Steps), "multiplier": strconv.Itoa(cfg.Multiplier),
		"partial_channels": strconv.Itoa(cfg.Partial), "space": cfg.Space.Name,
	}}
	sn.Net = net
	return sn, nil
}

// stem builds the supernet's stem of cs channels (its BNs are affine in
// search too): one 3x3 conv for CIFAR-sized inputs (s0 = s1), or the two
// stride-2 ImageNet stems, after which the first cell's s0 is reduced.
func stem(b *spec.Builder, cs int, imagenet bool) (s0, s1 int, redPrev bool) {
	if !imagenet {
		x := b.Conv("stem.0", 0, spec.Square(cs, 3, 1, 1, 1))
		s0 = b.BN("stem.1", x, true)
		return s0, s0, false
	}
	x := b.Conv("stem0.0", 0, spec.Square(cs/2, 3, 2, 1, 1))
	x = b.ReLU("stem0.2", b.BN("stem0.1", x, true))
	s0 = b.BN("stem0.4", b.Conv("stem0.3", x, spec.Square(cs, 3, 2, 1, 1)), true)
	y := b.Conv("stem1.1", b.ReLU("stem1.0", s0), spec.Square(cs, 3, 2, 1, 1))
	return s0, b.BN("stem1.2", y, true), true
}

// supernetError adds a hint to the size errors users can fix.
func supernetError(err error, cfg NetConfig) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "FactorizedReduce without padding"):
		return fmt.Errorf("supernet: %w (op set %s does not pad FactorizedReduce: use an input whose size stays even "+
			"through the reductions, e.g. 28 or 32, or an op set that pads, such as gdas or sharpdarts)", err, cfg.OpSet.Name)
	}
	return fmt.Errorf("supernet: %w", err)
}

// cell builds search cell i (model_search.py Cell) on states s0, s1.
func (sn *Supernet) cell(b *spec.Builder, i, s0, s1, c int, red, redPrev bool) int {
	cfg := sn.Config
	name := "cells." + strconv.Itoa(i)
	p0, p1 := cfg.OpSet.CellInputs(b, name, s0, s1, c, redPrev, false)
	if p0 < 0 {
		return -1
	}
	if red && cfg.FixedReduce {
		return cfg.OpSet.FixedReduce(b, name, p0, p1, models.CellCtx{C: c})
	}
	cell := spec.CellNormal
	if red {
		cell = spec.CellReduce
	}
	states := []int{p0, p1}
	for n := 0; n < cfg.Steps; n++ {
		start, count := NodeRows(n)
		edges := make([]int, count)
		for j := 0; j < count; j++ {
			stride := 1
			if red && j < 2 {
				stride = 2
			}
			info := spec.MixInfo{Of: spec.MixOps, Cell: cell, Row: start + j, Node: n, From: j}
			edges[j] = sn.edge(b, name+"._ops."+strconv.Itoa(start+j), states[j], c, stride, cfg.Space.Edge(red, start+j), info)
		}
		states = append(states, b.Mix(name+".nodes."+strconv.Itoa(n),
			spec.MixInfo{Of: spec.MixEdges, Cell: cell, Row: start, Node: n}, edges...))
	}
	return b.Concat(name+".concat", states[len(states)-cfg.Multiplier:]...)
}

// edge builds one MixedOp: every candidate op of the edge (ops) on x (or, with partial
// channels, on its first C/K channels, then the bypass, concat and channel
// shuffle of PC-DARTS).
func (sn *Supernet) edge(b *spec.Builder, name string, x, c, stride int, ops []string, info spec.MixInfo) int {
	cfg := sn.Config
	k := cfg.Partial
	in, cin := x, c
	if k > 1 {
		cin = c / k
		in = b.Slice(name+".partial", x, 0, cin)
	}
	outs := make([]int, len(ops))
	for o, op := range ops {
		outs[o] = cfg.OpSet.Build(b, op, name+"._ops."+strconv.Itoa(o), in, models.OpCtx{
			Cin: cin, Cout: cin, Stride: stride, Affine: false, Search: true, MidChannels: cfg.MidChannels})
	}
	mix := b.Mix(name, info, outs...)
	if k <= 1 {
		return mix
	}
	bypass := b.Slice(name+".bypass", x, cin, c-cin)
	if stride != 1 {
		bypass = b.Pool(name+".mp", spec.MaxPool, bypass, 2, 2, 0, false)
	}
	if ms, bs := b.Shape(mix), b.Shape(bypass); b.Err() == nil && (ms.H != bs.H || ms.W != bs.W) {
		return b.Failf("%s: the PC-DARTS bypass MaxPool2d(2,2) gives %dx%d but the ops give %dx%d: "+
			"partial channels need an even map size on reduction edges", name, bs.H, bs.W, ms.H, ms.W)
	}
	cat := b.Concat(name+".cat", mix, bypass)
	return b.Shuffle(name+".shuffle", cat, k)
}
