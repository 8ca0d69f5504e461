package kernels

import (
	"math"
	"unsafe"
)

// The ReLU row kernels work on the values' bits, without branches: a value
// keeps its bits unless its sign bit is set, so negatives, -0 and negative
// NaNs give +0, and the gradient passes where the output's bits are
// non-zero. The Go and AVX-512 code give the same bits.

// ReLURow writes y[i] = max(x[i], 0) on the bits (len(y) >= len(x)).
func ReLURow(x, y []float32) {
	if len(x) == 0 {
		return
	}
	y = y[:len(x)]
	if rowsAsm(activeISA()) {
		reluAsm(x, y)
		return
	}
	xb, yb := bitsOf(x), bitsOf(y)
	for i, b := range xb {
		yb[i] = b &^ uint32(int32(b)>>31)
	}
}

// ReLUMask writes dx[i] = dy[i] where the ReLU output y[i] is non-zero,
// else +0 (len(y), len(dx) >= len(dy)); y may be the ReLU's input instead.
func ReLUMask(dy, y, dx []float32) {
	if len(dy) == 0 {
		return
	}
	y, dx = y[:len(dy)], dx[:len(dy)]
	if rowsAsm(activeISA()) {
		reluMaskAsm(dy, y, dx, false)
		return
	}
	db, yb, xb := bitsOf(dy), bitsOf(y), bitsOf(dx)
	for i, d := range db {
		xb[i] = d & reluGate(yb[i])
	}
}

// ReLUMaskAdd adds dy[i] to dx[i] where y[i] is non-zero, and +0 elsewhere
// (so a -0 in dx becomes +0).
func ReLUMaskAdd(dy, y, dx []float32) {
	if len(dy) == 0 {
		return
	}
	y, dx = y[:len(dy)], dx[:len(dy)]
	if rowsAsm(activeISA()) {
		reluMaskAsm(dy, y, dx, true)
		return
	}
	db, yb := bitsOf(dy), bitsOf(y)
	for i, d := range db {
		dx[i] += math.Float32frombits(d & reluGate(yb[i]))
	}
}

// reluGate is all ones where y is positive as an int32 (the ReLU output
// non-zero, or its input above +0), else zero.
func reluGate(y uint32) uint32 { return uint32(-int64(int32(y)) >> 63) }

// bitsOf views f as the IEEE-754 bit patterns of its values.
func bitsOf(f []float32) []uint32 {
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(f))), len(f))
}
