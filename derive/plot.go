package derive

import (
	"errors"
	"fmt"
	"strconv"

	"gonas/models"
)

// The cells a genotype describes.
const (
	CellNormal = "normal"
	CellReduce = "reduce"
)

// ErrFixedCell is returned when asked to draw the reduce cell of a genotype
// whose Reduce is nil: the op set supplies that cell (GDAS-FRC).
var ErrFixedCell = errors.New("the reduce cell is None: the op set's fixed reduction cell is used, the genotype does not describe it")

// cellGraph is a cell as the DARTS figures draw it: inputs c_{k-2} and
// c_{k-1}, intermediate nodes 0..n-1, output c_{k}.
type cellGraph struct {
	name   string
	steps  int
	edges  []cellEdge // op edges, in genotype order
	concat []int      // states joined into c_{k}
}

type cellEdge struct {
	from, to int // state indices: 0, 1 inputs; 2.. intermediate nodes
	op       string
}

// stateLabel names state s as the DARTS figures do.
func stateLabel(s int) string {
	switch s {
	case 0:
		return "c_{k-2}"
	case 1:
		return "c_{k-1}"
	}
	return strconv.Itoa(s - 2)
}

const outputLabel = "c_{k}"

// newCellGraph checks the cell (so plotting a malformed genotype gives an
// error) and returns its graph.
func newCellGraph(g *models.Genotype, which string) (*cellGraph, error) {
	if g == nil {
		return nil, errors.New("plot: no genotype")
	}
	var pairs []models.Pair
	var concat []int
	switch which {
	case CellNormal:
		pairs, concat = g.Normal, g.NormalConcat
	case CellReduce:
		if g.Reduce == nil {
			return nil, fmt.Errorf("plot reduce cell: %w", ErrFixedCell)
		}
		pairs, concat = g.Reduce, g.ReduceConcat
	default:
		return nil, fmt.Errorf("plot: unknown cell %q (want %s or %s)", which, CellNormal, CellReduce)
	}
	if len(pairs) < 2 || len(pairs)%2 != 0 {
		return nil, fmt.Errorf("plot %s cell: %d pairs, want an even number >= 2", which, len(pairs))
	}
	cg := &cellGraph{name: which, steps: len(pairs) / 2, concat: concat}
	for e, p := range pairs {
		if p.Input < 0 || p.Input >= 2+e/2 {
			return nil, fmt.Errorf("plot %s cell, node %d: input %d out of range 0..%d", which, e/2, p.Input, 1+e/2)
		}
		cg.edges = append(cg.edges, cellEdge{from: p.Input, to: 2 + e/2, op: p.Op})
	}
	for _, s := range concat {
		if s < 0 || s >= 2+cg.steps {
			return nil, fmt.Errorf("plot %s cell: concat index %d out of range 0..%d", which, s, 1+cg.steps)
		}
	}
	return cg, nil
}

// opColor is op's colour in the cell drawings, "#rrggbb" from the one
// palette of every plot (models.OpColor; unknown ops are grey).
func opColor(op string) string { return models.OpColor(op) }
