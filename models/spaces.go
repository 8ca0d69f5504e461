package models

import (
	"fmt"
	"slices"
	"strings"
)

// The search spaces by name. s0 is an op set's own primitives on every edge
// (the DARTS space for darts); s1-s4 are the spaces RobustDARTS built to
// make DARTS fail [RDARTS-code src/spaces.py], searched by ROME on 12 of
// its 15 benchmarks. Their ops are DARTS's (noise is RobustDARTS's NoiseOp).
const (
	SpaceS0 = "s0"
	SpaceS1 = "s1"
	SpaceS2 = "s2"
	SpaceS3 = "s3"
	SpaceS4 = "s4"
)

// spaceS1 is S1's per-edge lists [RDARTS-code primitives_1], edges in
// row order (node 0: s0, s1; node 1: s0, s1, node 0; ...).
var spaceS1 = [2][][]string{{
	{"skip_connect", "dil_conv_3x3"}, {"skip_connect", "dil_conv_5x5"},
	{"skip_connect", "dil_conv_5x5"}, {"skip_connect", "sep_conv_3x3"}, {"skip_connect", "dil_conv_3x3"},
	{"max_pool_3x3", "skip_connect"}, {"skip_connect", "sep_conv_3x3"}, {"skip_connect", "sep_conv_3x3"}, {"skip_connect", "dil_conv_3x3"},
	{"skip_connect", "sep_conv_3x3"}, {"max_pool_3x3", "skip_connect"}, {"skip_connect", "dil_conv_3x3"}, {"dil_conv_3x3", "dil_conv_5x5"}, {"dil_conv_3x3", "dil_conv_5x5"},
}, {
	{"max_pool_3x3", "avg_pool_3x3"}, {"max_pool_3x3", "dil_conv_3x3"},
	{"max_pool_3x3", "avg_pool_3x3"}, {"max_pool_3x3", "avg_pool_3x3"}, {"skip_connect", "dil_conv_5x5"},
	{"max_pool_3x3", "avg_pool_3x3"}, {"max_pool_3x3", "sep_conv_3x3"}, {"skip_connect", "dil_conv_3x3"}, {"skip_connect", "dil_conv_5x5"},
	{"max_pool_3x3", "avg_pool_3x3"}, {"max_pool_3x3", "avg_pool_3x3"}, {"skip_connect", "dil_conv_5x5"}, {"skip_connect", "dil_conv_5x5"}, {"skip_connect", "dil_conv_5x5"},
}}

// builtinSpaces are s1-s4 as published.
var builtinSpaces = []*Space{
	{Name: SpaceS1, Summary: "RobustDARTS S1: two ops per edge, chosen per edge, different in normal and reduction cells", edges: spaceS1},
	{Name: SpaceS2, Summary: "RobustDARTS S2: {skip_connect, sep_conv_3x3} on every edge", uniform: []string{"skip_connect", "sep_conv_3x3"}},
	{Name: SpaceS3, Summary: "RobustDARTS S3: {none, skip_connect, sep_conv_3x3} on every edge", uniform: []string{"none", "skip_connect", "sep_conv_3x3"}},
	{Name: SpaceS4, Summary: "RobustDARTS S4: {noise, sep_conv_3x3} on every edge (noise: N(0,1) of the input's shape)", uniform: []string{"noise", "sep_conv_3x3"}},
}

// SpaceNames lists the space names --space takes.
func SpaceNames() []string {
	out := []string{SpaceS0}
	for _, s := range builtinSpaces {
		out = append(out, s.Name)
	}
	return out
}

// noneDropped says why an op set without a zero op searches a space
// without none.
const noneDropped = "none dropped from every edge: this op set has no zero op (ROME: its topology sampling picks two " +
	"inputs per node, the job none does in DARTS, and a sampled edge that chose none would leave its node one input short)"

// ResolveSpace is the space name for op set set: "" or s0 is set's own
// primitives; s1-s4 are RobustDARTS's, with none dropped from every edge
// when set has no zero op (ROME). An op set that lacks another of the
// space's ops is an error naming it.
func ResolveSpace(name string, set *OpSet) (*Space, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	if key == "" || key == SpaceS0 {
		return UniformSpace(set), nil
	}
	i := slices.IndexFunc(builtinSpaces, func(s *Space) bool { return s.Name == key })
	if i < 0 {
		return nil, fmt.Errorf("unknown search space %q (known: %s)", name, strings.Join(SpaceNames(), ", "))
	}
	sp := builtinSpaces[i]
	if set.Zero == "" && slices.Contains(sp.Ops(), opNone) {
		sp = sp.without(opNone, noneDropped)
	}
	if err := sp.Check(set, 4); err != nil {
		return nil, err
	}
	return sp, nil
}

// BuiltinSpaces lists s1-s4 as published (shared: do not change them).
func BuiltinSpaces() []*Space { return slices.Clone(builtinSpaces) }

// CheckSpace verifies that the genotype's ops are candidates of the edges
// they sit on, in the space the file declares, as set builds it. A file
// without a space is not checked: s0 genotypes may use the op set's extras
// (published cells such as AmoebaNet's).
func (gf *GenoFile) CheckSpace(set *OpSet) error {
	if gf.Space == "" {
		return nil
	}
	sp, err := ResolveSpace(gf.Space, set)
	if err != nil {
		return fmt.Errorf("genotype %s: %w", gf.Name, err)
	}
	if err := sp.CheckGenotype(&gf.Genotype); err != nil {
		return fmt.Errorf("genotype %s: %w", gf.Name, err)
	}
	return nil
}
