package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"

	"gonas/internal/atomicfile"
)

// Write stores net at path as indented JSON (a .net.json file). The file is
// written to a temporary file in the same directory, synced and renamed,
// so a crash never leaves a half-written spec.
func Write(path string, net *Net) error {
	data, err := Marshal(net)
	if err != nil {
		return fmt.Errorf("write spec %s: %w", path, err)
	}
	if err := atomicfile.Write(path, data); err != nil {
		return fmt.Errorf("write spec %s: %w", path, err)
	}
	return nil
}

// Marshal encodes net as Write stores it (indented JSON and a newline).
func Marshal(net *Net) ([]byte, error) {
	if net == nil {
		return nil, errors.New("nil network")
	}
	data, err := json.MarshalIndent(net, "", " ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Read loads a spec written by Write and validates it. Errors name the file
// and, for a bad node, the node.
func Read(path string) (*Net, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	net, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("read spec %s: %w", path, err)
	}
	return net, nil
}

// Decode parses and validates a spec from JSON.
func Decode(data []byte) (*Net, error) {
	var net Net
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&net); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("not a network spec: invalid JSON at byte %d: %w", se.Offset, err)
		}
		return nil, fmt.Errorf("not a network spec: %w", err)
	}
	if dec.More() {
		return nil, errors.New("not a network spec: trailing data after the JSON object")
	}
	if err := net.Validate(); err != nil {
		return nil, err
	}
	return &net, nil
}

// arity is the number of inputs of each kind; -1 means at least one, -2 at
// least two.
var arity = map[Kind]int{
	Input: 0, Conv: 1, BN: 1, ReLU: 1, MaxPool: 1, AvgPool: 1, GAP: 1, Linear: 1,
	Add: -2, Concat: -1, Zero: 1, Pad: 1, DropPath: 1, Shuffle: 1, Slice: 1, Mix: -1,
}

// Validate checks that n is a well-formed network: node ids equal their
// index, nodes are in topological order, names are unique, every kind has
// the right number of inputs, and every node's shape and parameters are
// what the Builder's rules give for its inputs and attributes (the graph is
// replayed through a Builder).
func (n *Net) Validate() error {
	if len(n.Nodes) < 2 {
		return fmt.Errorf("not a network spec: %d nodes (want an input and at least one op)", len(n.Nodes))
	}
	if in := n.Nodes[0]; in.Kind != Input || in.Out != n.Input {
		return fmt.Errorf("node 0 must be the input of shape %v, got %s of shape %v", n.Input, in.Kind, in.Out)
	}
	b := NewBuilder(n.Input)
	if b.err != nil {
		return b.err
	}
	names := make(map[string]int, len(n.Nodes))
	for i := range n.Nodes {
		nd := &n.Nodes[i]
		where := fmt.Sprintf("node %d (%s)", i, nd.Name)
		if nd.ID != i {
			return fmt.Errorf("%s: id %d, want its position %d", where, nd.ID, i)
		}
		if j, dup := names[nd.Name]; dup {
			return fmt.Errorf("%s: name already used by node %d", where, j)
		}
		names[nd.Name] = i
		if i == 0 {
			continue
		}
		want, ok := arity[nd.Kind]
		switch {
		case !ok || nd.Kind == Input:
			return fmt.Errorf("%s: unknown or misplaced kind %q", where, nd.Kind)
		case want >= 0 && len(nd.Inputs) != want,
			want == -1 && len(nd.Inputs) < 1,
			want == -2 && len(nd.Inputs) < 2:
			return fmt.Errorf("%s: %s with %d inputs", where, nd.Kind, len(nd.Inputs))
		}
		for _, in := range nd.Inputs {
			if in < 0 || in >= i {
				return fmt.Errorf("%s: input %d is not an earlier node (nodes must be in topological order)", where, in)
			}
		}
		b.SetAux(nd.Aux)
		if got := replay(b, nd); got != i {
			if b.err != nil {
				return fmt.Errorf("%s: %w", where, b.err)
			}
			return fmt.Errorf("%s: could not be rebuilt", where)
		}
		re := &b.net.Nodes[i]
		if re.Out != nd.Out {
			return fmt.Errorf("%s: recorded shape %v, but its inputs and attributes give %v", where, nd.Out, re.Out)
		}
		if !slices.EqualFunc(re.Params, nd.Params, func(a, c Param) bool {
			return a.Name == c.Name && a.Buffer == c.Buffer && slices.Equal(a.Shape, c.Shape)
		}) {
			return fmt.Errorf("%s: parameters %s, but its inputs and attributes give %s", where, paramList(nd.Params), paramList(re.Params))
		}
	}
	if n.Output <= 0 || n.Output >= len(n.Nodes) {
		return fmt.Errorf("output node %d does not exist", n.Output)
	}
	if out := n.Nodes[n.Output]; out.Out.Numel() != int64(n.Classes) || out.Aux {
		return fmt.Errorf("output node %d (%s) has shape %v, want %d classes outside the auxiliary head", n.Output, out.Name, out.Out, n.Classes)
	}
	if n.AuxOut != 0 {
		if n.AuxOut < 0 || n.AuxOut >= len(n.Nodes) || !n.Nodes[n.AuxOut].Aux {
			return fmt.Errorf("auxiliary output node %d is not a node of the auxiliary head", n.AuxOut)
		}
		if out := n.Nodes[n.AuxOut]; out.Out.Numel() != int64(n.Classes) {
			return fmt.Errorf("auxiliary output node %d (%s) has shape %v, want %d classes", n.AuxOut, out.Name, out.Out, n.Classes)
		}
	}
	return nil
}

