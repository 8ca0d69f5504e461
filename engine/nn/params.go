package nn

import (
	"fmt"
	"iter"
)

// Params is an ordered store of named tensors: learned parameters (with
// gradients) and buffers (running statistics: saved, not learned). Names are
// the spec.Param names, shared by checkpoints and ONNX initializers.
type Params struct {
	names  []string
	ts     []*Tensor
	buffer []bool
	index  map[string]int
}

// NewParams returns an empty store.
func NewParams() *Params { return &Params{index: map[string]int{}} }

// Add appends a tensor under name; buffers get no gradient. Learned tensors
// are marked as requiring a gradient and get a gradient buffer.
func (p *Params) Add(name string, t *Tensor, buffer bool) error {
	if name == "" {
		return fmt.Errorf("add parameter: empty name")
	}
	if _, dup := p.index[name]; dup {
		return fmt.Errorf("add parameter %q: name already used", name)
	}
	if t == nil || len(t.Data) != numel(t.Shape) {
		return fmt.Errorf("add parameter %q: tensor is nil or its data does not match its shape", name)
	}
	t.leaf = true
	t.requiresGrad = !buffer
	if !buffer && t.Grad == nil {
		t.Grad = make([]float32, len(t.Data))
	}
	p.index[name] = len(p.names)
	p.names = append(p.names, name)
	p.ts = append(p.ts, t)
	p.buffer = append(p.buffer, buffer)
	return nil
}

// Get returns the tensor named name, nil if there is none.
func (p *Params) Get(name string) *Tensor {
	if i, ok := p.index[name]; ok {
		return p.ts[i]
	}
	return nil
}

// IsBuffer tells whether name is a buffer (false also when absent).
func (p *Params) IsBuffer(name string) bool {
	i, ok := p.index[name]
	return ok && p.buffer[i]
}

// Set copies values into the tensor named name.
func (p *Params) Set(name string, values []float32) error {
	t := p.Get(name)
	if t == nil {
		return fmt.Errorf("set parameter %q: no such parameter", name)
	}
	if len(values) != len(t.Data) {
		return fmt.Errorf("set parameter %q: %d values for shape %v", name, len(values), t.Shape)
	}
	copy(t.Data, values)
	return nil
}

// Names lists every name in order.
func (p *Params) Names() []string { return append([]string(nil), p.names...) }

// Len is the number of tensors, buffers included.
func (p *Params) Len() int { return len(p.names) }

// All iterates over every tensor (buffers included) in order.
func (p *Params) All() iter.Seq2[string, *Tensor] {
	return func(yield func(string, *Tensor) bool) {
		for i, n := range p.names {
			if !yield(n, p.ts[i]) {
				return
			}
		}
	}
}

// Learned iterates over the learned tensors (no buffers) in order: what
// optimizers walk.
func (p *Params) Learned() iter.Seq2[string, *Tensor] {
	return func(yield func(string, *Tensor) bool) {
		for i, n := range p.names {
			if !p.buffer[i] && !yield(n, p.ts[i]) {
				return
			}
		}
	}
}

// Count is the number of learned elements (buffers excluded).
func (p *Params) Count() int64 {
	var n int64
	for i, t := range p.ts {
		if !p.buffer[i] {
			n += int64(len(t.Data))
		}
	}
	return n
}

// Bytes is the memory of every tensor and gradient in the store.
func (p *Params) Bytes() int64 {
	var n int64
	for _, t := range p.ts {
		n += int64(len(t.Data)+len(t.Grad)) * 4
	}
	return n
}

// ZeroGrad zeroes every gradient.
func (p *Params) ZeroGrad() {
	for _, t := range p.ts {
		clear(t.Grad)
	}
}
