package kernels

import "fmt"

// MaxPool writes into y (c planes of OH x OW) the maximum of each window of
// x (c planes of H x W); padded positions are not part of any window. A NaN
// beats every number; of equal maxima (-0 equals +0) and of NaNs the first
// in row-major window order wins. When idx is not nil it also gets, per
// output, that element's index within its input plane, for
// MaxPoolBackward. Pooling has no weights, so a batch is simply n*c planes.
// Planes are split over Threads() goroutines. Pools take no dilation, and
// every window must hold an input (padding below the kernel size, OH and OW
// within the padded plane), as in PyTorch.
func MaxPool(x []float32, c int, g ConvGeom, y []float32, idx []int32) {
	checkPool("MaxPool", c, g, x, y)
	if idx != nil {
		checkIdx("MaxPool", c, g, idx)
	}
	j := newPlaneJob(jobMaxPool)
	j.x, j.y, j.idx, j.g = x, y, idx, g
	j.run(c, c*(g.H*g.W*(g.KW+1)+g.OH*g.OW*g.KH))
}

// MaxPoolBackward adds each dy to the dx element MaxPool chose for it (idx
// from MaxPool).
func MaxPoolBackward(dy []float32, idx []int32, c int, g ConvGeom, dx []float32) {
	checkPool("MaxPoolBackward", c, g, dx, dy)
	checkIdx("MaxPoolBackward", c, g, idx)
	j := newPlaneJob(jobMaxPoolBwd)
	j.dy, j.idx, j.dx, j.g = dy, idx, dx, g
	j.run(c, c*(g.H*g.W+g.OH*g.OW))
}

// AvgPool writes into y the mean of each window of x over the inputs in
// it (count_include_pad = false, as in DARTS). Planes are split over
// Threads() goroutines.
func AvgPool(x []float32, c int, g ConvGeom, y []float32) {
	avgPool("AvgPool", x, c, g, y, false)
}

// AvgPoolCountPad is AvgPool with the divisor KH*KW, padding counting as
// zeros (count_include_pad = true).
func AvgPoolCountPad(x []float32, c int, g ConvGeom, y []float32) {
	avgPool("AvgPoolCountPad", x, c, g, y, true)
}

// AvgPoolBackward adds dy/count to every input of each window (the adjoint
// of AvgPool).
func AvgPoolBackward(dy []float32, c int, g ConvGeom, dx []float32) {
	avgPoolBackward("AvgPoolBackward", dy, c, g, dx, false)
}

// AvgPoolCountPadBackward is the adjoint of AvgPoolCountPad.
func AvgPoolCountPadBackward(dy []float32, c int, g ConvGeom, dx []float32) {
	avgPoolBackward("AvgPoolCountPadBackward", dy, c, g, dx, true)
}

func avgPool(fn string, x []float32, c int, g ConvGeom, y []float32, countPad bool) {
	checkPool(fn, c, g, x, y)
	j := newPlaneJob(jobAvgPool)
	j.x, j.y, j.g, j.countPad = x, y, g, countPad
	j.run(c, c*(g.H*g.W*g.KW+g.OH*g.OW*g.KH))
}

func avgPoolBackward(fn string, dy []float32, c int, g ConvGeom, dx []float32, countPad bool) {
	checkPool(fn, c, g, dx, dy)
	j := newPlaneJob(jobAvgPoolBwd)
	j.dy, j.dx, j.g, j.countPad = dy, dx, g, countPad
	j.run(c, c*(g.H*g.W*g.KW+g.OH*g.OW*g.KH))
}

func checkPool(fn string, c int, g ConvGeom, in, out []float32) {
	checkGeom(fn, c, g)
	if g.DH != 1 || g.DW != 1 || !windowsHold(g.KH, g.SH, g.PT, g.H, g.OH) || !windowsHold(g.KW, g.SW, g.PL, g.W, g.OW) {
		panic(fmt.Sprintf("kernels: %s: geometry %+v: pools need dilation 1 and an input in every window", fn, g))
	}
	checkLen(fn, "input", in, c*g.H*g.W)
	checkLen(fn, "output", out, c*g.OH*g.OW)
}

func checkIdx(fn string, c int, g ConvGeom, idx []int32) {
	if len(idx) < c*g.OH*g.OW {
		panic(fmt.Sprintf("kernels: %s: len(idx) = %d, need %d", fn, len(idx), c*g.OH*g.OW))
	}
}

// windowsHold reports whether each of out windows (kernel k, stride s,
// padding p) along an axis of size in holds an input.
func windowsHold(k, s, p, in, out int) bool {
	return out == 0 || in > 0 && p < k && (out-1)*s-p < in
}

func maxPoolPlanes(x []float32, g ConvGeom, y []float32, idx []int32, lo, hi int) {
	s := getPoolScratch(g)
	defer poolScratchPool.put(s)
	in, out := g.H*g.W, g.OH*g.OW
	if idx == nil && fastMaxPool(g) {
		for pl := lo; pl < hi; pl++ {
			s.maxPlaneFast(x[pl*in:][:in], y[pl*out:][:out])
		}
		return
	}
	for pl := lo; pl < hi; pl++ {
		var as []int32
		if idx != nil {
			as = idx[pl*out:][:out]
		}
		s.maxPlane(x[pl*in:][:in], y[pl*out:][:out], as)
	}
}

func maxPoolBackwardPlanes(dy []float32, idx []int32, g ConvGeom, dx []float32, lo, hi int) {
	in, out := g.H*g.W, g.OH*g.OW
	for pl := lo; pl < hi; pl++ {
		dxs, dys, as := dx[pl*in:][:in], dy[pl*out:][:out], idx[pl*out:][:out]
		for i, d := range dys {
			dxs[as[i]] += d
		}
	}
}

func avgPlanes(x []float32, g ConvGeom, y []float32, countPad bool, lo, hi int) {
	s := getPoolScratch(g)
	defer poolScratchPool.put(s)
	in, out := g.H*g.W, g.OH*g.OW
	for pl := lo; pl < hi; pl++ {
		s.avgPlane(x[pl*in:][:in], y[pl*out:][:out], countPad)
	}
}

func avgBackPlanes(dy []float32, g ConvGeom, dx []float32, countPad bool, lo, hi int) {
	s := getPoolScratch(g)
	defer poolScratchPool.put(s)
	in, out := g.H*g.W, g.OH*g.OW
	for pl := lo; pl < hi; pl++ {
		s.avgBackPlane(dy[pl*out:][:out], dx[pl*in:][:in], countPad)
	}
}
