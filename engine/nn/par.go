package nn

import "gonas/engine/kernels"

// grain (a variable so that tests can force splitting) is the amount of work (roughly, elements touched) below which an op
// runs on the calling goroutine rather than paying for goroutines.
var grain = 1 << 14

// parallel runs fn over [0, n) split by kernels.Parallel when work (the
// op's total cost) is large enough, else in one call. Per-index results do
// not depend on the split.
func parallel(n, work int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	if n == 1 || work < grain || kernels.Threads() == 1 {
		fn(0, n)
		return
	}
	kernels.Parallel(n, fn)
}

// sumBlock is the block size of fixed-order reductions.
const sumBlock = 4096

// blockReduce sums f(lo, hi) over fixed blocks of [0, n) and then the block
// sums in order, so the result does not depend on the thread count.
func blockReduce(n int, f func(lo, hi int) float64) float64 {
	nb := (n + sumBlock - 1) / sumBlock
	if nb <= 1 {
		if n == 0 {
			return 0
		}
		return f(0, n)
	}
	parts := make([]float64, nb)
	parallel(nb, n, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			parts[b] = f(b*sumBlock, min((b+1)*sumBlock, n))
		}
	})
	var s float64
	for _, p := range parts {
		s += p
	}
	return s
}

// dot is the fixed-order float64 sum of a[i]*b[i].
func dot(a, b []float32) float64 {
	return blockReduce(len(a), func(lo, hi int) float64 {
		var s float64
		aa, bb := a[lo:hi], b[lo:hi]
		bb = bb[:len(aa)]
		for i, v := range aa {
			s += float64(v) * float64(bb[i])
		}
		return s
	})
}

// sum is the fixed-order float64 sum of a.
func sum(a []float32) float64 {
	return blockReduce(len(a), func(lo, hi int) float64 { return sum32(a[lo:hi]) })
}

// axpy does y[i] += a*x[i] in parallel.
func axpy(a float32, x, y []float32) {
	parallel(len(x), len(x), func(lo, hi int) {
		yy, xx := y[lo:hi], x[lo:hi]
		for i, v := range xx {
			yy[i] += a * v
		}
	})
}

// addOrCopy does y[i] += x[i], or y[i] = x[i] when overwrite, in parallel.
func addOrCopy(x, y []float32, overwrite bool) {
	if !overwrite {
		addTo(x, y)
		return
	}
	parallel(len(x), len(x), func(lo, hi int) { copy(y[lo:hi], x[lo:hi]) })
}

// axpyOrScale does y[i] += a*x[i], or y[i] = a*x[i] when overwrite, in
// parallel.
func axpyOrScale(a float32, x, y []float32, overwrite bool) {
	if !overwrite {
		axpy(a, x, y)
		return
	}
	parallel(len(x), len(x), func(lo, hi int) {
		yy, xx := y[lo:hi], x[lo:hi]
		yy = yy[:len(xx)]
		for i, v := range xx {
			yy[i] = a * v
		}
	})
}

// pclear zeroes b in parallel.
func pclear(b []float32) {
	parallel(len(b), len(b), func(lo, hi int) { clear(b[lo:hi]) })
}

// addTo does y[i] += x[i] in parallel.
func addTo(x, y []float32) {
	parallel(len(x), len(x), func(lo, hi int) {
		yy, xx := y[lo:hi], x[lo:hi]
		for i, v := range xx {
			yy[i] += v
		}
	})
}

// sum32 returns sum(xs) in float64, four accumulators.
func sum32(xs []float32) float64 {
	var s0, s1, s2, s3 float64
	for len(xs) >= 4 {
		s0, s1, s2, s3 = s0+float64(xs[0]), s1+float64(xs[1]), s2+float64(xs[2]), s3+float64(xs[3])
		xs = xs[4:]
	}
	for _, v := range xs {
		s0 += float64(v)
	}
	return (s0 + s1) + (s2 + s3)
}
