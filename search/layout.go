package search

import "gonas/models"

// Edge layout of a cell (docs/papers.md §1.3): intermediate node i reads every
// earlier state (s0, s1 and nodes 0..i-1), so it has 2+i incoming edges,
// and the edges are numbered node by node, in input order: node 0 has rows
// 0-1, node 1 rows 2-4, node 2 rows 5-8, node 3 rows 9-13 with 4 steps.
// The layout lives in models (genotypes and spaces use it too).

// Rows is the number of edges (rows of alpha) of a cell with steps nodes.
func Rows(steps int) int { return models.EdgeRows(steps) }

// NodeRows returns the first row and the number of rows of node i.
func NodeRows(i int) (start, n int) { return models.NodeRows(i) }

// RowEdge returns the node a row feeds and the state it reads.
func RowEdge(row int) (node, from int) { return models.RowEdge(row) }

// reductionAt reports whether cell i of a layers-cell network is a
// reduction cell: cells layers/3 and 2*layers/3, as in the reference.
func reductionAt(i, layers int) bool { return i == layers/3 || i == 2*layers/3 }
