package model

import (
	"fmt"

	"gonas/engine/nn"
	"gonas/internal/spec"
)

// Search supernets (package search) contain spec.Mix nodes: an edge's
// candidate ops, or the edges into a node, whose combination the search
// strategy decides at run time. New accepts them; ForwardMixed runs them.

// Mixer decides what the Mix nodes of a supernet do during one forward pass.
// ForwardMixed first asks Active of every Mix node that the output depends
// on (from the output backwards, so a node left out by a later Mix is never
// asked about), then runs exactly the nodes the active inputs need, and
// calls Mix for each Mix node with the values of its active inputs.
type Mixer interface {
	// Active returns the inputs of Mix node nd that are evaluated, as
	// indices into nd.Inputs in increasing order; nil means all of them.
	// Everything only the other inputs need is skipped: it costs neither
	// compute nor memory (single-path methods such as GDAS run one op per
	// edge, ROME two edges per node).
	Active(nd *spec.Node) []int
	// Mix combines ins, the values of the active inputs (ins[k] is input
	// active[k]; active is nil only when all are active), into the node's
	// value, of the node's shape. The inputs stay owned by the runner; a
	// returned input is copied.
	Mix(ctx *nn.Ctx, nd *spec.Node, active []int, ins []*nn.Tensor) (*nn.Tensor, error)
}

// ForwardMixed runs the network on x [N, C, H, W] with mixer deciding every
// Mix node, and returns the logits (the auxiliary head, if any, is not run).
// Like Forward, it releases every activation after its last consumer and
// the logits are the caller's. A network without Mix nodes gives what
// Forward gives.
func (m *Model) ForwardMixed(ctx *nn.Ctx, x *nn.Tensor, mixer Mixer) (logits *nn.Tensor, err error) {
	if ctx == nil {
		return nil, fmt.Errorf("forward: no context")
	}
	if mixer == nil {
		return nil, fmt.Errorf("forward: no mixer for the network's mix nodes")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("forward: pending error: %w", err)
	}
	if err := m.checkInput(x); err != nil {
		return nil, err
	}
	active, uses, err := m.planMixed(mixer)
	if err != nil {
		return nil, err
	}
	vals := make([]*nn.Tensor, len(m.Net.Nodes))
	cur := -1
	defer func() {
		if r := recover(); r != nil {
			logits, err = nil, fmt.Errorf("forward: internal error: %v", r)
			if cur >= 0 {
				nd := &m.Net.Nodes[cur]
				err = fmt.Errorf("forward: node %d %q (%s): internal error: %v", nd.ID, nd.Name, nd.Kind, r)
			}
		}
	}()
	release := func(in int) {
		if uses[in]--; uses[in] == 0 {
			if vals[in] != x { // the input is the caller's
				ctx.Release(vals[in])
			}
			vals[in] = nil
		}
	}
	for id := range m.Net.Nodes {
		if uses[id] == 0 {
			continue
		}
		cur = id
		nd := &m.Net.Nodes[id]
		var y *nn.Tensor
		if nd.Kind == spec.Mix {
			y, err = m.runMix(ctx, nd, mixer, active[id], vals, x)
		} else if src, ok := m.fused[id]; ok {
			y = m.conv(ctx, nd, vals[src], foldedConv{}, true)
		} else {
			y, err = m.run(ctx, nd, m.inputsOf(nd), vals, x)
		}
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			err = checkShape(nd, y, x.Shape[0])
		}
		if err != nil {
			return nil, fmt.Errorf("forward: node %d %q (%s): %w", nd.ID, nd.Name, nd.Kind, err)
		}
		vals[id] = y
		if nd.Kind == spec.Mix {
			for _, k := range activeOrAll(active[id], len(nd.Inputs)) {
				release(m.same[nd.Inputs[k]])
			}
		} else {
			for _, in := range m.inputsOf(nd) {
				release(in)
			}
		}
	}
	return vals[m.same[m.Net.Output]], nil
}

// checkInput validates the input batch against the spec's input shape.
func (m *Model) checkInput(x *nn.Tensor) error {
	in := m.Net.Input
	if x == nil || len(x.Shape) != 4 || x.Shape[0] <= 0 || x.Shape[1] != in.C || x.Shape[2] != in.H || x.Shape[3] != in.W {
		var got []int
		if x != nil {
			got = x.Shape
		}
		return fmt.Errorf("forward: input shape %v, network wants [N %d %d %d]", got, in.C, in.H, in.W)
	}
	if len(x.Data) != x.Numel() {
		return fmt.Errorf("forward: input has %d values for shape %v", len(x.Data), x.Shape)
	}
	return nil
}

// planMixed asks the mixer which inputs of each needed Mix node are active
// and counts how many times each needed node's value is consumed (the
// output once more); nodes with no uses are not run.
func (m *Model) planMixed(mixer Mixer) (active [][]int, uses []int, err error) {
	nodes := m.Net.Nodes
	active = make([][]int, len(nodes))
	uses = make([]int, len(nodes))
	uses[m.same[m.Net.Output]] = 1
	for id := len(nodes) - 1; id >= 0; id-- {
		if uses[id] == 0 {
			continue
		}
		nd := &nodes[id]
		if nd.Kind != spec.Mix {
			for _, in := range m.inputsOf(nd) {
				uses[in]++
			}
			continue
		}
		act := mixer.Active(nd)
		if err := checkActive(act, len(nd.Inputs)); err != nil {
			return nil, nil, fmt.Errorf("forward: mix node %d %q: %w", nd.ID, nd.Name, err)
		}
		active[id] = act
		for _, k := range activeOrAll(act, len(nd.Inputs)) {
			uses[m.same[nd.Inputs[k]]]++
		}
	}
	return active, uses, nil
}

func checkActive(act []int, n int) error {
	if act == nil {
		return nil
	}
	if len(act) == 0 {
		return fmt.Errorf("no active input (nil means all)")
	}
	for i, k := range act {
		if k < 0 || k >= n || i > 0 && k <= act[i-1] {
			return fmt.Errorf("active inputs %v are not increasing indices into %d inputs", act, n)
		}
	}
	return nil
}

// activeOrAll is act, or 0..n-1 when act is nil.
func activeOrAll(act []int, n int) []int {
	if act != nil {
		return act
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	return all
}

// runMix calls the mixer on the active inputs' values.
func (m *Model) runMix(ctx *nn.Ctx, nd *spec.Node, mixer Mixer, act []int, vals []*nn.Tensor, x *nn.Tensor) (*nn.Tensor, error) {
	ins := make([]*nn.Tensor, 0, len(nd.Inputs))
	for _, k := range activeOrAll(act, len(nd.Inputs)) {
		ins = append(ins, vals[m.same[nd.Inputs[k]]])
	}
	y, err := mixer.Mix(ctx, nd, act, ins)
	if err != nil {
		return nil, err
	}
	if y == nil {
		return nil, fmt.Errorf("the mixer returned no value")
	}
	for _, in := range ins {
		if y == in {
			// The runner releases its inputs; give the node its own copy.
			return nn.Scale(ctx, y, 1), nil
		}
	}
	if y == x {
		return nn.Scale(ctx, y, 1), nil
	}
	return y, nil
}

// inputsOf is the merged nodes that nd reads (a convolution with a fused
// ReLU, the ReLU's input).
func (m *Model) inputsOf(nd *spec.Node) []int { return readInputs(nd, m.same, m.fused) }
