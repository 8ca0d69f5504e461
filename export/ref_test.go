package export

import (
	"fmt"
	"math"

	"gonas/internal/spec"
)

// This file is a test oracle: a deliberately naive float64 interpreter of
// spec.Net (plain loops, no tricks), written independently of the lowering,
// against which ONNX Runtime's outputs are compared.

// act is a batch of NCHW activations (h = w = 1 for vectors).
type act struct {
	n, c, h, w int
	d          []float64
}

func newAct(n int, s spec.Shape) *act {
	return &act{n, s.C, s.H, s.W, make([]float64, n*s.C*s.H*s.W)}
}

func (a *act) at(n, c, h, w int) *float64 {
	return &a.d[((n*a.c+c)*a.h+h)*a.w+w]
}

// refForward runs net on x (batch n, shape net.Input) and returns the
// logits node's output, [n, numel].
func refForward(net *spec.Net, weights map[string][]float32, x []float32, n int) ([]float64, error) {
	vals := make([]*act, len(net.Nodes))
	p := func(name string) []float64 {
		w := weights[name]
		out := make([]float64, len(w))
		for i, v := range w {
			out[i] = float64(v)
		}
		return out
	}
	for i := range net.Nodes {
		nd := &net.Nodes[i]
		var in *act
		if len(nd.Inputs) > 0 {
			in = vals[nd.Inputs[0]]
		}
		out := newAct(n, nd.Out)
		switch nd.Kind {
		case spec.Input:
			if len(x) != len(out.d) {
				return nil, fmt.Errorf("input has %d values, want %d", len(x), len(out.d))
			}
			for j, v := range x {
				out.d[j] = float64(v)
			}
		case spec.Conv:
			w := p(nd.Name + ".weight")
			var b []float64
			if nd.Bias {
				b = p(nd.Name + ".bias")
			}
			g := nd.Groups
			cinG, coutG := in.c/g, nd.Out.C/g
			for b0 := 0; b0 < n; b0++ {
				for co := 0; co < nd.Out.C; co++ {
					grp := co / coutG
					for oh := 0; oh < out.h; oh++ {
						for ow := 0; ow < out.w; ow++ {
							s := 0.0
							if b != nil {
								s = b[co]
							}
							for ci := 0; ci < cinG; ci++ {
								for kh := 0; kh < nd.KH; kh++ {
									for kw := 0; kw < nd.KW; kw++ {
										ih := oh*nd.SH - nd.Pad.T + kh*nd.DH
										iw := ow*nd.SW - nd.Pad.L + kw*nd.DW
										if ih < 0 || ih >= in.h || iw < 0 || iw >= in.w {
											continue
										}
										wv := w[((co*cinG+ci)*nd.KH+kh)*nd.KW+kw]
										s += wv * *in.at(b0, grp*cinG+ci, ih, iw)
									}
								}
							}
							*out.at(b0, co, oh, ow) = s
						}
					}
				}
			}
		case spec.BN:
			mean, variance := p(nd.Name+".running_mean"), p(nd.Name+".running_var")
			for j := range out.d {
				c := (j / (out.h * out.w)) % out.c
				v := (in.d[j] - mean[c]) / math.Sqrt(variance[c]+nd.Eps)
				if nd.Affine {
					v = v*p(nd.Name + ".weight")[c] + p(nd.Name + ".bias")[c]
				}
				out.d[j] = v
			}
		case spec.ReLU:
			for j, v := range in.d {
				out.d[j] = math.Max(v, 0)
			}
		case spec.MaxPool, spec.AvgPool:
			for b0 := 0; b0 < n; b0++ {
				for c := 0; c < out.c; c++ {
					for oh := 0; oh < out.h; oh++ {
						for ow := 0; ow < out.w; ow++ {
							mx, sum, cnt := math.Inf(-1), 0.0, 0
							for kh := 0; kh < nd.KH; kh++ {
								for kw := 0; kw < nd.KW; kw++ {
									ih, iw := oh*nd.SH-nd.Pad.T+kh, ow*nd.SW-nd.Pad.L+kw
									if ih < 0 || ih >= in.h || iw < 0 || iw >= in.w {
										continue
									}
									v := *in.at(b0, c, ih, iw)
									mx = math.Max(mx, v)
									sum += v
									cnt++
								}
							}
							r := mx
							if nd.Kind == spec.AvgPool {
								if nd.CountPad {
									cnt = nd.KH * nd.KW
								}
								r = sum / float64(cnt)
							}
							*out.at(b0, c, oh, ow) = r
						}
					}
				}
			}
		case spec.GAP:
			for b0 := 0; b0 < n; b0++ {
				for c := 0; c < out.c; c++ {
					s := 0.0
					for h := 0; h < in.h; h++ {
						for w := 0; w < in.w; w++ {
							s += *in.at(b0, c, h, w)
						}
					}
					*out.at(b0, c, 0, 0) = s / float64(in.h*in.w)
				}
			}
		case spec.Linear:
			w, b := p(nd.Name+".weight"), p(nd.Name+".bias")
			k := in.c * in.h * in.w
			for b0 := 0; b0 < n; b0++ {
				for o := 0; o < out.c; o++ {
					s := b[o]
					for j := 0; j < k; j++ {
						s += w[o*k+j] * in.d[b0*k+j]
					}
					out.d[b0*out.c+o] = s
				}
			}
		case spec.Add:
			for _, id := range nd.Inputs {
				for j, v := range vals[id].d {
					out.d[j] += v
				}
			}
		case spec.Concat:
			off := 0
			for _, id := range nd.Inputs {
				src := vals[id]
				for b0 := 0; b0 < n; b0++ {
					for c := 0; c < src.c; c++ {
						for h := 0; h < src.h; h++ {
							for w := 0; w < src.w; w++ {
								*out.at(b0, off+c, h, w) = *src.at(b0, c, h, w)
							}
						}
					}
				}
				off += src.c
			}
		case spec.Zero:
			// out is already zero.
		case spec.Pad:
			for b0 := 0; b0 < n; b0++ {
				for c := 0; c < out.c; c++ {
					for h := 0; h < out.h; h++ {
						for w := 0; w < out.w; w++ {
							ih, iw := h-nd.Pad.T, w-nd.Pad.L
							if ih >= 0 && ih < in.h && iw >= 0 && iw < in.w {
								*out.at(b0, c, h, w) = *in.at(b0, c, ih, iw)
							}
						}
					}
				}
			}
		case spec.DropPath:
			copy(out.d, in.d)
		case spec.Shuffle:
			// view (g, C/g), transpose: output channel j*g+i is input i*(C/g)+j.
			g, per := nd.Groups, out.c/nd.Groups
			for b0 := 0; b0 < n; b0++ {
				for i := 0; i < g; i++ {
					for j := 0; j < per; j++ {
						for h := 0; h < out.h; h++ {
							for w := 0; w < out.w; w++ {
								*out.at(b0, j*g+i, h, w) = *in.at(b0, i*per+j, h, w)
							}
						}
					}
				}
			}
		case spec.Slice:
			for b0 := 0; b0 < n; b0++ {
				for c := 0; c < out.c; c++ {
					for h := 0; h < out.h; h++ {
						for w := 0; w < out.w; w++ {
							*out.at(b0, c, h, w) = *in.at(b0, nd.Start+c, h, w)
						}
					}
				}
			}
		default:
			return nil, fmt.Errorf("reference: kind %q", nd.Kind)
		}
		vals[i] = out
	}
	return vals[net.Output].d, nil
}
