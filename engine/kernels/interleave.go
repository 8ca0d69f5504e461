package kernels

// deinterleave2 sets even[i] = src[2i] and odd[i] = src[2i+1] for the
// len(src) elements of src (even gets the extra one when len(src) is odd):
// the column-phase split of stride-2 depthwise convolutions.
func deinterleave2(even, odd, src []float32) {
	n := len(src)
	even, odd = even[:(n+1)/2], odd[:n/2]
	done := 0
	if blocks := n / 32; blocks > 0 && rowsAsm(activeISA()) {
		deinterleave2p(even, odd, src, blocks)
		done = 32 * blocks
	}
	for i := done; i+1 < n; i += 2 {
		even[i/2], odd[i/2] = src[i], src[i+1]
	}
	if n%2 == 1 {
		even[n/2] = src[n-1]
	}
}

// interleaveAdd2 adds even[i] to dst[2i] and odd[i] to dst[2i+1] over the
// len(dst) elements of dst: the inverse of deinterleave2, accumulating.
func interleaveAdd2(dst, even, odd []float32) {
	n := len(dst)
	even, odd = even[:(n+1)/2], odd[:n/2]
	done := 0
	if blocks := n / 32; blocks > 0 && rowsAsm(activeISA()) {
		interleaveAdd2p(dst, even, odd, blocks)
		done = 32 * blocks
	}
	for i := done; i+1 < n; i += 2 {
		dst[i] += even[i/2]
		dst[i+1] += odd[i/2]
	}
	if n%2 == 1 {
		dst[n-1] += even[n/2]
	}
}
