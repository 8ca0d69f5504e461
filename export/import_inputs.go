package export

import (
	"fmt"
	"slices"
)

// The importer's accessors of an ONNX operator's inputs.

func (imp *importer) value(ins []int64, i int) (*val, error) {
	if i >= len(ins) {
		return nil, fmt.Errorf("missing input %d", i)
	}
	v, ok := imp.vals[ins[i]]
	if !ok {
		if _, isConst := imp.consts[ins[i]]; isConst {
			return nil, fmt.Errorf("%w: input %d (%q) is a constant", ErrUnsupported, i, imp.valueName(ins[i]))
		}
		return nil, fmt.Errorf("input %d (%q) is not computed by a supported operator", i, imp.valueName(ins[i]))
	}
	return v, nil
}

// tensorIn returns input i as a spec node id and whether it is flat.
func (imp *importer) tensorIn(ins []int64, i int) (int, bool, error) {
	v, err := imp.value(ins, i)
	if err != nil {
		return -1, false, err
	}
	id, err := imp.materialize(v)
	return id, v.flat, err
}

// nchwIn returns input i as a spec node id, which must be NCHW.
func (imp *importer) nchwIn(ins []int64, i int) (int, error) {
	id, flat, err := imp.tensorIn(ins, i)
	if err == nil && flat {
		err = fmt.Errorf("%w: input %d is [batch, features], want NCHW", ErrUnsupported, i)
	}
	return id, err
}

// valueName is the ONNX name of a value.
func (imp *importer) valueName(id int64) string {
	if n := imp.g.nodes[id]; n != nil {
		return n.name
	}
	return fmt.Sprintf("#%d", id)
}

// present tells whether optional input i is given (not absent, not "").
func (imp *importer) present(ins []int64, i int) bool {
	return i < len(ins) && imp.g.nodes[ins[i]] != nil && imp.g.nodes[ins[i]].name != ""
}

func (imp *importer) constIn(ins []int64, i int) (*constant, error) {
	if i >= len(ins) {
		return nil, fmt.Errorf("missing input %d", i)
	}
	c, ok := imp.consts[ins[i]]
	if !ok {
		return nil, fmt.Errorf("%w: input %d (%q) must be an initializer", ErrUnsupported, i, imp.valueName(ins[i]))
	}
	return c, nil
}

func (imp *importer) floatsIn(ins []int64, i int, shape ...int) (*constant, error) {
	c, err := imp.constIn(ins, i)
	if err != nil {
		return nil, err
	}
	if c.f32 == nil {
		return nil, fmt.Errorf("initializer %q is not float", c.name)
	}
	if shape != nil && !slices.Equal(c.shape, shape) {
		return nil, fmt.Errorf("initializer %q has shape %v, want %v", c.name, c.shape, shape)
	}
	return c, nil
}

func (imp *importer) intsIn(ins []int64, i int) ([]int64, error) {
	c, err := imp.constIn(ins, i)
	if err != nil {
		return nil, err
	}
	if c.i64 == nil {
		return nil, fmt.Errorf("initializer %q is not integer", c.name)
	}
	return c.i64, nil
}
