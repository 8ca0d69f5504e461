package spec

import "math"

// Sizes and counts are int64 that saturate: a product or sum that would
// overflow is math.MaxInt64, which the callers report as too large instead
// of wrapping to a negative count.

// MulSat is the product of non-negative xs, math.MaxInt64 if it overflows.
func MulSat(xs ...int64) int64 {
	p := int64(1)
	for _, x := range xs {
		if x < 0 {
			return math.MaxInt64
		}
		if x != 0 && p > math.MaxInt64/x {
			return math.MaxInt64
		}
		p *= x
	}
	return p
}

// AddSat is a + b for non-negative a and b, math.MaxInt64 if it overflows.
func AddSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// MaxNodes bounds the nodes of one network: a spec past it (about a
// gigabyte of description before any tensor) is refused while it is built.
const MaxNodes = 1_000_000
