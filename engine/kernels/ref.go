package kernels

// Reference implementations: simple, obviously correct loops. The fast
// kernels are tested against them.

func refSgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}

func refIm2col(x []float32, c int, g ConvGeom, cols []float32) {
	n := g.OH * g.OW
	for ch := 0; ch < c; ch++ {
		for ki := 0; ki < g.KH; ki++ {
			for kj := 0; kj < g.KW; kj++ {
				row := ((ch*g.KH+ki)*g.KW + kj) * n
				for oy := 0; oy < g.OH; oy++ {
					iy := oy*g.SH - g.PT + ki*g.DH
					for ox := 0; ox < g.OW; ox++ {
						ix := ox*g.SW - g.PL + kj*g.DW
						var v float32
						if iy >= 0 && iy < g.H && ix >= 0 && ix < g.W {
							v = x[(ch*g.H+iy)*g.W+ix]
						}
						cols[row+oy*g.OW+ox] = v
					}
				}
			}
		}
	}
}

func refCol2im(cols []float32, c int, g ConvGeom, dx []float32) {
	n := g.OH * g.OW
	for ch := 0; ch < c; ch++ {
		for ki := 0; ki < g.KH; ki++ {
			for kj := 0; kj < g.KW; kj++ {
				row := ((ch*g.KH+ki)*g.KW + kj) * n
				for oy := 0; oy < g.OH; oy++ {
					iy := oy*g.SH - g.PT + ki*g.DH
					if iy < 0 || iy >= g.H {
						continue
					}
					for ox := 0; ox < g.OW; ox++ {
						ix := ox*g.SW - g.PL + kj*g.DW
						if ix >= 0 && ix < g.W {
							dx[(ch*g.H+iy)*g.W+ix] += cols[row+oy*g.OW+ox]
						}
					}
				}
			}
		}
	}
}

func refDepthwise(x, w []float32, c int, g ConvGeom, y []float32) {
	for ch := 0; ch < c; ch++ {
		for oy := 0; oy < g.OH; oy++ {
			for ox := 0; ox < g.OW; ox++ {
				var s float32
				for ki := 0; ki < g.KH; ki++ {
					iy := oy*g.SH - g.PT + ki*g.DH
					if iy < 0 || iy >= g.H {
						continue
					}
					for kj := 0; kj < g.KW; kj++ {
						ix := ox*g.SW - g.PL + kj*g.DW
						if ix >= 0 && ix < g.W {
							s += x[(ch*g.H+iy)*g.W+ix] * w[(ch*g.KH+ki)*g.KW+kj]
						}
					}
				}
				y[(ch*g.OH+oy)*g.OW+ox] = s
			}
		}
	}
}

func refDepthwiseBackward(x, w, dy []float32, c int, g ConvGeom, dx, dw []float32) {
	for ch := 0; ch < c; ch++ {
		for oy := 0; oy < g.OH; oy++ {
			for ox := 0; ox < g.OW; ox++ {
				d := dy[(ch*g.OH+oy)*g.OW+ox]
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
						xi := (ch*g.H+iy)*g.W + ix
						wi := (ch*g.KH+ki)*g.KW + kj
						if dx != nil {
							dx[xi] += d * w[wi]
						}
						if dw != nil {
							dw[wi] += d * x[xi]
						}
					}
				}
			}
		}
	}
}
