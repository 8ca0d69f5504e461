package export

import (
	"fmt"
	"math"
	"strconv"

	onnx "github.com/owulveryck/onnx-go"
	"gorgonia.org/tensor"
)

// Reading constants (initializers, as onnx-go decoded them) and attributes.

// constant is a decoded initializer.
type constant struct {
	name  string
	shape []int
	f32   []float32 // float data (doubles are narrowed)
	i64   []int64   // integer data
}

// numel is the number of elements its shape holds.
func (c *constant) numel() int {
	n := 1
	for _, d := range c.shape {
		n *= d
	}
	return n
}

// toConstant copies the data of a gorgonia tensor.
func toConstant(name string, t tensor.Tensor) (*constant, error) {
	c := &constant{name: name, shape: append([]int(nil), t.Shape()...)}
	switch d := t.Data().(type) {
	case []float32:
		c.f32 = append([]float32(nil), d...)
	case float32:
		c.f32 = []float32{d}
	case []float64:
		c.f32 = make([]float32, len(d))
		for i, v := range d {
			c.f32[i] = float32(v)
		}
	case float64:
		c.f32 = []float32{float32(d)}
	case []int64:
		c.i64 = append([]int64(nil), d...)
	case int64:
		c.i64 = []int64{d}
	case []int32:
		c.i64 = make([]int64, len(d))
		for i, v := range d {
			c.i64[i] = int64(v)
		}
	case int32:
		c.i64 = []int64{int64(d)}
	default:
		return nil, fmt.Errorf("%w: constant %q of type %T", ErrUnsupported, name, d)
	}
	if n := len(c.f32) + len(c.i64); n != c.numel() {
		return nil, fmt.Errorf("constant %q: shape %v but %d values", name, c.shape, n)
	}
	return c, nil
}

// attrs wraps an operation's attributes with typed getters that record the
// first type error.
type attrs struct {
	m   map[string]any
	err error
}

func newAttrs(op onnx.Operation) *attrs { return &attrs{m: op.Attributes} }

func (a *attrs) has(name string) bool { _, ok := a.m[name]; return ok }

func (a *attrs) fail(name string, v any, want string) {
	if a.err == nil {
		a.err = fmt.Errorf("attribute %s = %v: want %s", name, v, want)
	}
}

func (a *attrs) int(name string, def int) int {
	v, ok := a.m[name]
	if !ok {
		return def
	}
	i, ok := v.(int64)
	if !ok || i < math.MinInt32 || i > math.MaxInt32 {
		a.fail(name, v, "an integer")
		return def
	}
	return int(i)
}

func (a *attrs) ints(name string, def []int) []int {
	v, ok := a.m[name]
	if !ok {
		return def
	}
	is, ok := v.([]int64)
	if !ok {
		a.fail(name, v, "integers")
		return def
	}
	out := make([]int, len(is))
	for i, x := range is {
		if x < math.MinInt32 || x > math.MaxInt32 {
			a.fail(name, v, "small integers")
			return def
		}
		out[i] = int(x)
	}
	return out
}

// float returns a float attribute as the shortest decimal its float32
// spells (so 1e-5 written as float32 reads back as 1e-5).
func (a *attrs) float(name string, def float64) float64 {
	v, ok := a.m[name]
	if !ok {
		return def
	}
	f, ok := v.(float32)
	if !ok {
		a.fail(name, v, "a float")
		return def
	}
	d, _ := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	return d
}

func (a *attrs) str(name, def string) string {
	v, ok := a.m[name]
	if !ok {
		return def
	}
	s, ok := v.(string)
	if !ok {
		a.fail(name, v, "a string")
		return def
	}
	return s
}

// only fails on any attribute outside the given names.
func (a *attrs) only(names ...string) {
	for k := range a.m {
		known := false
		for _, n := range names {
			known = known || k == n
		}
		if !known && a.err == nil {
			a.err = fmt.Errorf("%w attribute %s", ErrUnsupported, k)
		}
	}
}
