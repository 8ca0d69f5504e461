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

// opColors gives each op of the op sets a stable colour (Graphviz and SVG
// names alike); unknown ops are grey.
var opColors = map[string]string{
	"none":               "gray70",
	"max_pool_3x3":       "darkorange",
	"avg_pool_3x3":       "goldenrod",
	"skip_connect":       "black",
	"sep_conv_3x3":       "royalblue",
	"sep_conv_5x5":       "mediumblue",
	"sep_conv_7x7":       "navy",
	"dil_conv_3x3":       "forestgreen",
	"dil_conv_5x5":       "darkgreen",
	"conv_7x1_1x7":       "sienna",
	"flood_conv_3x3":     "crimson",
	"flood_conv_5x5":     "darkred",
	"dil_flood_conv_3x3": "deeppink",
	"choke_conv_3x3":     "purple",
	"dil_choke_conv_3x3": "darkviolet",
}

// svgColors maps the Graphviz colour names that SVG lacks.
var svgColors = map[string]string{"gray70": "#b3b3b3", "gray40": "#666666"}

func opColor(op string) string {
	if c, ok := opColors[op]; ok {
		return c
	}
	return "gray40"
}
