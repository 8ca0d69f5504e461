package derive

import (
	"fmt"
	"strconv"
	"strings"

	"gonas/models"
)

// CellDOT draws the normal or reduce cell of g as a Graphviz digraph in the
// style of the DARTS paper figures (DARTS-code visualize.py): left to right,
// green inputs c_{k-2} and c_{k-1}, blue intermediate nodes 0..n-1, a
// yellow output c_{k}, op edges labelled with the op name and coloured per
// op, plain edges from the concatenated states into c_{k}.
func CellDOT(g *models.Genotype, which string) (string, error) {
	cg, err := newCellGraph(g, which)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	q := strconv.Quote
	fmt.Fprintf(&b, "digraph %s {\n", q(which))
	b.WriteString("\trankdir=LR;\n")
	b.WriteString("\tedge [fontsize=20, fontname=\"times\"];\n")
	b.WriteString("\tnode [style=filled, shape=rect, align=center, fontsize=20, height=0.5, width=0.5, penwidth=2, fontname=\"times\"];\n")
	for s := 0; s < 2; s++ {
		fmt.Fprintf(&b, "\t%s [fillcolor=darkseagreen2];\n", q(stateLabel(s)))
	}
	for i := 0; i < cg.steps; i++ {
		fmt.Fprintf(&b, "\t%s [fillcolor=lightblue];\n", q(stateLabel(2+i)))
	}
	for _, e := range cg.edges {
		c := q(opColor(e.op))
		fmt.Fprintf(&b, "\t%s -> %s [label=%s, color=%s, fontcolor=%s];\n", q(stateLabel(e.from)), q(stateLabel(e.to)), q(e.op), c, c)
	}
	fmt.Fprintf(&b, "\t%s [fillcolor=palegoldenrod];\n", q(outputLabel))
	for _, s := range cg.concat {
		fmt.Fprintf(&b, "\t%s -> %s [color=gray];\n", q(stateLabel(s)), q(outputLabel))
	}
	b.WriteString("}\n")
	return b.String(), nil
}
