package search

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonas/engine/nn"
	"gonas/internal/spec"
	"gonas/models"
)

// Names of the architecture parameters, as in the reference code.
const (
	AlphasNormal = "alphas_normal"
	AlphasReduce = "alphas_reduce"
	BetasNormal  = "betas_normal"
	BetasReduce  = "betas_reduce"
)

// cellIndex maps a MixInfo cell type to 0 (normal) or 1 (reduce).
func cellIndex(cell string) int {
	if cell == spec.CellReduce {
		return 1
	}
	return 0
}

// cellNames are the cell types by index.
var cellNames = [2]string{spec.CellNormal, spec.CellReduce}

// Arch holds the architecture parameters most strategies share: one alpha
// matrix [rows, ops] per cell type (shared by every cell of that type) and,
// for edge-normalised methods (PC-DARTS) or topology-sampling ones (ROME),
// one beta vector [rows] per cell type. They live in a Params store, so
// checkpoints save them by name and the architecture optimizer walks them.
type Arch struct {
	Params *nn.Params
	Space  *models.Space // column k of edge r's row is Space.Edge(cell, r)[k]
	Steps  int
	Alphas [2]*nn.Tensor // normal, reduce
	Betas  [2]*nn.Tensor // nil without betas
}

// NewArch creates the alphas (and betas if withBetas) for a cell with steps
// intermediate nodes and the candidate ops of space, initialised as the reference
// code does, 1e-3*randn, from a generator seeded with seed (alphas_normal,
// alphas_reduce, betas_normal, betas_reduce, in that order).
func NewArch(space *models.Space, steps int, withBetas bool, seed uint64) (*Arch, error) {
	if space.Width() == 0 || steps <= 0 {
		return nil, fmt.Errorf("architecture: %d ops and %d steps", space.Width(), steps)
	}
	a := &Arch{Params: nn.NewParams(), Space: space, Steps: steps}
	ops := space.Width()
	r := rand.New(rand.NewPCG(seed, 0x616c70686173)) // "alphas"
	rows := Rows(steps)
	add := func(name string, shape ...int) (*nn.Tensor, error) {
		t := nn.NewTensor(shape...)
		for i := range t.Data {
			t.Data[i] = float32(1e-3 * r.NormFloat64())
		}
		if err := a.Params.Add(name, t, false); err != nil {
			return nil, fmt.Errorf("architecture: %w", err)
		}
		return t, nil
	}
	var err error
	if a.Alphas[0], err = add(AlphasNormal, rows, ops); err != nil {
		return nil, err
	}
	if a.Alphas[1], err = add(AlphasReduce, rows, ops); err != nil {
		return nil, err
	}
	if withBetas {
		if a.Betas[0], err = add(BetasNormal, rows); err != nil {
			return nil, err
		}
		if a.Betas[1], err = add(BetasReduce, rows); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Rows is the number of edges per cell type.
func (a *Arch) Rows() int { return Rows(a.Steps) }

// Width is the number of candidate ops per edge (alpha's columns).
func (a *Arch) Width() int { return a.Space.Width() }

// CellOps is the candidate ops of every edge of cell type c (0 normal, 1
// reduce), in row and column order.
func (a *Arch) CellOps(c int) [][]string { return a.Space.Rows(c == 1, a.Steps) }

// record fills the op names of rec: the one list of a uniform space, or
// every edge's (and their union, for legends).
func (a *Arch) record(rec *ArchRecord) {
	rec.Space = a.Space.Name
	rec.Ops = a.Space.Ops()
	if !a.Space.Uniform() {
		rec.NormalOps, rec.ReduceOps = a.CellOps(0), a.CellOps(1)
	}
}

// OpWeights is softmax(alpha) of cell type c (0 normal, 1 reduce) over each
// row, in float64.
func (a *Arch) OpWeights(c int) [][]float64 {
	rows, n := a.Rows(), a.Width()
	out := make([][]float64, rows)
	for r := range out {
		out[r] = softmax64(a.Alphas[c].Data[r*n : (r+1)*n])
	}
	return out
}

// EdgeWeights is the betas of cell type c softmaxed over each node's
// incoming edges (PC-DARTS's weights2), nil without betas.
func (a *Arch) EdgeWeights(c int) []float64 {
	if a.Betas[c] == nil {
		return nil
	}
	out := make([]float64, 0, a.Rows())
	for i := 0; i < a.Steps; i++ {
		start, n := NodeRows(i)
		out = append(out, softmax64(a.Betas[c].Data[start:start+n])...)
	}
	return out
}

func softmax64(xs []float32) []float64 {
	m := math.Inf(-1)
	for _, v := range xs {
		m = math.Max(m, float64(v))
	}
	out := make([]float64, len(xs))
	var s float64
	for i, v := range xs {
		out[i] = math.Exp(float64(v) - m)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}
