package kernels

import "sync"

// gemmJob is one Sgemm call: its arguments, the micro-kernel, and the split
// of the output tiles over parts.
type gemmJob struct {
	kern           *microKernel
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a              []float32
	lda            int
	b              []float32
	ldb            int
	c              []float32
	ldc            int

	splitN       bool // parts take column tiles (else row tiles)
	tiles, parts int
	wg           sync.WaitGroup
}

// minParallelFlops: below this much work one goroutine is faster than
// handing parts to workers.
const minParallelFlops = 1 << 19

// split chooses how many parts to run and along which dimension, the one
// whose split leaves the busiest part with the fewest tiles.
func (j *gemmJob) split(threads int) {
	mt := (j.m + j.kern.mr - 1) / j.kern.mr
	nt := (j.n + j.kern.nr - 1) / j.kern.nr
	j.splitN, j.tiles, j.parts = true, nt, 1
	if threads <= 1 || 2*int64(j.m)*int64(j.n)*int64(j.k) < minParallelFlops || (mt == 1 && nt == 1) {
		return
	}
	pn, pm := min(threads, nt), min(threads, mt)
	costN := (nt + pn - 1) / pn * mt
	costM := (mt + pm - 1) / pm * nt
	if costN <= costM {
		j.parts = pn
	} else {
		j.splitN, j.tiles, j.parts = false, mt, pm
	}
}

func (j *gemmJob) runPart(p int) {
	lo, hi := p*j.tiles/j.parts, (p+1)*j.tiles/j.parts
	if j.splitN {
		j.block(0, j.m, lo*j.kern.nr, min(hi*j.kern.nr, j.n))
	} else {
		j.block(lo*j.kern.mr, min(hi*j.kern.mr, j.m), 0, j.n)
	}
}

// gemmScratch holds one goroutine's packed panels and edge tile.
type gemmScratch struct {
	a, b, tile []float32
}

var gemmScratchPool freeList[gemmScratch]

// block computes rows [i0, i1) x columns [j0, j1) of C. i0 and j0 are
// multiples of the tile size, so tiles sit at the same places whatever the
// split.
func (j *gemmJob) block(i0, i1, j0, j1 int) {
	kern := j.kern
	sc := gemmScratchPool.get()
	sc.a = growFloats(sc.a, kern.mc*kern.kc)
	sc.b = growFloats(sc.b, kern.nc*kern.kc)
	sc.tile = growFloats(sc.tile, kern.mr*kern.nr)
	for jc := j0; jc < j1; jc += kern.nc {
		nc := min(kern.nc, j1-jc)
		for pc := 0; pc < j.k; pc += kern.kc {
			kc := min(kern.kc, j.k-pc)
			j.packB(sc.b, pc, kc, jc, nc)
			beta := j.beta
			if pc > 0 {
				beta = 1
			}
			for ic := i0; ic < i1; ic += kern.mc {
				mc := min(kern.mc, i1-ic)
				j.packA(sc.a, ic, mc, pc, kc)
				j.macro(sc, ic, mc, jc, nc, kc, beta)
			}
		}
	}
	gemmScratchPool.put(sc)
}

// macro runs the micro-kernel over the packed mc x kc block of A and kc x nc
// block of B. Edge tiles are computed into a scratch tile and added in Go.
func (j *gemmJob) macro(sc *gemmScratch, ic, mc, jc, nc, kc int, beta float32) {
	mr, nr := j.kern.mr, j.kern.nr
	if j.kern.aInner {
		for jr := 0; jr < nc; jr += nr {
			for ir := 0; ir < mc; ir += mr {
				j.tile(sc, ic, mc, jc, nc, kc, ir, jr, beta)
			}
		}
		return
	}
	for ir := 0; ir < mc; ir += mr {
		for jr := 0; jr < nc; jr += nr {
			j.tile(sc, ic, mc, jc, nc, kc, ir, jr, beta)
		}
	}
}

// tile computes the micro-tile at (ir, jr) of the current block.
func (j *gemmJob) tile(sc *gemmScratch, ic, mc, jc, nc, kc, ir, jr int, beta float32) {
	kern := j.kern
	mr, nr := kern.mr, kern.nr
	alpha, c, ldc := j.alpha, j.c, j.ldc
	nn := min(nr, nc-jr)
	bp := sc.b[jr*kc : jr*kc+kc*nr]
	mm := min(mr, mc-ir)
	ap := sc.a[ir*kc : ir*kc+kc*mr]
	ci := (ic+ir)*ldc + jc + jr
	if mm == mr && nn == nr {
		kern.fn(kc, ap, bp, c[ci:], ldc, alpha, beta)
		return
	}
	if kern.edge != nil {
		kern.edge(mm, nn, kc, ap, bp, c[ci:], ldc, alpha, beta)
		return
	}
	t := sc.tile
	kern.fn(kc, ap, bp, t, nr, 1, 0)
	for r := 0; r < mm; r++ {
		dst := c[ci+r*ldc : ci+r*ldc+nn]
		src := t[r*nr : r*nr+nn]
		if beta == 0 {
			for q, v := range src {
				dst[q] = alpha * v
			}
		} else {
			for q, v := range src {
				dst[q] = alpha*v + beta*dst[q]
			}
		}
	}
}
