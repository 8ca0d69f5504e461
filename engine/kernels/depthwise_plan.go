package kernels

// dwPlan lays out a depthwise convolution so that every kernel tap is a
// contiguous row segment: the input plane is zero-padded and split by
// column phase (x mod SW) into SW planes of hp x wq, so output row oy, tap
// (ki, kj) reads phase (kj*DW)%SW, row oy*SH + ki*DH, columns
// ox + (kj*DW)/SW for ox in [0, OW). The data gradient uses the mirrored
// layout: dy padded with tp zero rows on top and maxoff zeros in front of
// each row of wd = wq + maxoff floats, so that every dx row of one class
// (padded row r mod SH, column phase q) gathers the same taps at the same
// offsets from its own base row.
type dwPlan struct {
	g      ConvGeom
	hp, wq int // padded rows and phase-plane width
	maxoff int // (KW-1)*DW/SW, the largest column offset of a tap
	wd     int // row length of the padded dy
	tp, hd int // zero rows above dy, and all rows, of the padded dy
	direct bool
	fwd    []int // fwd[ki*KW+kj]: offset of the tap in the padded input
	fwdMax int   // largest fwd offset

	// Backward classes c = rho*SW + q: taps bwdTap[bwdStart[c]:bwdStart[c+1]]
	// (indices into the KH*KW weights) at offsets bwdOff[...] from the base
	// row m*wd of padded row r = rho + m*SH; bwdMax[c] is the largest.
	bwdTap, bwdOff, bwdStart, bwdMax []int
}

// newDWPlan computes the layout for g into p (reusing p.fwd).
func (p *dwPlan) init(g ConvGeom) {
	p.g = g
	p.hp = max(g.H+g.PT, (g.OH-1)*g.SH+(g.KH-1)*g.DH+1)
	wp := max(g.W+g.PL, (g.OW-1)*g.SW+(g.KW-1)*g.DW+1)
	p.wq = (wp + g.SW - 1) / g.SW
	// Without padding and with unit column stride the input plane itself
	// has the padded layout.
	p.direct = g.SW == 1 && g.PT == 0 && g.PL == 0 &&
		(g.OH-1)*g.SH+(g.KH-1)*g.DH < g.H && (g.OW-1)+(g.KW-1)*g.DW < g.W
	if p.direct {
		p.hp, p.wq = g.H, g.W
	}
	p.maxoff = (g.KW - 1) * g.DW / g.SW
	p.wd = p.wq + p.maxoff
	p.tp = ((g.KH-1)*g.DH + g.SH - 1) / g.SH
	p.hd = p.tp + max(g.OH, (g.H-1+g.PT)/g.SH+1)
	p.initBackward()
	p.fwd = growInts(p.fwd, g.KH*g.KW)
	p.fwdMax = 0
	for ki := 0; ki < g.KH; ki++ {
		for kj := 0; kj < g.KW; kj++ {
			q := kj * g.DW % g.SW
			o := q*p.hp*p.wq + ki*g.DH*p.wq + kj*g.DW/g.SW
			p.fwd[ki*g.KW+kj] = o
			p.fwdMax = max(p.fwdMax, o)
		}
	}
}

func (p *dwPlan) initBackward() {
	g := p.g
	nc := g.SH * g.SW
	p.bwdStart = growInts(p.bwdStart, nc+1)
	p.bwdMax = growInts(p.bwdMax, nc)
	p.bwdTap = growInts(p.bwdTap, g.KH*g.KW)[:0]
	p.bwdOff = growInts(p.bwdOff, g.KH*g.KW)[:0]
	for rho := 0; rho < g.SH; rho++ {
		for q := 0; q < g.SW; q++ {
			c := rho*g.SW + q
			p.bwdStart[c] = len(p.bwdTap)
			p.bwdMax[c] = 0
			for ki := 0; ki < g.KH; ki++ {
				if ki*g.DH%g.SH != rho {
					continue
				}
				for kj := 0; kj < g.KW; kj++ {
					if kj*g.DW%g.SW != q {
						continue
					}
					o := ((rho-ki*g.DH)/g.SH+p.tp)*p.wd + p.maxoff - kj*g.DW/g.SW
					if g.SW == 1 {
						o += g.PL
					}
					p.bwdTap = append(p.bwdTap, ki*g.KW+kj)
					p.bwdOff = append(p.bwdOff, o)
					p.bwdMax[c] = max(p.bwdMax[c], o)
				}
			}
		}
	}
	p.bwdStart[nc] = len(p.bwdTap)
}

