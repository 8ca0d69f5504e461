package nn

import (
	"fmt"
	"math"
)

// Tensor is a dense float32 array, NCHW for images. Data is nil once the
// tensor has been released. Grad is allocated when a gradient first reaches
// the tensor (parameters get theirs up front).
type Tensor struct {
	Shape []int
	Data  []float32
	Grad  []float32

	requiresGrad bool
	leaf         bool  // made by the caller, not by an op: never pooled
	owners       int32 // user handles of an op output (1 at birth, +1 per alias)
	holds        int32 // tape nodes that still need Data for backward
	gradPooled   bool  // Grad came from the pool
}

// NewTensor returns a zero-filled leaf tensor of the given shape. Leaves are
// the caller's: no op frees them.
func NewTensor(shape ...int) *Tensor {
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, numel(shape)), leaf: true}
}

// FromData wraps data (not copied) as a leaf tensor; it returns an error if
// the length does not match the shape.
func FromData(data []float32, shape ...int) (*Tensor, error) {
	if n := numel(shape); n != len(data) {
		return nil, fmt.Errorf("tensor of shape %v needs %d values, got %d", shape, n, len(data))
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data, leaf: true}, nil
}

// NewParam returns a zero-filled leaf that requires a gradient, with its
// gradient buffer allocated.
func NewParam(shape ...int) *Tensor {
	t := NewTensor(shape...)
	t.requiresGrad = true
	t.Grad = make([]float32, len(t.Data))
	return t
}

// RequiresGrad tells whether gradients flow to (or through) t.
func (t *Tensor) RequiresGrad() bool { return t.requiresGrad }

// SetRequiresGrad marks a leaf as needing a gradient (allocated lazily).
// It does nothing on op outputs, whose flag follows their inputs.
func (t *Tensor) SetRequiresGrad(v bool) {
	if t.leaf {
		t.requiresGrad = v
	}
}

// Numel is the number of elements.
func (t *Tensor) Numel() int { return numel(t.Shape) }

// Released tells whether the tensor's buffer has gone back to the pool.
func (t *Tensor) Released() bool { return t.Data == nil && numel(t.Shape) > 0 }

// Item is the value of a one-element tensor, NaN otherwise.
func (t *Tensor) Item() float32 {
	if t == nil || len(t.Data) != 1 {
		return float32(math.NaN())
	}
	return t.Data[0]
}

// ZeroGrad zeroes the gradient if there is one.
func (t *Tensor) ZeroGrad() {
	clear(t.Grad)
}

// Dims4 returns N, C, H, W of a 4-D tensor.
func (t *Tensor) Dims4() (n, c, h, w int) {
	if len(t.Shape) != 4 {
		return 0, 0, 0, 0
	}
	return t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]
}

func (t *Tensor) String() string {
	return fmt.Sprintf("Tensor%v", t.Shape)
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
