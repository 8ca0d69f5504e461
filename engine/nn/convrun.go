package nn

import "gonas/engine/kernels"

// convRun holds one convolution's sizes for its forward and backward.
//
// Dense and grouped convolutions are per-image GEMMs (after im2col unless
// the conv is 1x1, stride 1 and unpadded). With at least as many images as
// threads the images are split over the threads with kernels.ParallelParts
// and every GEMM runs on its own goroutine (kernels.SgemmSerial): small
// per-image GEMMs split poorly. With fewer images each GEMM is split
// instead (kernels.Sgemm). Both give the same bits, so the forward pass and
// the input gradient do not depend on the thread count.
//
// The weight gradient sums over the images. They are cut into dwChunks
// chunks, a number that depends only on the shapes; each chunk sums its
// images in order into its own buffer (the first chunk straight into dw)
// and the chunk sums are then added in chunk order. So the weight gradient
// does not depend on the thread count either.
//
// With relu the convolution is of relu(x) (ConvOpts.ReLUIn): each image's
// ReLU is applied in the workspace as the image is read, the input gradient
// goes through the ReLU's mask (gated by x itself), and relu(x) is never
// stored.
type convRun struct {
	c                    *Ctx
	g                    kernels.ConvGeom
	n, cin, cout, groups int
	relu                 bool
}

// maxDWChunks is the most chunks the weight gradient's image sum is cut
// into: enough to keep 8 threads busy, few enough that the partial sums
// cost little to reduce.
const maxDWChunks = 8

func (r *convRun) depthwise() bool { return r.groups == r.cin && r.cout == r.cin }

func (r *convRun) pointwise() bool {
	g := r.g
	return g.KH == 1 && g.KW == 1 && g.SH == 1 && g.SW == 1 && g.PT == 0 && g.PL == 0 && g.OH == g.H && g.OW == g.W
}

// sizes returns the input and output plane sizes, the GEMM depth per group
// (Cin/groups*KH*KW), the output channels per group and the im2col buffer
// length of one image (0 for a pointwise conv, which needs none).
func (r *convRun) sizes() (hw, ohw, k, cog, cols int) {
	g := r.g
	hw, ohw = g.H*g.W, g.OH*g.OW
	k = r.cin / r.groups * g.KH * g.KW
	if !r.pointwise() {
		cols = r.cin * g.KH * g.KW * ohw
	}
	return hw, ohw, k, r.cout / r.groups, cols
}

// wsLen is the workspace of one image: its im2col columns, then, with
// relu, one image of relu(x) or of its input gradient.
func (r *convRun) wsLen() int {
	hw, _, _, _, ncols := r.sizes()
	if r.relu {
		ncols += r.cin * hw
	}
	return ncols
}

// input is image img's GEMM operand in ws: x_i, relu(x_i) or their im2col
// columns.
func (r *convRun) input(x, ws []float32, img int) []float32 {
	hw, _, _, _, ncols := r.sizes()
	b := x[img*r.cin*hw : (img+1)*r.cin*hw]
	if r.relu {
		rx := ws[ncols:][:len(b)]
		kernels.ReLURow(b, rx)
		b = rx
	}
	if ncols > 0 {
		kernels.Im2col(b, r.cin, r.g, ws[:ncols])
		b = ws[:ncols]
	}
	return b
}

// splitImages tells whether images go to separate threads (each GEMM
// serial) rather than in turn (each GEMM parallel).
func (r *convRun) splitImages() bool { return r.n >= kernels.Threads() }

// dwChunks is the number of chunks of the weight gradient's image sum for
// inputs of nx floats, output gradients of ndy and weights of nw: at most
// maxDWChunks and the image count, and the chunk buffers (all but one
// chunk's) together no larger than the activations. It depends only on the
// shapes.
func (r *convRun) dwChunks(nx, ndy, nw int) int {
	return max(1, min(r.n, maxDWChunks, 1+max(nx, ndy)/max(nw, 1)))
}

// gemm is kernels.Sgemm when par, else kernels.SgemmSerial (equal bits).
func gemm(par, transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if par {
		kernels.Sgemm(transA, transB, m, n, k, 1, a, lda, b, ldb, beta, c, ldc)
		return
	}
	kernels.SgemmSerial(transA, transB, m, n, k, 1, a, lda, b, ldb, beta, c, ldc)
}

// temps takes parts workspace buffers of n floats from the pool (nil ones
// when n is 0); free returns them.
func (r *convRun) temps(parts, n int, zero bool) [][]float32 {
	bufs := make([][]float32, parts)
	if n > 0 {
		for i := range bufs {
			bufs[i] = r.c.temp(n, zero)
		}
	}
	return bufs
}

func (r *convRun) free(bufs [][]float32) {
	for _, b := range bufs {
		if b != nil {
			r.c.pool.put(b)
		}
	}
}

// forImages runs fn over the images, split over threads when splitImages
// (fn's par false) or in turn with par true; ws are per-part workspaces.
func (r *convRun) forImages(ncols int, fn func(par bool, ws []float32, img int)) {
	if !r.splitImages() {
		ws := r.temps(1, ncols, false)
		for img := 0; img < r.n; img++ {
			fn(true, ws[0], img)
		}
		r.free(ws)
		return
	}
	ws := r.temps(kernels.Parts(r.n), ncols, false)
	kernels.ParallelParts(r.n, func(part, lo, hi int) {
		for img := lo; img < hi; img++ {
			fn(false, ws[part], img)
		}
	})
	r.free(ws)
}

