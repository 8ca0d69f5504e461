package kernels

import (
	"fmt"
	"sync"
)

// sgemm implements Sgemm and SgemmSerial (parallel selects the split over
// Threads() goroutines).
//
// beta == 0 overwrites C without reading it (NaNs in C do not propagate).
// A and B are packed into cache-sized panels (transposes cost nothing
// extra) and multiplied by an AVX-512, AVX2+FMA or pure-Go micro-kernel.
// Work is split by whole output tiles along N (or M) and never along K, and
// tile boundaries sit at multiples of the tile size whatever the split, so
// every element's sum is formed in the same order: results are
// bit-identical for any thread count (for a given code path). Called from
// inside Parallel, the parts run on the calling goroutine unless a worker
// is idle.
//
// It panics if a dimension is negative, a leading dimension is smaller
// than the row length it strides over or a slice is too short for the
// matrix it holds. C must not overlap A or B.
func sgemm(parallel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if err := checkSgemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		panic(err)
	}
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleMatrix(m, n, beta, c, ldc)
		return
	}
	j := gemmJobPool.Get().(*gemmJob)
	*j = gemmJob{
		kern: gemmKernel(), transA: transA, transB: transB, m: m, n: n, k: k,
		alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
	}
	if parallel {
		j.split(Threads())
		runParts(j, j.parts, &j.wg)
	} else {
		j.block(0, m, 0, n)
	}
	*j = gemmJob{}
	gemmJobPool.Put(j)
}

// SgemmSerial is Sgemm on the calling goroutine only, for callers that
// already run one GEMM per goroutine (for example one image per part of
// ParallelParts). Its results equal Sgemm's bit for bit.
func SgemmSerial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemm(false, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

var gemmJobPool = sync.Pool{New: func() any { return new(gemmJob) }}

// checkSgemm validates the shapes of an Sgemm call.
func checkSgemm(transA, transB bool, m, n, k, la, lda, lb, ldb, lc, ldc int) error {
	if m < 0 || n < 0 || k < 0 {
		return fmt.Errorf("kernels: Sgemm: negative dimension m=%d n=%d k=%d", m, n, k)
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	if err := checkMatrix("a", ar, ac, la, lda); err != nil {
		return err
	}
	if err := checkMatrix("b", br, bc, lb, ldb); err != nil {
		return err
	}
	return checkMatrix("c", m, n, lc, ldc)
}

func checkMatrix(name string, rows, cols, length, ld int) error {
	if ld < cols || ld < 0 {
		return fmt.Errorf("kernels: Sgemm: ld%s=%d is less than the %d columns", name, ld, cols)
	}
	if rows == 0 || cols == 0 {
		return nil
	}
	if need := (rows-1)*ld + cols; length < need {
		return fmt.Errorf("kernels: Sgemm: len(%s)=%d, a %dx%d matrix with ld %d needs %d", name, length, rows, cols, ld, need)
	}
	return nil
}

// scaleMatrix sets C = beta*C (C = 0 without reading it when beta == 0).
func scaleMatrix(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
