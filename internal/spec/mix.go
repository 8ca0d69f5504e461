package spec

// What a Mix node combines (MixInfo.Of).
const (
	MixOps   = "ops"   // the candidate ops of one edge: input i is primitive i of the op set
	MixEdges = "edges" // the edges into one intermediate node: input i is edge row Row+i
)

// The cell types of a search supernet (MixInfo.Cell): all cells of a type
// share one set of architecture parameters.
const (
	CellNormal = "normal"
	CellReduce = "reduce"
)

// MixInfo describes a Mix node of a search supernet: what it combines and
// which architecture parameters apply. The search strategy decides at run
// time which inputs are evaluated and how they are combined (a softmax
// weighted sum, one Gumbel-sampled input, a sampled pair of edges, ...);
// nothing else in gonas interprets it, and evaluation networks have no Mix
// nodes.
type MixInfo struct {
	Of   string `json:"of"`             // MixOps or MixEdges
	Cell string `json:"cell"`           // CellNormal or CellReduce
	Row  int    `json:"row"`            // MixOps: the edge's row (0..13 with 4 steps); MixEdges: the node's first row
	Node int    `json:"node"`           // the intermediate node (0..steps-1) the edge or edges feed
	From int    `json:"from,omitempty"` // MixOps: the state the edge reads (0 = s0, 1 = s1, 2.. = nodes)
}

// Mix adds a Mix node over xs, which must all have the same shape (the
// output's).
func (b *Builder) Mix(name string, info MixInfo, xs ...int) int {
	if !b.ok(xs...) {
		return -1
	}
	switch {
	case len(xs) == 0:
		return b.Failf("%s: mix needs at least one input", name)
	case info.Of != MixOps && info.Of != MixEdges:
		return b.Failf("%s: mix of %q, want %q or %q", name, info.Of, MixOps, MixEdges)
	case info.Cell != CellNormal && info.Cell != CellReduce:
		return b.Failf("%s: mix in cell type %q, want %q or %q", name, info.Cell, CellNormal, CellReduce)
	case info.Row < 0 || info.Node < 0 || info.From < 0:
		return b.Failf("%s: mix with negative row %d, node %d or input state %d", name, info.Row, info.Node, info.From)
	}
	for _, x := range xs[1:] {
		if b.Shape(x) != b.Shape(xs[0]) {
			return b.Failf("%s: cannot mix shapes %v and %v", name, b.Shape(xs[0]), b.Shape(x))
		}
	}
	return b.add(Node{Kind: Mix, Name: name, Inputs: append([]int(nil), xs...), Out: b.Shape(xs[0]), Mix: &info})
}