func (r *convRun) forward(x, w, y []float32) {
	if r.depthwise() && r.relu {
		kernels.DepthwiseReLUBatch(x, w, r.n, r.cin, r.g, y)
		return
	}
	if r.depthwise() {
		kernels.DepthwiseBatch(x, w, r.n, r.cin, r.g, y)
		return
	}
	_, ohw, k, cog, _ := r.sizes()
	r.forImages(r.wsLen(), func(par bool, ws []float32, img int) {
		b := r.input(x, ws, img)
		yi := y[img*r.cout*ohw:]
		for gi := 0; gi < r.groups; gi++ {
			gemm(par, false, false, cog, ohw, k, w[gi*cog*k:], k, b[gi*k*ohw:], ohw, 0, yi[gi*cog*ohw:], ohw)
		}
	})
}

// backward adds the input gradient to dx and the weight gradient to dw
// (either may be nil). With fresh, dx holds garbage and is overwritten.
func (r *convRun) backward(x, w, dy, dx, dw []float32, fresh bool) {
	if dx == nil && dw == nil {
		return
	}
	if r.depthwise() {
		xs := x
		if dw == nil && !r.relu {
			// x may be released; the kernel reads it only for dw but
			// checks its length: dx has the same.
			xs = dx
		}
		if fresh {
			pclear(dx)
		}
		if r.relu {
			kernels.DepthwiseReLUBackwardBatch(xs, w, dy, r.n, r.cin, r.g, dx, dw)
			return
		}
		kernels.DepthwiseBackwardBatch(xs, w, dy, r.n, r.cin, r.g, dx, dw)
		return
	}
	ncols := r.wsLen()
	chunks := 0
	if dw != nil {
		chunks = r.dwChunks(len(x), len(dy), len(dw))
	}
	if chunks >= 2 {
		r.backwardChunks(chunks, ncols, x, w, dy, dx, dw, fresh)
		return
	}
	if dw != nil {
		// One chunk: images in turn, each GEMM over all threads.
		ws := r.temps(1, ncols, false)
		for img := 0; img < r.n; img++ {
			r.weightGrad(true, ws[0], x, dy, dw, img)
		}
		r.free(ws)
	}
	if dx != nil {
		r.forImages(ncols, func(par bool, ws []float32, img int) { r.dataGrad(par, ws, x, w, dy, dx, img, fresh) })
	}
}

// backwardChunks does both gradients chunk by chunk, the chunks split over
// threads: per image the weight gradient (im2col, GEMM into the chunk's
// sum), then the input gradient (GEMM into the same columns, col2im).
func (r *convRun) backwardChunks(chunks, ncols int, x, w, dy, dx, dw []float32, fresh bool) {
	ws := r.temps(kernels.Parts(chunks), ncols, false)
	partial := r.temps(chunks-1, len(dw), true)
	kernels.ParallelParts(chunks, func(part, lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			acc := dw
			if ch > 0 {
				acc = partial[ch-1]
			}
			for img := ch * r.n / chunks; img < (ch+1)*r.n/chunks; img++ {
				r.weightGrad(false, ws[part], x, dy, acc, img)
				if dx != nil {
					r.dataGrad(false, ws[part], x, w, dy, dx, img, fresh)
				}
			}
		}
	})
	for _, p := range partial {
		addTo(p, dw)
	}
	r.free(partial)
	r.free(ws)
}

// weightGrad adds image img's weight gradient dy_i x cols_i^T to acc.
func (r *convRun) weightGrad(par bool, ws, x, dy, acc []float32, img int) {
	_, ohw, k, cog, _ := r.sizes()
	b := r.input(x, ws, img)
	dyi := dy[img*r.cout*ohw:]
	for gi := 0; gi < r.groups; gi++ {
		gemm(par, false, true, cog, k, ohw, dyi[gi*cog*ohw:], ohw, b[gi*k*ohw:], ohw, 1, acc[gi*cog*k:], k)
	}
}

// dataGrad adds image img's input gradient W^T dy_i (through col2im unless
// pointwise; through the ReLU's mask, gated by x_i, with relu) to dx, or
// writes it when fresh; ws is overwritten.
func (r *convRun) dataGrad(par bool, ws, x, w, dy, dx []float32, img int, fresh bool) {
	hw, ohw, k, cog, ncols := r.sizes()
	dyi := dy[img*r.cout*ohw:]
	dxi := dx[img*r.cin*hw : (img+1)*r.cin*hw]
	out, add := dxi, !fresh // the gradient of the convolution's own input
	if r.relu {
		out, add = ws[ncols:][:len(dxi)], false
	}
	if ncols == 0 {
		beta := float32(0)
		if add {
			beta = 1
		}
		for gi := 0; gi < r.groups; gi++ {
			gemm(par, true, false, k, hw, cog, w[gi*cog*k:], k, dyi[gi*cog*hw:], hw, beta, out[gi*k*hw:], hw)
		}
	} else {
		cols := ws[:ncols]
		for gi := 0; gi < r.groups; gi++ {
			gemm(par, true, false, k, ohw, cog, w[gi*cog*k:], k, dyi[gi*cog*ohw:], ohw, 0, cols[gi*k*ohw:], ohw)
		}
		if !add {
			clear(out)
		}
		kernels.Col2im(cols, r.cin, r.g, out)
	}
	if !r.relu {
		return
	}
	xi := x[img*r.cin*hw : (img+1)*r.cin*hw]
	if fresh {
		kernels.ReLUMask(out, xi, dxi)
		return
	}
	kernels.ReLUMaskAdd(out, xi, dxi)
}
