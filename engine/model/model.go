package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonas/engine/nn"
	"gonas/internal/spec"
)

// Model is a network spec with its parameters.
type Model struct {
	Net    *spec.Net
	Params *nn.Params

	params   [][]*nn.Tensor // per node, in the node's spec order
	dropPath float64
	same     []int       // merged nodes, for ForwardMixed (mergeMap)
	fused    map[int]int // for ForwardMixed: convolutions with a fused ReLU, and the node each reads (fuseReLUs)
	plans    [4]plan     // training: [0] without, [1] with the auxiliary head; evaluation: [2], [3] without gradients (batch norms folded); all merged
}

// New checks net and creates its parameters, initialised as PyTorch does by
// default from a generator seeded with seed: conv and linear weights
// kaiming_uniform(a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), biases
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)); batch-norm weight 1, bias 0, running
// mean 0 and running variance 1.
func New(net *spec.Net, seed uint64) (*Model, error) {
	if net == nil {
		return nil, fmt.Errorf("model: no network")
	}
	if err := check(net); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	if err := checkParamMemory(net); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	m := &Model{Net: net, Params: nn.NewParams(), params: make([][]*nn.Tensor, len(net.Nodes))}
	r := rand.New(rand.NewPCG(seed, 0x6d6f64656c))
	for i := range net.Nodes {
		nd := &net.Nodes[i]
		for _, p := range nd.Params {
			t, err := initParam(r, nd, p)
			if err != nil {
				return nil, fmt.Errorf("model: node %d %q: %w", nd.ID, nd.Name, err)
			}
			if err := m.Params.Add(p.Name, t, p.Buffer); err != nil {
				return nil, fmt.Errorf("model: node %d %q: %w", nd.ID, nd.Name, err)
			}
			m.params[i] = append(m.params[i], t)
		}
	}
	m.same = mergeMap(net, true)
	m.fused = fuseReLUs(net, m.same)
	m.plans[0] = makePlan(net, false, true)
	m.plans[1] = makePlan(net, net.AuxOut != 0, true)
	m.plans[2] = makePlan(net, false, true)
	m.plans[3] = makePlanWith(net, planOpts{merge: true, fold: true, fuse: true})
	return m, nil
}

// SetDropPath sets the drop-path probability applied by the network's
// drop-path nodes in training mode.
func (m *Model) SetDropPath(p float64) { m.dropPath = p }

// DropPath is the current drop-path probability.
func (m *Model) DropPath() float64 { return m.dropPath }

// check validates the graph: ids in order, inputs earlier, known kinds,
// parameter names and shapes as each kind needs.
func check(net *spec.Net) error {
	if len(net.Nodes) == 0 || net.Nodes[0].Kind != spec.Input {
		return fmt.Errorf("network must start with its input node")
	}
	for i := range net.Nodes {
		nd := &net.Nodes[i]
		if nd.ID != i {
			return fmt.Errorf("node %d %q has id %d", i, nd.Name, nd.ID)
		}
		if nd.Kind == spec.Input && i != 0 {
			return fmt.Errorf("node %d %q: a second input node", i, nd.Name)
		}
		for _, in := range nd.Inputs {
			if in < 0 || in >= i {
				return fmt.Errorf("node %d %q (%s): input %d is not an earlier node", i, nd.Name, nd.Kind, in)
			}
		}
		if err := checkNode(net, nd); err != nil {
			return fmt.Errorf("node %d %q (%s): %w", i, nd.Name, nd.Kind, err)
		}
	}
	if net.Output <= 0 || net.Output >= len(net.Nodes) {
		return fmt.Errorf("output node %d out of range", net.Output)
	}
	if net.AuxOut < 0 || net.AuxOut >= len(net.Nodes) {
		return fmt.Errorf("auxiliary output node %d out of range", net.AuxOut)
	}
	return nil
}

// checkNode checks nd against its row of the kind table: a known kind, a
// suitable number of inputs, and exactly the parameters the table declares
// for its input shape.
func checkNode(net *spec.Net, nd *spec.Node) error {
	row, err := spec.Info(nd.Kind)
	if err != nil {
		return err
	}
	if err := row.CheckInputs(len(nd.Inputs)); err != nil {
		return err
	}
	if _, ok := forwards[nd.Kind]; !ok && nd.Kind != spec.Input {
		return fmt.Errorf("the engine cannot run kind %q", nd.Kind)
	}
	var in spec.Shape
	if len(nd.Inputs) > 0 {
		in = net.Nodes[nd.Inputs[0]].Out
	}
	want, err := spec.ParamsOf(nd, in)
	if err != nil {
		return err
	}
	if !spec.SameParams(nd.Params, want) {
		return fmt.Errorf("parameters %s, want %s", paramNames(nd.Params), paramNames(want))
	}
	return nil
}

func paramNames(ps []spec.Param) string {
	if len(ps) == 0 {
		return "none"
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = fmt.Sprintf("%s%v", p.Name, p.Shape)
	}
	return strings.Join(names, ", ")
}

func initParam(r *rand.Rand, nd *spec.Node, p spec.Param) (*nn.Tensor, error) {
	t := nn.NewTensor(p.Shape...)
	switch spec.Role(nd, p) {
	case spec.RoleWeight:
		if nd.Kind == spec.BN {
			fill(t, 1)
			return t, nil
		}
		uniform(r, t, 1/math.Sqrt(float64(fanIn(nd))))
	case spec.RoleBias:
		if nd.Kind == spec.BN {
			return t, nil
		}
		uniform(r, t, 1/math.Sqrt(float64(fanIn(nd))))
	case spec.RoleRunningMean:
	case spec.RoleRunningVar:
		fill(t, 1)
	default:
		return nil, fmt.Errorf("unknown parameter %q", p.Name)
	}
	return t, nil
}

// fanIn is the weight's fan-in: every dimension but the first.
func fanIn(nd *spec.Node) int {
	n := 1
	for _, d := range nd.Params[0].Shape[1:] {
		n *= d
	}
	return max(n, 1)
}

func uniform(r *rand.Rand, t *nn.Tensor, bound float64) {
	for i := range t.Data {
		t.Data[i] = float32((2*r.Float64() - 1) * bound)
	}
}

func fill(t *nn.Tensor, v float32) {
	for i := range t.Data {
		t.Data[i] = v
	}
}
