package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// vecAddAVX2 emits dst[0:n] += src[0:n] with ymm registers (col2im's row
// accumulation); the last n%8 elements are done with scalar adds.
func vecAddAVX2() {
	TEXT("vaddAVX2", NOSPLIT, "func(dst, src *float32, n int)")
	Pragma("noescape")
	Doc("vaddAVX2 adds src[0:n] to dst[0:n].")
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	n := Load(Param("n"), GP64())
	v := ymm(4)
	Label("v4")
	CMPQ(n, U32(32))
	JL(LabelRef("v1"))
	for j := 0; j < 4; j++ {
		VMOVUPS(Mem{Base: dst, Disp: 32 * j}, v[j])
		VADDPS(Mem{Base: src, Disp: 32 * j}, v[j], v[j])
		VMOVUPS(v[j], Mem{Base: dst, Disp: 32 * j})
	}
	ADDQ(U32(128), dst)
	ADDQ(U32(128), src)
	SUBQ(U32(32), n)
	JMP(LabelRef("v4"))
	Label("v1")
	CMPQ(n, U32(8))
	JL(LabelRef("s1"))
	VMOVUPS(Mem{Base: dst}, v[0])
	VADDPS(Mem{Base: src}, v[0], v[0])
	VMOVUPS(v[0], Mem{Base: dst})
	ADDQ(U32(32), dst)
	ADDQ(U32(32), src)
	SUBQ(U32(8), n)
	JMP(LabelRef("v1"))
	Label("s1")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	VMOVSS(Mem{Base: dst}, X0)
	VADDSS(Mem{Base: src}, X0, X0)
	VMOVSS(X0, Mem{Base: dst})
	ADDQ(U32(4), dst)
	ADDQ(U32(4), src)
	DECQ(n)
	JMP(LabelRef("s1"))
	Label("done")
	VZEROUPPER()
	RET()
}
