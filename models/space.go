package models

import (
	"fmt"
	"slices"
	"strings"
)

// Space is a search space: the candidate ops of every edge of the normal
// and the reduction cell, built by an op set. Column k of an edge's alpha
// row is the k-th op of its list, and every edge has as many candidates as
// the others (RobustDARTS's alphas are one [edges, ops] matrix per cell
// type). A uniform space gives every edge the same list, for any number of
// nodes per cell; a per-edge space (S1) lists the 14 edges of a 4-node
// cell.
type Space struct {
	Name    string
	Summary string
	// Note says how the space was adapted to its op set (ROME drops none).
	Note    string
	uniform []string
	edges   [2][][]string // normal, reduce: per edge row; nil when uniform
}

// UniformSpace is set's own space ("s0"): its primitives on every edge.
func UniformSpace(set *OpSet) *Space {
	return &Space{Name: SpaceS0, Summary: "the op set's primitives on every edge", uniform: slices.Clone(set.Primitives)}
}

// Uniform reports whether every edge has the same list.
func (s *Space) Uniform() bool { return s.edges[0] == nil }

// Width is the number of candidates per edge (alpha's columns).
func (s *Space) Width() int {
	if s.Uniform() {
		return len(s.uniform)
	}
	return len(s.edges[0][0])
}

// Edge is the candidate list of edge row of the normal (reduce false) or
// the reduction cell. The slice is shared: do not change it.
func (s *Space) Edge(reduce bool, row int) []string {
	if s.Uniform() {
		return s.uniform
	}
	return s.edges[cellOf(reduce)][row]
}

// Rows is the candidate list of every edge of a cell with steps nodes.
func (s *Space) Rows(reduce bool, steps int) [][]string {
	out := make([][]string, EdgeRows(steps))
	for r := range out {
		out[r] = s.Edge(reduce, r)
	}
	return out
}

// Ops lists every op the space uses, in order of first appearance (normal
// cell first).
func (s *Space) Ops() []string {
	if s.Uniform() {
		return slices.Clone(s.uniform)
	}
	var out []string
	for _, cell := range s.edges {
		for _, row := range cell {
			for _, op := range row {
				if !slices.Contains(out, op) {
					out = append(out, op)
				}
			}
		}
	}
	return out
}

// Check verifies that set builds every op of the space and, for a per-edge
// space, that the cell has its number of edges.
func (s *Space) Check(set *OpSet, steps int) error {
	if !s.Uniform() && EdgeRows(steps) != len(s.edges[0]) {
		return fmt.Errorf("space %s lists %d edges per cell (4 nodes); a cell of %d nodes has %d",
			s.Name, len(s.edges[0]), steps, EdgeRows(steps))
	}
	for _, op := range s.Ops() {
		if !set.Has(op) {
			return fmt.Errorf("space %s: op set %s cannot build %s (its ops: %s)", s.Name, set.Name, op, strings.Join(set.OpNames(), ", "))
		}
	}
	return nil
}

// CheckGenotype verifies that every op of g is in its edge's list: a
// pair's edge is the row of (its node, its input). A fixed reduction cell
// (Reduce nil) is not checked.
func (s *Space) CheckGenotype(g *Genotype) error {
	for c, pairs := range [2][]Pair{g.Normal, g.Reduce} {
		steps := len(pairs) / 2
		if !s.Uniform() && pairs != nil && EdgeRows(steps) != len(s.edges[c]) {
			return fmt.Errorf("space %s lists the %d edges of a 4-node cell; the genotype's %s cell has %d nodes",
				s.Name, len(s.edges[c]), cellNames[c], steps)
		}
		for i, p := range pairs {
			start, _ := NodeRows(i / 2)
			row := start + p.Input
			if p.Input < 0 || p.Input > i/2+1 {
				continue // the genotype's own validation reports bad inputs
			}
			if list := s.Edge(c == 1, row); !slices.Contains(list, p.Op) {
				return fmt.Errorf("space %s: %s cell, edge %d (%s -> node %d): op %s is not a candidate (candidates: %s)",
					s.Name, cellNames[c], row, StateName(p.Input), i/2, p.Op, strings.Join(list, ", "))
			}
		}
	}
	return nil
}

// without is s with op removed from every edge's list, named as s.
func (s *Space) without(op, note string) *Space {
	drop := func(list []string) []string {
		return slices.DeleteFunc(slices.Clone(list), func(o string) bool { return o == op })
	}
	out := &Space{Name: s.Name, Summary: s.Summary, Note: note}
	if s.Uniform() {
		out.uniform = drop(s.uniform)
		return out
	}
	for c := range s.edges {
		for _, row := range s.edges[c] {
			out.edges[c] = append(out.edges[c], drop(row))
		}
	}
	return out
}

var cellNames = [2]string{"normal", "reduce"}

func cellOf(reduce bool) int {
	if reduce {
		return 1
	}
	return 0
}
