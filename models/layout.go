package models

import "fmt"

// The edge layout of a cell with n intermediate nodes: node i reads states
// 0..i+1 (s0, s1, then the earlier nodes), and its edges are rows
// NodeRows(i) of the cell's alpha, in input order.

// EdgeRows is the number of edges of a cell with steps intermediate nodes.
func EdgeRows(steps int) int { return steps * (steps + 3) / 2 }

// NodeRows returns the first row and the number of rows of node i.
func NodeRows(i int) (start, n int) { return i * (i + 3) / 2, i + 2 }

// RowEdge returns the node a row feeds and the state it reads.
func RowEdge(row int) (node, from int) {
	for node = 0; row >= node+2; node++ {
		row -= node + 2
	}
	return node, row
}

// StateName names a cell state: s0, s1, or node i.
func StateName(s int) string {
	if s < 2 {
		return fmt.Sprintf("s%d", s)
	}
	return fmt.Sprintf("node %d", s-2)
}
