package nn

import (
	"math"
	"unsafe"
)

// ReLU is max(x, 0). Its backward reads only its own output.
//
// Both directions work on the values' bits, without branches (activation
// signs are unpredictable) and without moving values between float and
// integer registers: a value keeps its bits unless its sign bit is set, so
// negatives, -0 and negative NaNs give +0, and the gradient passes where
// the output's bits are non-zero.
func ReLU(c *Ctx, x *Tensor) *Tensor {
	if !c.check("relu", x) {
		return c.fail("relu: bad input")
	}
	y := c.newOut(append([]int(nil), x.Shape...), false, x)
	parallel(len(x.Data), len(x.Data), func(lo, hi int) {
		reluRows(bitsOf(x.Data[lo:hi]), bitsOf(y.Data[lo:hi]))
	})
	c.record(y, func(dy []float32) {
		dx, fresh := c.gradOut(x)
		parallel(len(dy), len(dy), func(lo, hi int) {
			if fresh {
				reluMask(bitsOf(dy[lo:hi]), bitsOf(y.Data[lo:hi]), bitsOf(dx[lo:hi]))
				return
			}
			reluMaskAdd(dy[lo:hi], bitsOf(y.Data[lo:hi]), dx[lo:hi])
		})
	}, y)
	return y
}

// bitsOf views f as the IEEE-754 bit patterns of its values (same size and
// alignment, same memory).
func bitsOf(f []float32) []uint32 {
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(f))), len(f))
}

// reluRows writes y = x with every value whose sign bit is set replaced by
// +0.
func reluRows(x, y []uint32) {
	y = y[:len(x)]
	for len(x) >= 4 && len(y) >= 4 {
		b0, b1, b2, b3 := x[0], x[1], x[2], x[3]
		y[0] = b0 &^ uint32(int32(b0)>>31)
		y[1] = b1 &^ uint32(int32(b1)>>31)
		y[2] = b2 &^ uint32(int32(b2)>>31)
		y[3] = b3 &^ uint32(int32(b3)>>31)
		x, y = x[4:], y[4:]
	}
	y = y[:len(x)]
	for i, b := range x {
		y[i] = b &^ uint32(int32(b)>>31)
	}
}

// reluGate is all ones where the ReLU output y (never negative) is
// non-zero, else zero.
func reluGate(y uint32) uint32 { return uint32(-int32(y) >> 31) }

// reluMask writes dx = dy where y > 0, else +0.
func reluMask(dy, y, dx []uint32) {
	y, dx = y[:len(dy)], dx[:len(dy)]
	for len(dy) >= 4 && len(y) >= 4 && len(dx) >= 4 {
		dx[0] = dy[0] & reluGate(y[0])
		dx[1] = dy[1] & reluGate(y[1])
		dx[2] = dy[2] & reluGate(y[2])
		dx[3] = dy[3] & reluGate(y[3])
		dy, y, dx = dy[4:], y[4:], dx[4:]
	}
	y, dx = y[:len(dy)], dx[:len(dy)]
	for i, d := range dy {
		dx[i] = d & reluGate(y[i])
	}
}

// reluMaskAdd adds dy to dx where y > 0.
func reluMaskAdd(dy []float32, y []uint32, dx []float32) {
	db := bitsOf(dy)
	y, dx = y[:len(db)], dx[:len(db)]
	for i, d := range db {
		dx[i] += math.Float32frombits(d & reluGate(y[i]))
	}
}
