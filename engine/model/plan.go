package model

import (
	"encoding/json"

	"gonas/internal/spec"
)

// plan is the nodes to run for one set of outputs, in order, the node each
// one reads for each of its inputs, and how many times each node's value
// is consumed (outputs count once more).
type plan struct {
	order  []int
	inputs [][]int // inputs[id]: the nodes whose values node id reads
	uses   []int
	output int         // the node whose value is the logits
	aux    int         // the auxiliary logits' node, 0 if not planned
	fold   map[int]int // inference: the batch norm folded into each convolution (fold.go)
}

// makePlan keeps the nodes the outputs depend on and counts their uses.
// With merge, a parameter-free node that repeats an earlier one (same
// kind, attributes and inputs, as when several ops of a cell apply ReLU or
// max-pool to the same state) is not run again: its consumers read the
// earlier node, whose value is the same bit for bit, and in training the
// gradients of all its consumers meet there. The forward pass keeps one
// copy instead of several (DARTS_V2's training step peaks 18% lower).
func makePlan(net *spec.Net, aux, merge bool) plan {
	return makePlanFold(net, aux, merge, false)
}

// makePlanFold is makePlan that, with fold, also folds batch norms into
// the convolutions feeding them (inference without gradients).
func makePlanFold(net *spec.Net, aux, merge, fold bool) plan {
	n := len(net.Nodes)
	same := mergeMap(net, merge)
	var folds map[int]int
	if fold {
		folds = foldPairs(net, same)
	}
	p := plan{inputs: make([][]int, n), uses: make([]int, n), output: same[net.Output], fold: folds}
	need := make([]bool, n)
	need[p.output] = true
	if aux {
		p.aux = same[net.AuxOut]
		need[p.aux] = true
	}
	for id := n - 1; id >= 0; id-- {
		if !need[id] {
			continue
		}
		ins := make([]int, len(net.Nodes[id].Inputs))
		for k, in := range net.Nodes[id].Inputs {
			ins[k] = same[in]
			need[ins[k]] = true
		}
		p.inputs[id] = ins
	}
	for id, ok := range need {
		if !ok {
			continue
		}
		p.order = append(p.order, id)
		for _, in := range p.inputs[id] {
			p.uses[in]++
		}
	}
	p.uses[p.output]++
	if aux {
		p.uses[p.aux]++
	}
	return p
}

// mergeMap is, for each node, the node whose value stands for its own:
// itself, or (with merge) the first earlier parameter-free node computing
// the same thing. Mix nodes are never merged (their mixers tell them apart).
func mergeMap(net *spec.Net, merge bool) []int {
	same := make([]int, len(net.Nodes))
	seen := map[string]int{}
	for id := range net.Nodes {
		same[id] = id
		nd := &net.Nodes[id]
		if !merge || id == 0 || len(nd.Params) > 0 || nd.Kind == spec.Mix {
			continue
		}
		key := nodeKey(nd, same)
		if first, ok := seen[key]; ok {
			same[id] = first
		} else {
			seen[key] = id
		}
	}
	return same
}

// nodeKey identifies what a parameter-free node computes: its kind and
// attributes (everything but its id, name and auxiliary mark) and the
// merged nodes it reads.
func nodeKey(nd *spec.Node, same []int) string {
	c := *nd
	c.ID, c.Name, c.Aux = 0, "", false
	c.Inputs = make([]int, len(nd.Inputs))
	for k, in := range nd.Inputs {
		c.Inputs[k] = same[in]
	}
	b, _ := json.Marshal(&c)
	return string(b)
}
