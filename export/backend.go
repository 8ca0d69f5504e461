package export

import (
	"sort"

	onnx "github.com/owulveryck/onnx-go"
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gorgonia.org/tensor"
)

// decoded is the graph onnx-go builds through its Backend interface: a node
// per ONNX value (graph input, initializer or operator output), weighted
// edges from an operator's output to its inputs (the weight is the input's
// position) and the operations in graph order.
//
// It keeps its own edge lists instead of a gonum simple graph because an
// operator may read the same value twice (Add(x, x)): a simple graph holds
// one edge per pair of nodes and would lose the second input.
type decoded struct {
	next  int64
	nodes map[int64]*valueNode
	order []*valueNode
	ops   []appliedOp
}

var _ onnx.Backend = (*decoded)(nil)

// valueNode is one ONNX value.
type valueNode struct {
	id     int64
	name   string
	t      tensor.Tensor
	inputs map[int]int64 // input position -> value id, for operator outputs
}

// appliedOp is one operator onnx-go applied, with its output values.
type appliedOp struct {
	op      onnx.Operation
	outputs []*valueNode
}

func newDecoded() *decoded { return &decoded{nodes: map[int64]*valueNode{}} }

func (n *valueNode) ID() int64                       { return n.id }
func (n *valueNode) SetName(s string)                { n.name = s }
func (n *valueNode) GetName() string                 { return n.name }
func (n *valueNode) SetTensor(t tensor.Tensor) error { n.t = t; return nil }
func (n *valueNode) GetTensor() tensor.Tensor        { return n.t }

// in returns the value ids read by the operator producing n, in order; ok
// is false if a position is missing.
func (n *valueNode) in() ([]int64, bool) {
	ids := make([]int64, len(n.inputs))
	for pos, id := range n.inputs {
		if pos < 0 || pos >= len(ids) {
			return nil, false
		}
		ids[pos] = id
	}
	return ids, true
}

// edge is a weighted edge from an operator's output to one of its inputs.
type edge struct {
	from, to graph.Node
	w        float64
}

func (e edge) From() graph.Node         { return e.from }
func (e edge) To() graph.Node           { return e.to }
func (e edge) ReversedEdge() graph.Edge { return edge{e.to, e.from, e.w} }
func (e edge) Weight() float64          { return e.w }

// NewNode returns a node with a fresh id.
func (g *decoded) NewNode() graph.Node {
	g.next++
	return &valueNode{id: g.next - 1, inputs: map[int]int64{}}
}

// AddNode adds a node made by NewNode.
func (g *decoded) AddNode(n graph.Node) {
	v, ok := n.(*valueNode)
	if !ok {
		return
	}
	if _, dup := g.nodes[v.id]; dup {
		return
	}
	g.nodes[v.id] = v
	g.order = append(g.order, v)
}

// NewWeightedEdge returns an edge.
func (g *decoded) NewWeightedEdge(from, to graph.Node, w float64) graph.WeightedEdge {
	return edge{from, to, w}
}

// SetWeightedEdge records that the value from is computed from the value to
// at input position w.
func (g *decoded) SetWeightedEdge(e graph.WeightedEdge) {
	from, ok := g.nodes[e.From().ID()]
	if !ok {
		return
	}
	from.inputs[int(e.Weight())] = e.To().ID()
}

// ApplyOperation records an operator and its outputs.
func (g *decoded) ApplyOperation(op onnx.Operation, outs ...graph.Node) error {
	a := appliedOp{op: op}
	for _, o := range outs {
		if v, ok := g.nodes[o.ID()]; ok {
			a.outputs = append(a.outputs, v)
		}
	}
	g.ops = append(g.ops, a)
	return nil
}

// The read side of graph.Directed, over the same edges.

func (g *decoded) Node(id int64) graph.Node {
	if n, ok := g.nodes[id]; ok {
		return n
	}
	return nil
}

func (g *decoded) Nodes() graph.Nodes {
	ns := make([]graph.Node, len(g.order))
	for i, n := range g.order {
		ns[i] = n
	}
	return iterator.NewOrderedNodes(ns)
}

func (g *decoded) From(id int64) graph.Nodes {
	n, ok := g.nodes[id]
	if !ok {
		return graph.Empty
	}
	seen := map[int64]bool{}
	var ns []graph.Node
	for _, pos := range sortedKeys(n.inputs) {
		to := n.inputs[pos]
		if !seen[to] {
			seen[to] = true
			ns = append(ns, g.nodes[to])
		}
	}
	return iterator.NewOrderedNodes(ns)
}

func (g *decoded) To(id int64) graph.Nodes {
	var ns []graph.Node
	for _, n := range g.order {
		if g.HasEdgeFromTo(n.id, id) {
			ns = append(ns, n)
		}
	}
	return iterator.NewOrderedNodes(ns)
}

func (g *decoded) HasEdgeBetween(x, y int64) bool {
	return g.HasEdgeFromTo(x, y) || g.HasEdgeFromTo(y, x)
}

func (g *decoded) HasEdgeFromTo(u, v int64) bool {
	n, ok := g.nodes[u]
	if !ok {
		return false
	}
	for _, to := range n.inputs {
		if to == v {
			return true
		}
	}
	return false
}

func (g *decoded) Edge(u, v int64) graph.Edge {
	n, ok := g.nodes[u]
	if !ok {
		return nil
	}
	for _, pos := range sortedKeys(n.inputs) {
		if n.inputs[pos] == v {
			return edge{n, g.nodes[v], float64(pos)}
		}
	}
	return nil
}

func sortedKeys(m map[int]int64) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}
