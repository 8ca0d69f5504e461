package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// rowsAVX512 emits a loop over rows rows of n floats, dst row r at
// dst + r*dstStride and src row r at src + r*srcStride; add selects
// dst += src (col2im) over dst = src (im2col).
func rowsAVX512(name string, add bool) {
	TEXT(name, NOSPLIT, "func(dst *float32, dstStride int, src *float32, srcStride int, rows, n int)")
	Pragma("noescape")
	if add {
		Doc(name+" adds the rows x n block src to dst.", "Strides are in floats.")
	} else {
		Doc(name+" copies the rows x n block src to dst.", "Strides are in floats.")
	}
	dst := Load(Param("dst"), GP64())
	ds := Load(Param("dstStride"), GP64())
	SHLQ(U8(2), ds)
	src := Load(Param("src"), GP64())
	ss := Load(Param("srcStride"), GP64())
	SHLQ(U8(2), ss)
	rows := Load(Param("rows"), GP64())
	n := Load(Param("n"), GP64())
	full := GP64() // bytes in whole vectors
	MOVQ(n, full)
	ANDQ(I32(-16), full)
	SHLQ(U8(2), full)
	tail := GP64()
	MOVQ(n, tail)
	ANDQ(U32(15), tail)
	JZ(LabelRef("nomask"))
	tailMask(tail)
	Label("nomask")
	SHLQ(U8(2), tail)
	o := GP64()
	v := []VecPhysical{Z0, Z1, Z2, Z3}

	one := func(disp int, vr VecPhysical, masked bool) {
		sm := Mem{Base: src, Index: o, Scale: 1, Disp: disp}
		dm := Mem{Base: dst, Index: o, Scale: 1, Disp: disp}
		switch {
		case masked && add:
			VMOVUPS_Z(sm, K1, vr)
			VADDPS(dm, vr, K1, vr)
			VMOVUPS(vr, K1, dm)
		case masked:
			VMOVUPS_Z(sm, K1, vr)
			VMOVUPS(vr, K1, dm)
		case add:
			VMOVUPS(sm, vr)
			VADDPS(dm, vr, vr)
			VMOVUPS(vr, dm)
		default:
			VMOVUPS(sm, vr)
			VMOVUPS(vr, dm)
		}
	}

	Label("row")
	TESTQ(rows, rows)
	JZ(LabelRef("done"))
	XORQ(o, o)
	Label("v4")
	LEAQ(Mem{Base: o, Disp: 256}, n)
	CMPQ(n, full)
	JG(LabelRef("v1"))
	for j := 0; j < 4; j++ {
		one(64*j, v[j], false)
	}
	ADDQ(U32(256), o)
	JMP(LabelRef("v4"))
	Label("v1")
	CMPQ(o, full)
	JGE(LabelRef("tail"))
	one(0, v[0], false)
	ADDQ(U32(64), o)
	JMP(LabelRef("v1"))
	Label("tail")
	TESTQ(tail, tail)
	JZ(LabelRef("next"))
	one(0, v[0], true)
	Label("next")
	ADDQ(ds, dst)
	ADDQ(ss, src)
	DECQ(rows)
	JMP(LabelRef("row"))
	Label("done")
	VZEROUPPER()
	RET()
}
