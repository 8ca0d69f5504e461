package kernels

// Reference pools: plain loops over each output's window, which the
// separable pools are tested against. Sums add in the separable order
// (each window row from +0, left to right, then the row sums top to
// bottom), so results match bit for bit.

// refWindow is the clipped input window [y0, y1) x [x0, x1) of output
// (oy, ox).
func refWindow(g ConvGeom, oy, ox int) (y0, y1, x0, x1 int) {
	y0, x0 = oy*g.SH-g.PT, ox*g.SW-g.PL
	return max(y0, 0), min(y0+g.KH, g.H), max(x0, 0), min(x0+g.KW, g.W)
}

func refMaxPool(x []float32, c int, g ConvGeom, y []float32, idx []int32) {
	for ch := 0; ch < c; ch++ {
		for oy := 0; oy < g.OH; oy++ {
			for ox := 0; ox < g.OW; ox++ {
				y0, y1, x0, x1 := refWindow(g, oy, ox)
				var m float32
				best := -1
				for iy := y0; iy < y1; iy++ {
					for ix := x0; ix < x1; ix++ {
						v := x[(ch*g.H+iy)*g.W+ix]
						if best < 0 || v > m || (v != v && m == m) {
							m, best = v, iy*g.W+ix
						}
					}
				}
				o := (ch*g.OH+oy)*g.OW + ox
				y[o] = m
				if idx != nil {
					idx[o] = int32(best)
				}
			}
		}
	}
}

func refMaxPoolBackward(dy []float32, idx []int32, c int, g ConvGeom, dx []float32) {
	for ch := 0; ch < c; ch++ {
		for o := 0; o < g.OH*g.OW; o++ {
			dx[ch*g.H*g.W+int(idx[ch*g.OH*g.OW+o])] += dy[ch*g.OH*g.OW+o]
		}
	}
}

// refDivisor is the divisor of output (oy, ox): KH*KW with countPad, else
// the number of inputs in the window.
func refDivisor(g ConvGeom, oy, ox int, countPad bool) float32 {
	if countPad {
		return float32(g.KH * g.KW)
	}
	y0, y1, x0, x1 := refWindow(g, oy, ox)
	return float32((y1 - y0) * (x1 - x0))
}

func refAvgPool(x []float32, c int, g ConvGeom, y []float32, countPad bool) {
	for ch := 0; ch < c; ch++ {
		for oy := 0; oy < g.OH; oy++ {
			for ox := 0; ox < g.OW; ox++ {
				y0, y1, x0, x1 := refWindow(g, oy, ox)
				var s float32
				for iy := y0; iy < y1; iy++ {
					var r float32
					for ix := x0; ix < x1; ix++ {
						r += x[(ch*g.H+iy)*g.W+ix]
					}
					if iy == y0 {
						s = r
					} else {
						s += r
					}
				}
				y[(ch*g.OH+oy)*g.OW+ox] = s / refDivisor(g, oy, ox, countPad)
			}
		}
	}
}

// refAvgPoolBackward gathers: each input adds, per output column whose
// window holds it (left to right), the sum from +0 of dy/divisor over the
// output rows whose windows hold it (top to bottom).
func refAvgPoolBackward(dy []float32, c int, g ConvGeom, dx []float32, countPad bool) {
	for ch := 0; ch < c; ch++ {
		for iy := 0; iy < g.H; iy++ {
			for ix := 0; ix < g.W; ix++ {
				for ox := 0; ox < g.OW; ox++ {
					if _, _, x0, x1 := refWindow(g, 0, ox); ix < x0 || ix >= x1 {
						continue
					}
					var u float32
					for oy := 0; oy < g.OH; oy++ {
						if y0, y1, _, _ := refWindow(g, oy, ox); iy >= y0 && iy < y1 {
							u += dy[(ch*g.OH+oy)*g.OW+ox] / refDivisor(g, oy, ox, countPad)
						}
					}
					dx[(ch*g.H+iy)*g.W+ix] += u
				}
			}
		}
	}
}
