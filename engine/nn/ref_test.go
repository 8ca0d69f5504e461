package nn

import (
	"math"
	"sort"
)

// Float64 references: the plainest loops that define each op, written
// independently of the engine's code paths.

type dims4 struct{ n, c, h, w int }

func (d dims4) at(n, c, y, x int) int { return ((n*d.c+c)*d.h+y)*d.w + x }

func refConv(x, w, b []float64, in dims4, cout, kh, kw int, o ConvOpts) []float64 {
	sh, sw, dh, dw, g := one(o.SH), one(o.SW), one(o.DH), one(o.DW), one(o.Groups)
	oh := (in.h+o.Pad.T+o.Pad.B-dh*(kh-1)-1)/sh + 1
	ow := (in.w+o.Pad.L+o.Pad.R-dw*(kw-1)-1)/sw + 1
	out := dims4{in.n, cout, oh, ow}
	cig, cog := in.c/g, cout/g
	y := make([]float64, in.n*cout*oh*ow)
	for n := 0; n < in.n; n++ {
		for co := 0; co < cout; co++ {
			grp := co / cog
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					s := 0.0
					if b != nil {
						s = b[co]
					}
					for ci := 0; ci < cig; ci++ {
						for ky := 0; ky < kh; ky++ {
							for kx := 0; kx < kw; kx++ {
								iy, ix := oy*sh-o.Pad.T+ky*dh, ox*sw-o.Pad.L+kx*dw
								if iy < 0 || iy >= in.h || ix < 0 || ix >= in.w {
									continue
								}
								s += x[in.at(n, grp*cig+ci, iy, ix)] * w[((co*cig+ci)*kh+ky)*kw+kx]
							}
						}
					}
					y[out.at(n, co, oy, ox)] = s
				}
			}
		}
	}
	return y
}

func refBN(x, gamma, beta, rm, rv []float64, d dims4, eps float64, train bool) []float64 {
	y := make([]float64, len(x))
	m := float64(d.n * d.h * d.w)
	for c := 0; c < d.c; c++ {
		var mean, v float64
		if train {
			for n := 0; n < d.n; n++ {
				for i := 0; i < d.h*d.w; i++ {
					mean += x[(n*d.c+c)*d.h*d.w+i]
				}
			}
			mean /= m
			for n := 0; n < d.n; n++ {
				for i := 0; i < d.h*d.w; i++ {
					e := x[(n*d.c+c)*d.h*d.w+i] - mean
					v += e * e
				}
			}
			v /= m
		} else {
			mean, v = rm[c], rv[c]
		}
		for n := 0; n < d.n; n++ {
			for i := 0; i < d.h*d.w; i++ {
				j := (n*d.c+c)*d.h*d.w + i
				y[j] = (x[j] - mean) / math.Sqrt(v+eps)
				if gamma != nil {
					y[j] = y[j]*gamma[c] + beta[c]
				}
			}
		}
	}
	return y
}

// refPool is max (avg=false) or average pooling; for averages, includePad
// divides by the whole window.
func refPool(x []float64, d dims4, o PoolOpts, avg, includePad bool) []float64 {
	oh := (d.h+o.Pad.T+o.Pad.B-o.KH)/o.SH + 1
	ow := (d.w+o.Pad.L+o.Pad.R-o.KW)/o.SW + 1
	od := dims4{d.n, d.c, oh, ow}
	y := make([]float64, d.n*d.c*oh*ow)
	for n := 0; n < d.n; n++ {
		for c := 0; c < d.c; c++ {
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					best, s, cnt := math.Inf(-1), 0.0, 0
					for ky := 0; ky < o.KH; ky++ {
						for kx := 0; kx < o.KW; kx++ {
							iy, ix := oy*o.SH-o.Pad.T+ky, ox*o.SW-o.Pad.L+kx
							if iy < 0 || iy >= d.h || ix < 0 || ix >= d.w {
								continue
							}
							v := x[d.at(n, c, iy, ix)]
							best = math.Max(best, v)
							s += v
							cnt++
						}
					}
					switch {
					case !avg:
						y[od.at(n, c, oy, ox)] = best
					case includePad:
						y[od.at(n, c, oy, ox)] = s / float64(o.KH*o.KW)
					default:
						y[od.at(n, c, oy, ox)] = s / float64(cnt)
					}
				}
			}
		}
	}
	return y
}

func refMap(x []float64, f func(float64) float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = f(v)
	}
	return y
}

func refSoftmaxRows(x []float64, k int, log bool) []float64 {
	y := make([]float64, len(x))
	for r := 0; r < len(x)/k; r++ {
		row := x[r*k : (r+1)*k]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, v)
		}
		var s float64
		for _, v := range row {
			s += math.Exp(v - m)
		}
		for j, v := range row {
			if log {
				y[r*k+j] = v - m - math.Log(s)
			} else {
				y[r*k+j] = math.Exp(v-m) / s
			}
		}
	}
	return y
}

func refCrossEntropy(x []float64, k int, labels []int, eps float64) []float64 {
	lp := refSoftmaxRows(x, k, true)
	var l float64
	for i, lab := range labels {
		for j := 0; j < k; j++ {
			t := eps / float64(k)
			if j == lab {
				t += 1 - eps
			}
			l -= t * lp[i*k+j]
		}
	}
	return []float64{l / float64(len(labels))}
}

func refLinear(x, w, b []float64, n, in, out int) []float64 {
	y := make([]float64, n*out)
	for i := 0; i < n; i++ {
		for o := 0; o < out; o++ {
			s := 0.0
			if b != nil {
				s = b[o]
			}
			for k := 0; k < in; k++ {
				s += x[i*in+k] * w[o*in+k]
			}
			y[i*out+o] = s
		}
	}
	return y
}

func refPad(x []float64, d dims4, p Pads) []float64 {
	oh, ow := d.h+p.T+p.B, d.w+p.L+p.R
	od := dims4{d.n, d.c, oh, ow}
	y := make([]float64, d.n*d.c*oh*ow)
	for n := 0; n < d.n; n++ {
		for c := 0; c < d.c; c++ {
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					iy, ix := oy-p.T, ox-p.L
					if iy >= 0 && iy < d.h && ix >= 0 && ix < d.w {
						y[od.at(n, c, oy, ox)] = x[d.at(n, c, iy, ix)]
					}
				}
			}
		}
	}
	return y
}

// refShuffle is PyTorch's view(N, g, C/g, H, W).transpose(1, 2).reshape.
func refShuffle(x []float64, d dims4, groups int) []float64 {
	cpg := d.c / groups
	hw := d.h * d.w
	y := make([]float64, len(x))
	for n := 0; n < d.n; n++ {
		// x as [g][cpg][hw]; transposed t[j][i] = x[i][j]; y is t flattened.
		for j := 0; j < cpg; j++ {
			for i := 0; i < groups; i++ {
				dst := (n*d.c + j*groups + i) * hw
				src := (n*d.c + i*cpg + j) * hw
				copy(y[dst:dst+hw], x[src:src+hw])
			}
		}
	}
	return y
}

// refTopK returns the indices of the k largest values of row, ties to the
// lower index.
func refTopK(row []float64, k int) []int {
	idx := make([]int, len(row))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return row[idx[a]] > row[idx[b]] })
	return idx[:k]
}
