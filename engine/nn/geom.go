package nn

// Pads are spatial paddings: top, left, bottom, right. Convolutions and pools
// need them non-negative; Pad2d crops where they are negative.
type Pads struct{ T, L, B, R int }

// OutSize is PyTorch's output size floor((in + p0 + p1 - d*(k-1) - 1)/s) + 1,
// or 0 when the kernel does not fit.
func OutSize(in, k, s, d, p0, p1 int) int {
	num := in + p0 + p1 - d*(k-1) - 1
	if num < 0 || s <= 0 {
		return 0
	}
	return num/s + 1
}

func one(v int) int {
	if v == 0 {
		return 1
	}
	return v
}

// forPlanes runs fn(n, c0, c1) over the (image, channel) pairs of an N x C
// batch in parallel chunks that never cross an image.
func forPlanes(n, c, work int, fn func(img, c0, c1 int)) {
	parallel(n*c, work, func(lo, hi int) {
		for i := lo; i < hi; {
			img, c0 := i/c, i%c
			c1 := min(c, c0+hi-i)
			fn(img, c0, c1)
			i += c1 - c0
		}
	})
}
