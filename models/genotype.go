package models

// Pair is one chosen (op, input) of a cell: the op applied to state Input
// (0 = s0 = output of cell k-2, 1 = s1 = output of cell k-1, 2.. = the
// intermediate nodes in order).
type Pair struct {
	Op    string `json:"op"`
	Input int    `json:"input"`
}

// Genotype is a discrete architecture: pairs 2i and 2i+1 of Normal (Reduce)
// feed intermediate node i of normal (reduction) cells; the *Concat lists
// name the states concatenated into a cell's output. Reduce is nil when the
// op set supplies a fixed reduction cell (GDAS-FRC, reduce=None).
type Genotype struct {
	Normal       []Pair `json:"normal"`
	NormalConcat []int  `json:"normal_concat"`
	Reduce       []Pair `json:"reduce"`
	ReduceConcat []int  `json:"reduce_concat"`
}

// Steps is the number of intermediate nodes of the normal cell.
func (g *Genotype) Steps() int { return len(g.Normal) / 2 }
