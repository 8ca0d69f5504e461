package kernels

// Batch-norm row kernels. The element-wise ones round every operation (no
// fused multiply-add); the reductions accumulate in float64 in 32 lanes,
// element i in lane i%32, then add the lanes in a fixed tree (sum32Lanes).
// The Go and AVX-512 code give the same bits, and a row's result depends
// on that row alone.

// BNApply writes y[i] = x[i]*a + b (len(y) >= len(x)).
func BNApply(x, y []float32, a, b float32) {
	if len(x) == 0 {
		return
	}
	y = y[:len(x)]
	if rowsAsm(activeISA()) {
		bnApplyAsm(x, y, a, b)
		return
	}
	for i, v := range x {
		y[i] = float32(v*a) + b
	}
}

// BNBackward writes dx[i] = k*dy[i] + a*(x[i]-mu) + b, or adds it to dx[i]
// when accum (len(x), len(dx) >= len(dy)).
func BNBackward(dy, x, dx []float32, k, mu, a, b float32, accum bool) {
	if len(dy) == 0 {
		return
	}
	x, dx = x[:len(dy)], dx[:len(dy)]
	if rowsAsm(activeISA()) {
		bnBackAsm(dy, x, dx, k, mu, a, b, accum)
		return
	}
	if accum {
		for i, d := range dy {
			dx[i] += float32(k*d) + float32(a*(x[i]-mu)) + b
		}
		return
	}
	for i, d := range dy {
		dx[i] = float32(k*d) + float32(a*(x[i]-mu)) + b
	}
}

// BNMoments returns sum(x[i]-k) and sum((x[i]-k)^2) in float64.
func BNMoments(x []float32, k float64) (s, q float64) {
	if len(x) == 0 {
		return 0, 0
	}
	if rowsAsm(activeISA()) {
		return bnMomentsAsm(x, k)
	}
	var sa, qa [32]float64
	for len(x) > 0 {
		b := x[:min(32, len(x))]
		for j, v := range b {
			d := float64(v) - k
			sa[j] += d
			qa[j] += float64(d * d)
		}
		x = x[len(b):]
	}
	return sum32Lanes(&sa), sum32Lanes(&qa)
}

// BNSumDot returns sum(dy[i]) and sum(dy[i]*(x[i]-k)) in float64
// (len(x) >= len(dy)).
func BNSumDot(dy, x []float32, k float64) (s, d float64) {
	if len(dy) == 0 {
		return 0, 0
	}
	x = x[:len(dy)]
	if rowsAsm(activeISA()) {
		return bnSumDotAsm(dy, x, k)
	}
	var sa, pa [32]float64
	for len(dy) > 0 {
		g, xs := dy[:min(32, len(dy))], x[:min(32, len(dy))]
		for j, v := range g {
			gv := float64(v)
			sa[j] += gv
			pa[j] += float64(gv * (float64(xs[j]) - k))
		}
		dy, x = dy[len(g):], x[len(g):]
	}
	return sum32Lanes(&sa), sum32Lanes(&pa)
}

// sum32Lanes adds the lanes the way the AVX-512 code does: four 8-lane
// vectors as (v0+v1)+(v2+v3), then lanes l+4, l+2 and l+1 folded in.
func sum32Lanes(a *[32]float64) float64 {
	var v [8]float64
	for l := range v {
		v[l] = (a[l] + a[8+l]) + (a[16+l] + a[24+l])
	}
	w0, w1, w2, w3 := v[0]+v[4], v[1]+v[5], v[2]+v[6], v[3]+v[7]
	return (w0 + w2) + (w1 + w3)
}