// padInput writes plane x, or relu(x) with relu, into dst in the padded,
// phase-split layout (or returns x itself for a direct plan without relu).
func (p *dwPlan) padInput(x, dst []float32, relu bool) []float32 {
	g := p.g
	if p.direct {
		if relu {
			ReLURow(x[:g.H*g.W], dst)
			return dst[:g.H*g.W]
		}
		return x[:g.H*g.W]
	}
	dst = p.padPlanes(x, dst)
	if relu {
		ReLURow(dst, dst) // the zeros stay
	}
	return dst
}

// padPlanes is padInput's layout for a plan that is not direct.
func (p *dwPlan) padPlanes(x, dst []float32) []float32 {
	g := p.g
	dst = dst[:g.SW*p.hp*p.wq]
	if g.SW == 1 {
		// One clear and one block copy instead of per-row work.
		clear(dst)
		c0, c1 := validRange(-g.PL, 1, g.W, p.wq)
		if c0 < c1 && g.H > 0 {
			copyRows(dst[g.PT*p.wq+c0:], p.wq, x[c0-g.PL:], g.W, g.H, c1-c0)
		}
		return dst
	}
	// Clear once, then deal each input row out to its phase planes.
	clear(dst)
	if g.SW == 2 {
		pe, po := g.PL&1, (g.PL+1)&1 // phases of even and odd input columns
		for iy := 0; iy < g.H; iy++ {
			r := iy + g.PT
			even := dst[(pe*p.hp+r)*p.wq+g.PL>>1 : (pe*p.hp+r+1)*p.wq]
			odd := dst[(po*p.hp+r)*p.wq+(g.PL+1)>>1 : (po*p.hp+r+1)*p.wq]
			deinterleave2(even, odd, x[iy*g.W:(iy+1)*g.W])
		}
		return dst
	}
	for q := 0; q < g.SW; q++ {
		c0, c1 := validRange(q-g.PL, g.SW, g.W, p.wq)
		if c0 >= c1 {
			continue
		}
		ix0 := c0*g.SW + q - g.PL
		for iy := 0; iy < g.H; iy++ {
			r := iy + g.PT
			d := dst[(q*p.hp+r)*p.wq+c0 : (q*p.hp+r)*p.wq+c1]
			src := x[iy*g.W+ix0 : iy*g.W+ix0+(c1-c0-1)*g.SW+1]
			for i := range d {
				d[i] = src[i*g.SW]
			}
		}
	}
	return dst
}

// padGrad writes dy (OH x OW) into dst as hd rows of wd floats:
// dst[(oy+tp)*wd + maxoff + ox] = dy[oy*OW + ox], zero elsewhere.
func (p *dwPlan) padGrad(dy, dst []float32) []float32 {
	g := p.g
	dst = dst[:p.hd*p.wd]
	clear(dst)
	copyRows(dst[p.tp*p.wd+p.maxoff:], p.wd, dy, g.OW, g.OH, g.OW)
	return dst
}

// dwScratch is one goroutine's working memory for depthwise planes.
type dwScratch struct {
	plan    dwPlan
	xp, dyp []float32
	tmp     []float32
	dxr     []float32 // a plane's input gradient before the ReLU's mask
	offs    []int
	w       []float32
}

var dwScratchPool freeList[dwScratch]

func getDWScratch(g ConvGeom) *dwScratch {
	s := dwScratchPool.get()
	s.plan.init(g)
	s.xp = growFloats(s.xp, g.SW*s.plan.hp*s.plan.wq)
	s.dyp = growFloats(s.dyp, s.plan.hd*s.plan.wd)
	s.tmp = growFloats(s.tmp, g.SW*(g.H/g.SH+1)*s.plan.wq)
	s.dxr = growFloats(s.dxr, g.H*g.W)
	s.offs = growInts(s.offs, g.KH*g.KW)
	s.w = growFloats(s.w, g.KH*g.KW)
	return s
}
