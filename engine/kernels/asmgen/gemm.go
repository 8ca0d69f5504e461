package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Micro-kernel tile shapes. A kernel computes an MR x NR block of C from a
// packed A micro-panel (k steps of MR floats) and a packed B micro-panel (k
// steps of NR floats), NR = NV * lanes. The Go side reads the shapes from the
// generated constants in gemm_shapes_amd64.go; keep the two in step.
const (
	gemmAVX512MR = 14
	gemmAVX512NV = 2 // 2 x 16 lanes: NR = 32
	gemmAVX2MR   = 6
	gemmAVX2NV   = 2 // 2 x 8 lanes: NR = 16
	gemmUnroll   = 4
)

const gemmSig = "func(k int, a, b, c *float32, ldc int, alpha, beta float32)"

// gemmAVX512 emits one kernel per row count 1..mr; the A panels always have
// stride mr, so the smaller kernels finish the bottom edge of C without
// computing padding rows. Columns are masked by nmask (bit i: column i), so
// right-edge tiles are written straight into C as well.
func gemmAVX512(mr, nv int) {
	for rows := 1; rows <= mr; rows++ {
		TEXT(fmt.Sprintf("sgemmAVX512x%d", rows), NOSPLIT, "func(k int, a, b, c *float32, ldc int, alpha, beta float32, nmask uint32)")
		Pragma("noescape")
		Doc(fmt.Sprintf("sgemmAVX512x%d computes the %dx%d tile C = alpha*A*B + beta*C", rows, rows, nv*16),
			fmt.Sprintf("from packed panels a (k x %d) and b (k x %d), touching only the columns", mr, nv*16),
			"set in nmask; beta == 0 does not read C. A values are broadcast by the FMAs.")
		gemmBody(rows, mr, nv, 16, zmm(rows*nv+nv), true, true)
	}
}

func gemmAVX2(mr, nv int) {
	TEXT("sgemmKernelAVX2", NOSPLIT, gemmSig)
	Pragma("noescape")
	Doc(fmt.Sprintf("sgemmKernelAVX2 computes the %dx%d tile C = alpha*A*B + beta*C", mr, nv*8),
		"from packed panels a (k x MR) and b (k x NR); beta == 0 does not read C.")
	gemmBody(mr, mr, nv, 8, ymm(mr*nv+nv+1), false, false)
}

// gemmBody emits a micro-kernel for rows rows of a panel of stride mr.
// regs holds the accumulators (row major), then the nv B registers, then
// (without embedded broadcast) one register for the broadcast A value. With
// masked (AVX-512 only) the C accesses of vector j use mask register K1+j,
// loaded from the nmask argument.
func gemmBody(rows, mr, nv, lanes int, regs []VecPhysical, masked, wide bool) {
	embedded := wide
	nr := nv * lanes
	k := Load(Param("k"), GP64())
	a := Load(Param("a"), GP64())
	b := Load(Param("b"), GP64())
	c := Load(Param("c"), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(U8(2), ldc)
	masks := []Register{K1, K2}
	if masked {
		if nv != 2 {
			panic("masked kernels need nv == 2")
		}
		mk := Load(Param("nmask"), GP32())
		KMOVW(mk, K1)
		SHRL(U8(16), mk)
		KMOVW(mk, K2)
	}

	acc := func(i, j int) VecPhysical { return regs[i*nv+j] }
	bv := regs[rows*nv : rows*nv+nv]
	var bc VecPhysical
	if !embedded {
		bc = regs[rows*nv+nv]
	}
	for i := 0; i < rows*nv; i++ {
		zero(regs[i], wide)
	}

	step := func(u int) {
		for j := 0; j < nv; j++ {
			VMOVUPS(Mem{Base: b, Disp: 4 * (u*nr + j*lanes)}, bv[j])
		}
		for i := 0; i < rows; i++ {
			am := Mem{Base: a, Disp: 4 * (u*mr + i)}
			if embedded {
				for j := 0; j < nv; j++ {
					VFMADD231PS_BCST(am, bv[j], acc(i, j))
				}
			} else {
				VBROADCASTSS(am, bc)
				for j := 0; j < nv; j++ {
					VFMADD231PS(bv[j], bc, acc(i, j))
				}
			}
		}
	}

	Comment("Main loop, unrolled.")
	Label("unrolled")
	CMPQ(k, U32(gemmUnroll))
	JL(LabelRef("single"))
	for u := 0; u < gemmUnroll; u++ {
		step(u)
	}
	ADDQ(U32(4*gemmUnroll*mr), a)
	ADDQ(U32(4*gemmUnroll*nr), b)
	SUBQ(U32(gemmUnroll), k)
	JMP(LabelRef("unrolled"))

	Label("single")
	TESTQ(k, k)
	JZ(LabelRef("epilogue"))
	step(0)
	ADDQ(U32(4*mr), a)
	ADDQ(U32(4*nr), b)
	DECQ(k)
	JMP(LabelRef("single"))

	Label("epilogue")
	VBROADCASTSS(paramAddr("alpha"), bv[0])
	for i := 0; i < rows*nv; i++ {
		VMULPS(bv[0], regs[i], regs[i])
	}
	bits := GP32()
	MOVL(paramAddr("beta"), bits)
	ANDL(U32(0x7fffffff), bits)
	JZ(LabelRef("overwrite"))

	Comment("C = alpha*AB + beta*C")
	betaReg := bv[0]
	VBROADCASTSS(paramAddr("beta"), betaReg)
	row := GP64()
	MOVQ(c, row)
	for i := 0; i < rows; i++ {
		for j := 0; j < nv; j++ {
			m := Mem{Base: row, Disp: 4 * j * lanes}
			if masked {
				VFMADD231PS(m, betaReg, masks[j], acc(i, j))
				VMOVUPS(acc(i, j), masks[j], m)
			} else {
				VFMADD231PS(m, betaReg, acc(i, j))
				VMOVUPS(acc(i, j), m)
			}
		}
		if i < rows-1 {
			ADDQ(ldc, row)
		}
	}
	VZEROUPPER()
	RET()

	Label("overwrite")
	Comment("C = alpha*AB")
	for i := 0; i < rows; i++ {
		for j := 0; j < nv; j++ {
			m := Mem{Base: c, Disp: 4 * j * lanes}
			if masked {
				VMOVUPS(acc(i, j), masks[j], m)
			} else {
				VMOVUPS(acc(i, j), m)
			}
		}
		if i < rows-1 {
			ADDQ(ldc, c)
		}
	}
	VZEROUPPER()
	RET()
}
