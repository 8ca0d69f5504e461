package npy

import "fmt"

// Dtype is an element type the package handles, named by its NumPy descr.
type Dtype string

// The supported element types.
const (
	Float32 Dtype = "<f4"
	Int64   Dtype = "<i8"
)

// size is the width of one element in bytes.
func (d Dtype) size() int {
	switch d {
	case Float32:
		return 4
	case Int64:
		return 8
	}
	return 0
}

// Array is a decoded .npy array. Exactly one of F32 and I64 holds the data,
// as Dtype says, in C order.
type Array struct {
	Dtype Dtype
	Shape []int
	F32   []float32
	I64   []int64
}

// Len is the number of elements the shape holds.
func (a *Array) Len() int {
	n, _ := numel(a.Shape)
	return n
}

// maxElems bounds the element count of an array the reader accepts, so a
// hostile header cannot make it overflow or allocate without limit.
const maxElems = 1 << 34

// numel is the product of shape, with an error for negative dimensions or
// a product beyond maxElems.
func numel(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension %d in shape %v", d, shape)
		}
		if d != 0 && n > maxElems/d {
			return 0, fmt.Errorf("shape %v has too many elements", shape)
		}
		n *= d
	}
	return n, nil
}
