package kernels

import "fmt"

// MaxPool writes into y (c planes of OH x OW) the maximum of each window of
// x (c planes of H x W); padded positions are not part of any window. When
// idx is not nil it also records, per output, the index within the input
// plane of the chosen element (the first maximum in window order; a NaN
// wins and propagates), for MaxPoolBackward. A window with no input
// position gives 0 and index -1. Pooling has no weights, so a batch is
// simply n*c planes. Planes are split over Threads() goroutines.
func MaxPool(x []float32, c int, g ConvGeom, y []float32, idx []int32) {
	checkPool("MaxPool", c, g, x, y)
	if idx != nil && len(idx) < c*g.OH*g.OW {
		panic(fmt.Sprintf("kernels: MaxPool: len(idx) = %d, need %d", len(idx), c*g.OH*g.OW))
	}
	j := newPlaneJob(jobMaxPool)
	j.x, j.y, j.idx, j.g = x, y, idx, g
	j.run(c, c*g.OH*g.OW*g.KH*g.KW)
}

// MaxPoolBackward adds each dy to the dx position MaxPool chose for it
// (idx from MaxPool; -1 entries are skipped).
func MaxPoolBackward(dy []float32, idx []int32, c int, g ConvGeom, dx []float32) {
	checkPool("MaxPoolBackward", c, g, dx, dy)
	if len(idx) < c*g.OH*g.OW {
		panic(fmt.Sprintf("kernels: MaxPoolBackward: len(idx) = %d, need %d", len(idx), c*g.OH*g.OW))
	}
	j := newPlaneJob(jobMaxPoolBwd)
	j.dy, j.idx, j.dx, j.g = dy, idx, dx, g
	j.run(c, c*g.OH*g.OW)
}

// AvgPool writes into y the mean of each window of x over the positions
// inside the input (count_include_pad = false, as in DARTS); a window with
// none gives 0. Planes are split over Threads() goroutines.
func AvgPool(x []float32, c int, g ConvGeom, y []float32) {
	checkPool("AvgPool", c, g, x, y)
	j := newPlaneJob(jobAvgPool)
	j.x, j.y, j.g = x, y, g
	j.run(c, c*g.OH*g.OW*g.KH*g.KW)
}

// AvgPoolBackward adds dy/count to every input position of each window
// (the adjoint of AvgPool).
func AvgPoolBackward(dy []float32, c int, g ConvGeom, dx []float32) {
	checkPool("AvgPoolBackward", c, g, dx, dy)
	j := newPlaneJob(jobAvgPoolBwd)
	j.dy, j.dx, j.g = dy, dx, g
	j.run(c, c*g.OH*g.OW*g.KH*g.KW)
}

func checkPool(fn string, c int, g ConvGeom, in, out []float32) {
	checkGeom(fn, c, g)
	checkLen(fn, "input", in, c*g.H*g.W)
	checkLen(fn, "output", out, c*g.OH*g.OW)
}

// poolRanges fills, for every output column, the valid kernel columns
// [kj0, kj1): those whose input column lies inside the plane.
func poolRanges(g ConvGeom, kj0, kj1 []int) {
	for ox := 0; ox < g.OW; ox++ {
		base := ox*g.SW - g.PL
		lo, hi := validRange(base, g.DW, g.W, g.KW)
		kj0[ox], kj1[ox] = lo, hi
	}
}

// poolScratch holds the per-column kernel ranges of one goroutine.
type poolScratch struct{ kj0, kj1 []int }

var poolScratchPool freeList[poolScratch]

func getPoolScratch(g ConvGeom) *poolScratch {
	s := poolScratchPool.get()
	s.kj0 = growInts(s.kj0, g.OW)
	s.kj1 = growInts(s.kj1, g.OW)
	poolRanges(g, s.kj0, s.kj1)
	return s
}

