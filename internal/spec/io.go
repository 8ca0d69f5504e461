package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

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
		row, err := Info(nd.Kind)
		if err != nil || nd.Kind == Input {
			return fmt.Errorf("%s: unknown or misplaced kind %q", where, nd.Kind)
		}
		if err := row.CheckInputs(len(nd.Inputs)); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		for _, in := range nd.Inputs {
			if in < 0 || in >= i {
				return fmt.Errorf("%s: input %d is not an earlier node (nodes must be in topological order)", where, in)
			}
		}
		b.SetAux(nd.Aux)
		if got := row.replay(b, nd); got != i {
			if b.err != nil {
				return fmt.Errorf("%s: %w", where, b.err)
			}
			return fmt.Errorf("%s: could not be rebuilt", where)
		}
		re := &b.net.Nodes[i]
		if re.Out != nd.Out {
			return fmt.Errorf("%s: recorded shape %v, but its inputs and attributes give %v", where, nd.Out, re.Out)
		}
		if !SameParams(re.Params, nd.Params) {
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
