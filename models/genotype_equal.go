package models

import "slices"

// Equal reports whether g and h describe the same architecture: the same
// pairs in the same order, the same concat lists in the same order, and both
// or neither with reduce=None. Two nil genotypes are equal.
func (g *Genotype) Equal(h *Genotype) bool {
	if g == nil || h == nil {
		return g == h
	}
	return (g.Reduce == nil) == (h.Reduce == nil) &&
		slices.Equal(g.Normal, h.Normal) && slices.Equal(g.Reduce, h.Reduce) &&
		slices.Equal(g.NormalConcat, h.NormalConcat) && slices.Equal(g.ReduceConcat, h.ReduceConcat)
}

// Clone returns a deep copy of g (nil for nil); Reduce stays nil when nil.
func (g *Genotype) Clone() *Genotype {
	if g == nil {
		return nil
	}
	return &Genotype{
		Normal:       slices.Clone(g.Normal),
		NormalConcat: slices.Clone(g.NormalConcat),
		Reduce:       slices.Clone(g.Reduce),
		ReduceConcat: slices.Clone(g.ReduceConcat),
	}
}