func maxPoolPlanes(x []float32, g ConvGeom, y []float32, idx []int32, lo, hi int) {
	s := getPoolScratch(g)
	defer poolScratchPool.put(s)
	in, out := g.H*g.W, g.OH*g.OW
	for ch := lo; ch < hi; ch++ {
		xp := x[ch*in : (ch+1)*in]
		yp := y[ch*out : (ch+1)*out]
		for oy := 0; oy < g.OH; oy++ {
			ki0, ki1 := validRange(oy*g.SH-g.PT, g.DH, g.H, g.KH)
			for ox := 0; ox < g.OW; ox++ {
				kj0, kj1 := s.kj0[ox], s.kj1[ox]
				var m float32
				best := -1
				ix0 := ox*g.SW - g.PL
				for ki := ki0; ki < ki1; ki++ {
					r := (oy*g.SH - g.PT + ki*g.DH) * g.W
					for kj := kj0; kj < kj1; kj++ {
						i := r + ix0 + kj*g.DW
						v := xp[i]
						if best < 0 || v > m || (v != v && m == m) {
							m, best = v, i
						}
					}
				}
				yp[oy*g.OW+ox] = m
				if idx != nil {
					idx[ch*out+oy*g.OW+ox] = int32(best)
				}
			}
		}
	}
}

func maxPoolBackwardPlanes(dy []float32, idx []int32, g ConvGeom, dx []float32, lo, hi int) {
	in, out := g.H*g.W, g.OH*g.OW
	for ch := lo; ch < hi; ch++ {
		dxp := dx[ch*in : (ch+1)*in]
		for o, i := range idx[ch*out : (ch+1)*out] {
			if i >= 0 {
				dxp[i] += dy[ch*out+o]
			}
		}
	}
}

func avgPoolPlanes(x []float32, g ConvGeom, y []float32, lo, hi int) {
	s := getPoolScratch(g)
	defer poolScratchPool.put(s)
	in, out := g.H*g.W, g.OH*g.OW
	for ch := lo; ch < hi; ch++ {
		xp := x[ch*in : (ch+1)*in]
		yp := y[ch*out : (ch+1)*out]
		for oy := 0; oy < g.OH; oy++ {
			ki0, ki1 := validRange(oy*g.SH-g.PT, g.DH, g.H, g.KH)
			for ox := 0; ox < g.OW; ox++ {
				kj0, kj1 := s.kj0[ox], s.kj1[ox]
				var sum float32
				ix0 := ox*g.SW - g.PL
				for ki := ki0; ki < ki1; ki++ {
					r := (oy*g.SH-g.PT+ki*g.DH)*g.W + ix0
					for kj := kj0; kj < kj1; kj++ {
						sum += xp[r+kj*g.DW]
					}
				}
				var v float32
				if n := (ki1 - ki0) * (kj1 - kj0); n > 0 {
					v = sum / float32(n)
				}
				yp[oy*g.OW+ox] = v
			}
		}
	}
}

func avgPoolBackwardPlanes(dy []float32, g ConvGeom, dx []float32, lo, hi int) {
	s := getPoolScratch(g)
	defer poolScratchPool.put(s)
	in, out := g.H*g.W, g.OH*g.OW
	for ch := lo; ch < hi; ch++ {
		dxp := dx[ch*in : (ch+1)*in]
		dyp := dy[ch*out : (ch+1)*out]
		for oy := 0; oy < g.OH; oy++ {
			ki0, ki1 := validRange(oy*g.SH-g.PT, g.DH, g.H, g.KH)
			for ox := 0; ox < g.OW; ox++ {
				kj0, kj1 := s.kj0[ox], s.kj1[ox]
				n := (ki1 - ki0) * (kj1 - kj0)
				if n == 0 {
					continue
				}
				d := dyp[oy*g.OW+ox] / float32(n)
				ix0 := ox*g.SW - g.PL
				for ki := ki0; ki < ki1; ki++ {
					r := (oy*g.SH-g.PT+ki*g.DH)*g.W + ix0
					for kj := kj0; kj < kj1; kj++ {
						dxp[r+kj*g.DW] += d
					}
				}
			}
		}
	}
}
