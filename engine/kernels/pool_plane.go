package kernels

import "math"

// Pools are separable: a window's maximum (or sum) is the maximum (sum)
// over its rows of the row maxima (sums) over its columns. So each plane
// takes a horizontal pass, per input row and output column, then a
// vertical pass, per output row over whole rows of the first pass: KH+KW
// steps per output instead of KH*KW, and the vertical pass runs along
// contiguous rows.

// poolScratch is one goroutine's plan and workspace for the planes of g.
type poolScratch struct {
	g            ConvGeom
	r0, r1       []int     // input rows [r0[oy], r1[oy]) of each output row
	c0, c1       []int     // input columns [c0[ox], c1[ox]) of each output column
	keys, hk, ha []int32   // one row's max keys; row maxima's keys and columns
	bk, ba       []int32   // vertical pass: key and plane index of the maximum
	hs, t        []float32 // horizontal sums; one row of dy / divisor
	ev           []float32 // maxPlaneFast: a plane's odd columns (t holds the even ones)
}

var poolScratchPool freeList[poolScratch]

func getPoolScratch(g ConvGeom) *poolScratch {
	s := poolScratchPool.get()
	s.g = g
	s.r0, s.r1 = growInts(s.r0, g.OH), growInts(s.r1, g.OH)
	s.c0, s.c1 = growInts(s.c0, g.OW), growInts(s.c1, g.OW)
	for oy := range s.r0 {
		y0 := oy*g.SH - g.PT
		s.r0[oy], s.r1[oy] = max(y0, 0), min(y0+g.KH, g.H)
	}
	for ox := range s.c0 {
		x0 := ox*g.SW - g.PL
		s.c0[ox], s.c1[ox] = max(x0, 0), min(x0+g.KW, g.W)
	}
	s.keys = grow(s.keys, g.W)
	s.hk, s.ha = grow(s.hk, g.H*g.OW), grow(s.ha, g.H*g.OW)
	s.bk, s.ba = grow(s.bk, g.OW), grow(s.ba, g.OW)
	s.hs, s.t = grow(s.hs, g.H*g.OW), grow(s.t, g.OW)
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
// plane index of each window's first maximum in window order. The
// row-wise first maximum of the row with the first maximum is exactly
// that element.
func (s *poolScratch) maxPlane(xs, ys []float32, as []int32) {
	g := &s.g
	ow := g.OW
	keys := s.keys
	for iy := 0; iy < g.H; iy++ {
		row := xs[iy*g.W:][:g.W]
		for i, v := range row {
			keys[i] = maxKey(v)
		}
		hk, ha := s.hk[iy*ow:][:ow], s.ha[iy*ow:][:ow]
		for ox := range hk {
			c0, c1 := s.c0[ox], s.c1[ox]
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
	for oy := 0; oy < g.OH; oy++ {
		r0, r1 := s.r0[oy], s.r1[oy]
		copy(bk, s.hk[r0*ow:][:ow])
		base := int32(r0 * g.W)
		for ox, a := range s.ha[r0*ow:][:ow] {
			ba[ox] = base + a
		}
		for iy := r0 + 1; iy < r1; iy++ {
			hk, ha := s.hk[iy*ow:][:ow], s.ha[iy*ow:][:ow]
			base := int32(iy * g.W)
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

// divisor is the divisor of output (oy, ox) of an average pool.
func (s *poolScratch) divisor(oy, ox int, countPad bool) float32 {
	if countPad {
		return float32(s.g.KH * s.g.KW)
	}
	return float32((s.r1[oy] - s.r0[oy]) * (s.c1[ox] - s.c0[ox]))
}

// avgPlane averages each window of one plane into ys.
func (s *poolScratch) avgPlane(xs, ys []float32, countPad bool) {
	g := &s.g
	ow := g.OW
	for iy := 0; iy < g.H; iy++ {
		row := xs[iy*g.W:][:g.W]
		hs := s.hs[iy*ow:][:ow]
		for ox := range hs {
			w := row[s.c0[ox]:s.c1[ox]]
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
	for oy := 0; oy < g.OH; oy++ {
		r0, r1 := s.r0[oy], s.r1[oy]
		yr := ys[oy*ow:][:ow]
		copy(yr, s.hs[r0*ow:][:ow])
		for iy := r0 + 1; iy < r1; iy++ {
			for ox, v := range s.hs[iy*ow:][:ow] {
				yr[ox] += v
			}
		}
		for ox := range yr {
			yr[ox] /= s.divisor(oy, ox, countPad)
		}
	}
}

// avgBackPlane adds to dxs the gradient of avgPlane: each dy/divisor goes
// to every input of its window, first down the window's rows (whole rows at
// a time), then along each row's columns.
func (s *poolScratch) avgBackPlane(dys, dxs []float32, countPad bool) {
	g := &s.g
	ow := g.OW
	u := s.hs[:g.H*ow]
	clear(u)
	t := s.t
	for oy := 0; oy < g.OH; oy++ {
		for ox, d := range dys[oy*ow:][:ow] {
			t[ox] = d / s.divisor(oy, ox, countPad)
		}
		for iy := s.r0[oy]; iy < s.r1[oy]; iy++ {
			ur := u[iy*ow:][:ow]
			for ox, v := range t {
				ur[ox] += v
			}
		}
	}
	for iy := 0; iy < g.H; iy++ {
		dr := dxs[iy*g.W:][:g.W]
		for ox, v := range u[iy*ow:][:ow] {
			seg := dr[s.c0[ox]:s.c1[ox]]
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
