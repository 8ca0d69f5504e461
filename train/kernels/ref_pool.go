package kernels

// Reference pooling and batch-norm statistics: plain loops that the fast
// versions are tested against.

func refMaxPool(x []float32, c int, g ConvGeom, y []float32, idx []int32) {
	for ch := 0; ch < c; ch++ {
		for oy := 0; oy < g.OH; oy++ {
			for ox := 0; ox < g.OW; ox++ {
				var m float32
				best := int32(-1)
				for ki := 0; ki < g.KH; ki++ {
					iy := oy*g.SH - g.PT + ki*g.DH
					if iy < 0 || iy >= g.H {
						continue
					}
					for kj := 0; kj < g.KW; kj++ {
						ix := ox*g.SW - g.PL + kj*g.DW
						if ix < 0 || ix >= g.W {
							continue
						}
						v := x[(ch*g.H+iy)*g.W+ix]
						if best < 0 || v > m || (v != v && m == m) {
							m, best = v, int32(iy*g.W+ix)
						}
					}
				}
				o := (ch*g.OH+oy)*g.OW + ox
				y[o] = m
				if idx != nil {
					idx[o] = best
				}
			}
		}
	}
}

func refMaxPoolBackward(dy []float32, idx []int32, c int, g ConvGeom, dx []float32) {
	for ch := 0; ch < c; ch++ {
		for o := 0; o < g.OH*g.OW; o++ {
			if i := idx[ch*g.OH*g.OW+o]; i >= 0 {
				dx[ch*g.H*g.W+int(i)] += dy[ch*g.OH*g.OW+o]
			}
		}
	}
}

// refAvgCount is the number of input positions in the window of (oy, ox).
func refAvgCount(g ConvGeom, oy, ox int) int {
	n := 0
	for ki := 0; ki < g.KH; ki++ {
		iy := oy*g.SH - g.PT + ki*g.DH
		for kj := 0; kj < g.KW; kj++ {
			ix := ox*g.SW - g.PL + kj*g.DW
			if iy >= 0 && iy < g.H && ix >= 0 && ix < g.W {
				n++
			}
		}
	}
	return n
}

func refAvgPool(x []float32, c int, g ConvGeom, y []float32) {
	for ch := 0; ch < c; ch++ {
		for oy := 0; oy < g.OH; oy++ {
			for ox := 0; ox < g.OW; ox++ {
				var s float32
				for ki := 0; ki < g.KH; ki++ {
					iy := oy*g.SH - g.PT + ki*g.DH
					for kj := 0; kj < g.KW; kj++ {
						ix := ox*g.SW - g.PL + kj*g.DW
						if iy >= 0 && iy < g.H && ix >= 0 && ix < g.W {
							s += x[(ch*g.H+iy)*g.W+ix]
						}
					}
				}
				var v float32
				if n := refAvgCount(g, oy, ox); n > 0 {
					v = s / float32(n)
				}
				y[(ch*g.OH+oy)*g.OW+ox] = v
			}
		}
	}
}

func refAvgPoolBackward(dy []float32, c int, g ConvGeom, dx []float32) {
	for ch := 0; ch < c; ch++ {
		for oy := 0; oy < g.OH; oy++ {
			for ox := 0; ox < g.OW; ox++ {
				n := refAvgCount(g, oy, ox)
				if n == 0 {
					continue
				}
				d := dy[(ch*g.OH+oy)*g.OW+ox] / float32(n)
				for ki := 0; ki < g.KH; ki++ {
					iy := oy*g.SH - g.PT + ki*g.DH
					for kj := 0; kj < g.KW; kj++ {
						ix := ox*g.SW - g.PL + kj*g.DW
						if iy >= 0 && iy < g.H && ix >= 0 && ix < g.W {
							dx[(ch*g.H+iy)*g.W+ix] += d
						}
					}
				}
			}
		}
	}
}
