package kernels

import "fmt"

// ConvOut is the output size of a convolution or pool along one axis: input
// size in, kernel k, stride s, padding before and after, dilation d. It is
// what ConvGeom.OH/OW must be for symmetric use; 0 when the kernel does not
// fit.
func ConvOut(in, k, s, padBefore, padAfter, d int) int {
	span := d*(k-1) + 1
	n := in + padBefore + padAfter - span
	if n < 0 || s < 1 {
		return 0
	}
	return n/s + 1
}

// check validates g: positive kernel, stride and dilation, non-negative
// padding and sizes.
func (g ConvGeom) check() error {
	if g.KH < 1 || g.KW < 1 || g.SH < 1 || g.SW < 1 || g.DH < 1 || g.DW < 1 {
		return fmt.Errorf("kernels: bad geometry %+v: kernel, stride and dilation must be >= 1", g)
	}
	if g.PT < 0 || g.PL < 0 || g.H < 0 || g.W < 0 || g.OH < 0 || g.OW < 0 {
		return fmt.Errorf("kernels: bad geometry %+v: padding and sizes must be >= 0", g)
	}
	return nil
}

// checkLen panics unless s holds at least n floats.
func checkLen(fn, name string, s []float32, n int) {
	if len(s) < n {
		panic(fmt.Sprintf("kernels: %s: len(%s) = %d, need %d", fn, name, len(s), n))
	}
}

// checkGeom panics on a bad geometry or channel count.
func checkGeom(fn string, c int, g ConvGeom) {
	if c < 0 {
		panic(fmt.Sprintf("kernels: %s: negative channel count %d", fn, c))
	}
	if err := g.check(); err != nil {
		panic(fmt.Sprintf("%s (in %s)", err, fn))
	}
}

// validRange is the range [lo, hi) of outputs o in [0, n) whose input
// o*s + off falls inside [0, size).
func validRange(off, s, size, n int) (lo, hi int) {
	lo = 0
	if off < 0 {
		lo = (-off + s - 1) / s
	}
	if size-1-off < 0 {
		return 0, 0
	}
	hi = min(n, (size-1-off)/s+1)
	if lo > hi {
		lo = hi
	}
	return lo, hi
}
