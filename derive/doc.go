// Package derive compiles a genotype and a macro configuration into a
// network spec (spec.Net), counts its parameters, multiply-adds and FLOPs
// by the rules the papers use, and draws cells as Graphviz DOT and SVG.
//
// The networks follow the reference PyTorch code exactly (docs/papers.md §1.3,
// §1.4): NetworkCIFAR (stem conv3x3 to 3C, reductions at L/3 and 2L/3,
// global average pool, linear) and NetworkImageNet (two stride-2 stems,
// a stride-2 stem1, the first cell reducing its s0 with FactorizedReduce).
// Each op comes from the op set's table (models.OpSet), so node and
// parameter names are the reference state_dict keys: stem.0.weight,
// cells.3.preprocess0.op.1.weight, cells.3._ops.2.op.5.weight,
// classifier.weight, auxiliary_head.features.2.weight. A drop-path node
// follows every op output that is not an identity; nodes are summed as
// cells.I.nodes.J and concatenated as cells.I.concat.
//
// Counting (count.go) follows docs/papers.md §6.5 and §7; its comment records
// which published figures each rule reproduces.
package derive
