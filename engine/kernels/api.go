package kernels

// ConvGeom is the geometry of a 2-D convolution or pool over one channel
// plane: kernel, stride, top/left padding, dilation, and input and output
// sizes. Bottom/right padding is implied by the output size.
type ConvGeom struct {
	KH, KW int
	SH, SW int
	PT, PL int
	DH, DW int
	H, W   int // input plane
	OH, OW int // output plane
}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices,
// op(A) being m x k and op(B) k x n, with leading dimensions lda, ldb, ldc.
// Work is split over Threads() goroutines by output tiles, so every element's
// sum is formed in the same order whatever the thread count.
// beta == 0 does not read C. Panics on inconsistent shapes (package doc).
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemm(true, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Im2col writes the patches of x (c planes of g.H x g.W) into cols, shaped
// [c*KH*KW, OH*OW]; padded positions are zero. A 1x1, stride-1, unpadded
// kernel needs no im2col: pass x to Sgemm directly.
func Im2col(x []float32, c int, g ConvGeom, cols []float32) {
	im2col(x, c, g, cols)
}

// Col2im accumulates cols ([c*KH*KW, OH*OW]) back into dx (c planes), the
// adjoint of Im2col.
func Col2im(cols []float32, c int, g ConvGeom, dx []float32) {
	col2im(cols, c, g, dx)
}

// Depthwise computes y[ch] = x[ch] (*) w[ch] for c channels (w is
// [c, KH, KW]), overwriting y (c planes of OH x OW). See DepthwiseBatch.
func Depthwise(x, w []float32, c int, g ConvGeom, y []float32) {
	DepthwiseBatch(x, w, 1, c, g, y)
}

// DepthwiseBackward accumulates the gradients of Depthwise: dx += dy (*)^T w
// (skipped when dx is nil) and dw += x (*) dy (skipped when dw is nil).
// See DepthwiseBackwardBatch.
func DepthwiseBackward(x, w, dy []float32, c int, g ConvGeom, dx, dw []float32) {
	DepthwiseBackwardBatch(x, w, dy, 1, c, g, dx, dw)
}
