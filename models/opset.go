package models

import (
	"fmt"
	"sort"
	"strings"

	"gonas/internal/spec"
)

// OpCtx is what an op builder needs to know about one edge.
type OpCtx struct {
	Cin, Cout int  // channels in and out (equal inside DARTS-style cells)
	Stride    int  // 1, or 2 on the input edges of a reduction cell; 0 means 1
	Affine    bool // BN with learned scale and shift (false in search, true in evaluation)
	// Search builds the op for a search supernet: op sets add what their
	// search code adds (DARTS: BatchNorm2d(affine=False) after every pool).
	Search bool
	// MidChannels is the bottleneck width of the sharpDARTS choke ops; 0
	// takes the op set's default.
	MidChannels int
}

// stride returns the edge stride, 1 when unset.
func (c OpCtx) stride() int {
	if c.Stride <= 0 {
		return 1
	}
	return c.Stride
}

// OpBuilder emits the spec nodes of one primitive applied to node x and
// returns the output node. An identity returns x itself (no node), which is
// how the derive stage knows not to add drop-path after it. Parameter and
// node names start with name (the op's module path).
type OpBuilder func(b *spec.Builder, name string, x int, c OpCtx) int

// CellCtx is what a fixed cell builder needs to know. (The GDAS-FRC
// reference builds the same cell, affine BNs included, in search and in
// evaluation, so there is no search switch.)
type CellCtx struct {
	C        int  // channels of each branch (the cell's C_curr)
	DropPath bool // emit drop-path nodes where the reference applies them
}

// FixedCell emits a fixed cell (GDAS-FRC) from the preprocessed states s0
// and s1 and returns its output (the channel concat).
type FixedCell func(b *spec.Builder, name string, s0, s1 int, c CellCtx) int

// OpSet is one search space: the searchable primitives in alpha column
// order, the genotype-only ops, a builder per op, the roles some ops play
// (ops_roles.go), and the few macro-level choices that differ between the
// reference implementations. Search supernets and derived networks are
// built through it; counting and export read the spec nodes its builders
// emit, and plots take op colours from its palette (Color, OpColor).
type OpSet struct {
	Name    string
	Summary string
	// Primitives are the searchable ops; the index is the column in alpha.
	Primitives []string
	// Extra are ops that the set builds but its own space (the primitives)
	// does not search: ops of published genotypes, and ops of other spaces
	// (noise, RobustDARTS S4).
	Extra []string

	// Zero is the zero op (none: zeros of the input's shape), a primitive
	// that search mixtures never evaluate and derivation rules never pick;
	// "" when the set has none (ROME).
	Zero string
	// Identity is the skip connection (skip_connect: the identity at stride
	// 1, a FactorizedReduce at stride 2), the op skip counts count.
	Identity string
	// MidOps are the ops whose middle width is OpCtx.MidChannels (the
	// sharpDARTS choke ops).
	MidOps []string

	ops map[string]OpBuilder

	// FactorizedReduce builds the stride-2 1x1 "factorized reduce" of x to
	// cout channels (preprocess0 after a reduction cell, skip_connect at
	// stride 2).
	FactorizedReduce func(b *spec.Builder, name string, x, cout int, affine bool) int
	// FixedReduce, if set, is the reduction cell used when a genotype's
	// Reduce is nil (GDAS-FRC).
	FixedReduce FixedCell
	// DefaultMidChannels is the choke bottleneck width when OpCtx leaves it 0.
	DefaultMidChannels int
	// ImageNetAuxBN keeps the BatchNorm after the 2x2 conv of the ImageNet
	// auxiliary head (sharpDARTS keeps it; DARTS and GDAS comment it out).
	ImageNetAuxBN bool
}

// Has reports whether op can be built by the set (primitive or extra).
func (s *OpSet) Has(op string) bool {
	_, ok := s.ops[op]
	return ok
}

// OpNames lists every op the set can build: primitives first, then extras.
func (s *OpSet) OpNames() []string {
	return append(append([]string(nil), s.Primitives...), s.Extra...)
}

// Index is op's column in alpha, -1 if op is not a searchable primitive.
func (s *OpSet) Index(op string) int {
	for i, p := range s.Primitives {
		if p == op {
			return i
		}
	}
	return -1
}

// Build emits op on x. Unknown ops and bad contexts are recorded as builder
// errors (the builder's Err reports them) and give -1.
func (s *OpSet) Build(b *spec.Builder, op, name string, x int, c OpCtx) int {
	f, ok := s.ops[op]
	if !ok {
		return b.Failf("%s: op %q is not in op set %s (ops: %s)", name, op, s.Name, strings.Join(s.OpNames(), ", "))
	}
	if c.Cin <= 0 || c.Cout <= 0 {
		return b.Failf("%s: %s needs positive channels, got in=%d out=%d", name, op, c.Cin, c.Cout)
	}
	if got := b.Shape(x).C; got != c.Cin {
		return b.Failf("%s: %s built for %d input channels but its input has %d", name, op, c.Cin, got)
	}
	if c.MidChannels <= 0 && s.NeedsMid(op) {
		c.MidChannels = s.DefaultMidChannels
	}
	return f(b, name, x, c)
}

// check verifies the table is consistent; called once per set at init.
func (s *OpSet) check() error {
	seen := map[string]bool{}
	for _, op := range s.OpNames() {
		if seen[op] {
			return fmt.Errorf("op set %s: op %s listed twice", s.Name, op)
		}
		seen[op] = true
		if _, ok := s.ops[op]; !ok {
			return fmt.Errorf("op set %s: op %s has no builder", s.Name, op)
		}
	}
	if len(seen) != len(s.ops) {
		return fmt.Errorf("op set %s: %d builders but %d listed ops", s.Name, len(s.ops), len(seen))
	}
	if err := s.checkRoles(); err != nil {
		return fmt.Errorf("op set %s: %w", s.Name, err)
	}
	return nil
}

var (
	opSets  = map[string]*OpSet{}
	aliases = map[string]string{}
)

func register(s *OpSet, alias ...string) {
	s.Primitives = append([]string(nil), s.Primitives...) // no sharing with the exported lists
	s.Extra = append([]string(nil), s.Extra...)
	s.MidOps = append([]string(nil), s.MidOps...)
	if err := s.check(); err != nil {
		panic(err) // a programming error in a table below, caught by every test run
	}
	opSets[s.Name] = s
	for _, a := range alias {
		aliases[a] = s.Name
	}
}

// LookupOpSet finds an op set by name (case-insensitive; a few aliases such
// as "pcdarts" are accepted).
func LookupOpSet(name string) (*OpSet, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	if a, ok := aliases[key]; ok {
		key = a
	}
	if s, ok := opSets[key]; ok {
		return s, nil
	}
	names := make([]string, 0, len(opSets))
	for _, s := range OpSets() {
		names = append(names, s.Name)
	}
	return nil, fmt.Errorf("unknown op set %q (known: %s)", name, strings.Join(names, ", "))
}

// OpSets lists the op sets, sorted by name.
func OpSets() []*OpSet {
	out := make([]*OpSet, 0, len(opSets))
	for _, s := range opSets {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
