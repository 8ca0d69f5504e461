package nn

import (
	"math"
	"sync"
)

// Pools are separable: a window's maximum (or sum) is the maximum (sum)
// over its rows of the row maxima (sums) over its columns. So each plane
// takes a horizontal pass, per input row and output column, then a
// vertical pass, per output row over whole rows of the first pass: KH+KW
// steps per output instead of KH*KW, and the vertical pass runs along
// contiguous rows.

// poolPlan is the clipped input window of every output row and column.
type poolPlan struct {
	g      *poolGeom
	r0, r1 []int // input rows [r0[oy], r1[oy])
	c0, c1 []int // input columns [c0[ox], c1[ox])
}

func (g *poolGeom) plan() *poolPlan {
	p := &poolPlan{g: g, r0: make([]int, g.oh), r1: make([]int, g.oh), c0: make([]int, g.ow), c1: make([]int, g.ow)}
	for oy := range p.r0 {
		p.r0[oy], p.r1[oy], _, _ = g.window(oy, 0)
	}
	for ox := range p.c0 {
		_, _, p.c0[ox], p.c1[ox] = g.window(0, ox)
	}
	return p
}

// poolScratch is one goroutine's workspace for a plane.
type poolScratch struct {
	keys   []int32   // one input row's max keys
	hk, ha []int32   // horizontal pass: key and column of each row maximum
	bk, ba []int32   // vertical pass: key and plane index of the maximum
	hs     []float32 // horizontal sums
	t      []float32 // one row of dy / count
}

var poolScratchPool = sync.Pool{New: func() any { return new(poolScratch) }}

func (p *poolPlan) scratch() *poolScratch {
	g := p.g
	s := poolScratchPool.Get().(*poolScratch)
	s.keys = grow(s.keys, g.w)
	s.hk, s.ha = grow(s.hk, g.h*g.ow), grow(s.ha, g.h*g.ow)
	s.bk, s.ba = grow(s.bk, g.ow), grow(s.ba, g.ow)
	s.hs, s.t = grow(s.hs, g.h*g.ow), grow(s.t, g.ow)
	return s
}

func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// maxKey maps v to an int32 that orders as v does (-0 and +0 equal), with
// every NaN above +Inf: so "key greater" is "v greater, or v the first
// NaN", and the selection compiles without branches.
func maxKey(v float32) int32 {
	b := math.Float32bits(v)
	a := int32(b & 0x7fffffff)
	s := int32(b) >> 31
	k := (a ^ s) - s
	if a > 0x7f800000 {
		k = math.MaxInt32
	}
	return k
}

// maxPlane pools one plane into ys and writes into as (if not nil) the
// plane index of each window's first maximum in window (row-major) order;
// a NaN beats every number, and the first NaN wins. The row-wise first
// maximum of the row with the first maximum is exactly that element.
func (p *poolPlan) maxPlane(xs, ys []float32, as []int32, s *poolScratch) {
	g := p.g
	ow := g.ow
	keys := s.keys
	for iy := 0; iy < g.h; iy++ {
		row := xs[iy*g.w:][:g.w]
		for i, v := range row {
			keys[i] = maxKey(v)
		}
		hk, ha := s.hk[iy*ow:][:ow], s.ha[iy*ow:][:ow]
		for ox := range hk {
			c0, c1 := p.c0[ox], p.c1[ox]
			if c1-c0 == 3 {
				// The 3-wide window of the DARTS pools, unrolled.
				w := keys[c0 : c0+3]
				best, arg := w[0], int32(c0)
				if w[1] > best {
					best, arg = w[1], int32(c0+1)
				}
				if w[2] > best {
					best, arg = w[2], int32(c0+2)
				}
				hk[ox], ha[ox] = best, arg
				continue
			}
			best, arg := keys[c0], int32(c0)
			for ix := c0 + 1; ix < c1; ix++ {
				if k := keys[ix]; k > best {
					best, arg = k, int32(ix)
				}
			}
			hk[ox], ha[ox] = best, arg
		}
	}
	bk, ba := s.bk, s.ba
	for oy := 0; oy < g.oh; oy++ {
		r0, r1 := p.r0[oy], p.r1[oy]
		copy(bk, s.hk[r0*ow:][:ow])
		base := int32(r0 * g.w)
		for ox, a := range s.ha[r0*ow:][:ow] {
			ba[ox] = base + a
		}
		for iy := r0 + 1; iy < r1; iy++ {
			hk, ha := s.hk[iy*ow:][:ow], s.ha[iy*ow:][:ow]
			base := int32(iy * g.w)
			for ox, k := range hk {
				if k > bk[ox] {
					bk[ox], ba[ox] = k, base+ha[ox]
				}
			}
		}
		yr := ys[oy*ow:][:ow]
		for ox, a := range ba {
			yr[ox] = xs[a]
		}
		if as != nil {
			copy(as[oy*ow:][:ow], ba)
		}
	}
}

// count is the divisor of output (oy, ox) of an average pool.
func (p *poolPlan) count(oy, ox int, includePad bool) float32 {
	if includePad {
		return float32(p.g.o.KH * p.g.o.KW)
	}
	return float32((p.r1[oy] - p.r0[oy]) * (p.c1[ox] - p.c0[ox]))
}

// avgPlane averages each window of one plane into ys.
func (p *poolPlan) avgPlane(xs, ys []float32, includePad bool, s *poolScratch) {
	g := p.g
	ow := g.ow
	for iy := 0; iy < g.h; iy++ {
		row := xs[iy*g.w:][:g.w]
		hs := s.hs[iy*ow:][:ow]
		for ox := range hs {
			w := row[p.c0[ox]:p.c1[ox]]
			if len(w) == 3 {
				hs[ox] = (w[0] + w[1]) + w[2] // the loop's order, unrolled
				continue
			}
			var sum float32
			for _, v := range w {
				sum += v
			}
			hs[ox] = sum
		}
	}
	for oy := 0; oy < g.oh; oy++ {
		r0, r1 := p.r0[oy], p.r1[oy]
		yr := ys[oy*ow:][:ow]
		copy(yr, s.hs[r0*ow:][:ow])
		for iy := r0 + 1; iy < r1; iy++ {
			for ox, v := range s.hs[iy*ow:][:ow] {
				yr[ox] += v
			}
		}
		for ox := range yr {
			yr[ox] /= p.count(oy, ox, includePad)
		}
	}
}

// avgBackPlane adds to dxs the gradient of avgPlane: each dy/count goes to
// every input of its window, first down the window's rows (whole rows at a
// time), then along each row's columns.
func (p *poolPlan) avgBackPlane(dys, dxs []float32, includePad bool, s *poolScratch) {
	g := p.g
	ow := g.ow
	u := s.hs[:g.h*ow]
	clear(u)
	t := s.t
	for oy := 0; oy < g.oh; oy++ {
		for ox, d := range dys[oy*ow:][:ow] {
			t[ox] = d / p.count(oy, ox, includePad)
		}
		for iy := p.r0[oy]; iy < p.r1[oy]; iy++ {
			ur := u[iy*ow:][:ow]
			for ox, v := range t {
				ur[ox] += v
			}
		}
	}
	for iy := 0; iy < g.h; iy++ {
		dr := dxs[iy*g.w:][:g.w]
		for ox, v := range u[iy*ow:][:ow] {
			seg := dr[p.c0[ox]:p.c1[ox]]
			if len(seg) == 3 {
				seg[0] += v
				seg[1] += v
				seg[2] += v
				continue
			}
			for i := range seg {
				seg[i] += v
			}
		}
	}
}