// replay adds nd to b through the Builder method of its kind, with nd's
// own inputs (ids are preserved because every call adds exactly one node).
func replay(b *Builder, nd *Node) int {
	x := nd.Inputs[0]
	switch nd.Kind {
	case Conv:
		return b.Conv(nd.Name, x, ConvOpts{Out: nd.Out.C, KH: nd.KH, KW: nd.KW, SH: nd.SH, SW: nd.SW,
			DH: nd.DH, DW: nd.DW, Pad: nd.Pad, Groups: nd.Groups, Bias: nd.Bias})
	case BN:
		return b.BNWith(nd.Name, x, nd.Affine, BNOpts{Eps: nd.Eps, Momentum: nd.Momentum})
	case ReLU:
		return b.ReLU(nd.Name, x)
	case MaxPool, AvgPool:
		p := nd.Pad
		if nd.KH != nd.KW || nd.SH != nd.SW || p.T != p.L || p.T != p.B || p.T != p.R || nd.KH <= 0 || nd.SH <= 0 {
			return b.Failf("%s: pools must be square with uniform padding, got kernel %dx%d stride %dx%d pad %+v",
				nd.Name, nd.KH, nd.KW, nd.SH, nd.SW, p)
		}
		return b.Pool(nd.Name, nd.Kind, x, nd.KH, nd.SH, p.T, nd.CountPad)
	case GAP:
		return b.GAP(nd.Name, x)
	case Linear:
		return b.Linear(nd.Name, x, nd.Out.C)
	case Add:
		return b.Add(nd.Name, nd.Inputs...)
	case Concat:
		return b.Concat(nd.Name, nd.Inputs...)
	case Zero:
		return b.Zero(nd.Name, x, nd.Stride)
	case Pad:
		return b.Pad(nd.Name, x, nd.Pad)
	case DropPath:
		return b.DropPath(nd.Name, x)
	case Shuffle:
		return b.Shuffle(nd.Name, x, nd.Groups)
	case Slice:
		return b.Slice(nd.Name, x, nd.Start, nd.Out.C)
	case Mix:
		if nd.Mix == nil {
			return b.Failf("%s: mix node without its mix description", nd.Name)
		}
		return b.Mix(nd.Name, *nd.Mix, nd.Inputs...)
	}
	return b.Failf("%s: unknown kind %q", nd.Name, nd.Kind)
}

func paramList(ps []Param) string {
	if len(ps) == 0 {
		return "none"
	}
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s%v", p.Name, p.Shape)
	}
	return s
}
