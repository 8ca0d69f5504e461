package model

import (
	"fmt"
	"sort"

	"gonas/internal/host"
	"gonas/internal/spec"
	"gonas/internal/units"
)

// Estimate is the memory one training step of a network needs, worked out
// from its spec before anything is allocated.
type Estimate struct {
	Weights     int64 // learned parameters, their gradients and the optimizer's state per parameter
	Buffers     int64 // batch-norm running statistics
	Activations int64 // the batch's activations that the forward pass keeps for backward
}

// Total is the whole estimate in bytes.
func (e Estimate) Total() int64 {
	return spec.AddSat(spec.AddSat(e.Weights, e.Buffers), e.Activations)
}

// String names the parts: "2.3 GB (weights, gradients and optimizer state
// 120.0 MB, activations 2.2 GB)".
func (e Estimate) String() string {
	return fmt.Sprintf("%s (weights, gradients and optimizer state %s, activations of the batch %s)",
		units.Bytes(e.Total()), units.Bytes(spec.AddSat(e.Weights, e.Buffers)), units.Bytes(e.Activations))
}

// EstimateTraining estimates a training step of net on batch images, with
// slots optimizer values per learned parameter (SGD with momentum: 1; Adam:
// 2). Every node's output is counted as kept for backward, as the tape
// keeps it, but for the nodes the engine does not run: repeats of an
// earlier node, and ReLUs fused into the convolutions they feed. In a search supernet, at most active(nd) inputs of a Mix node
// run (0: all of them): its inputs' exclusive branches are counted for the
// most expensive ones only, so that single-path methods (one op per edge,
// two edges per node) are not charged for what they never run.
func EstimateTraining(net *spec.Net, batch, slots int, active func(nd *spec.Node) int) Estimate {
	var e Estimate
	perParam := int64(4 * (2 + slots))
	for i := range net.Nodes {
		for _, p := range net.Nodes[i].Params {
			if p.Buffer {
				e.Buffers = spec.AddSat(e.Buffers, spec.MulSat(4, p.Numel()))
			} else {
				e.Weights = spec.AddSat(e.Weights, spec.MulSat(perParam, p.Numel()))
			}
		}
	}
	same := mergeMap(net, true)
	a := activations{net: net, batch: int64(batch), active: active, uses: make([]int, len(net.Nodes)),
		same: same, fused: fuseReLUs(net, same)}
	runs := make([]bool, len(net.Nodes))
	for id := range net.Nodes {
		if a.same[id] != id {
			continue // merged: the engine runs it once, as the node it repeats
		}
		runs[id] = true
		for _, in := range a.inputs(id) {
			a.uses[in]++
		}
	}
	for c := range a.fused {
		runs[a.same[net.Nodes[c].Inputs[0]]] = false // the fused ReLU
	}
	// Every node with other than one consumer roots the branch of nodes
	// that only it consumes; together the branches cover the graph once.
	for id := range net.Nodes {
		if runs[id] && a.uses[id] != 1 {
			e.Activations = spec.AddSat(e.Activations, a.branch(id))
		}
	}
	return e
}

type activations struct {
	net    *spec.Net
	batch  int64
	active func(nd *spec.Node) int
	uses   []int
	same   []int       // merged nodes (plan.go)
	fused  map[int]int // convolutions with a fused ReLU, and the node each reads
}

// inputs is the nodes that node id reads as the engine runs it.
func (a *activations) inputs(id int) []int { return readInputs(&a.net.Nodes[id], a.same, a.fused) }

// branch is the bytes of node id and of the inputs only it consumes.
func (a *activations) branch(id int) int64 {
	nd := &a.net.Nodes[id]
	own := spec.MulSat(4, a.batch, nd.Out.Numel())
	if id == 0 {
		return 0 // the input batch is the caller's
	}
	var parts []int64
	for _, in := range a.inputs(id) {
		if a.uses[in] == 1 {
			parts = append(parts, a.branch(in))
		}
	}
	if nd.Kind == spec.Mix && a.active != nil {
		if k := a.active(nd); k > 0 && k < len(parts) {
			sort.Slice(parts, func(i, j int) bool { return parts[i] > parts[j] })
			parts = parts[:k]
		}
	}
	for _, p := range parts {
		own = spec.AddSat(own, p)
	}
	return own
}

// CheckMemory refuses a training step whose estimate exceeds limit bytes:
// this machine's memory when limit is 0, no limit when it is negative.
// The estimate is an upper bound (the engine frees some activations
// early; measured peaks are 0.3-0.9 of it), so the error says how to
// raise the limit as well as how to shrink the network.
func CheckMemory(e Estimate, limit int64, what string) error {
	src := "the --max-memory"
	if limit == 0 {
		limit, src = host.Memory(), "this machine's"
	}
	if limit > 0 && e.Total() > limit {
		return fmt.Errorf("%s needs an estimated %s, more than %s %s of memory; use fewer cells, fewer channels or a smaller batch (or a larger --max-memory if the estimate is too cautious)",
			what, e, src, units.Bytes(limit))
	}
	return nil
}

// checkParamMemory refuses to allocate parameters that alone exceed this
// machine's memory (whatever the caller checked before).
func checkParamMemory(net *spec.Net) error {
	var n int64
	for _, p := range net.Params() {
		n = spec.AddSat(n, spec.MulSat(4, p.Numel()))
	}
	if limit := host.Memory(); limit > 0 && n > limit {
		return fmt.Errorf("the network's parameters take %s, more than this machine's %s of memory", units.Bytes(n), units.Bytes(limit))
	}
	return nil
}
