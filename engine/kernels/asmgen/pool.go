package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// maxRowsAVX512 emits, for r < rows and i < n,
//
//	dst[r*ds+i] = b[r*bs+i] > a[r*as+i] ? b : a, or b where b is NaN and a is not
//
// the step of a values-only max pool in window order (a earlier, b later):
// the first of equal maxima wins (-0 and +0 equal), a NaN beats every
// number and the first NaN wins, the rules of the key path in pool_plane.go.
// VMAXPS(src2=a, src1=b) gives b only where b > a, a elsewhere (a NaN a
// included); a masked move then takes b where b is NaN and a is not.
func maxRowsAVX512() {
	TEXT("maxRowsAVX512", NOSPLIT, "func(dst *float32, ds int, a *float32, as int, b *float32, bs int, rows, n int)")
	Pragma("noescape")
	Doc("maxRowsAVX512 sets each dst row to the window-order maximum of the a and b rows (a first).", "Strides are in floats.")
	dst := Load(Param("dst"), GP64())
	ds := Load(Param("ds"), GP64())
	SHLQ(U8(2), ds)
	a := Load(Param("a"), GP64())
	as := Load(Param("as"), GP64())
	SHLQ(U8(2), as)
	b := Load(Param("b"), GP64())
	bs := Load(Param("bs"), GP64())
	SHLQ(U8(2), bs)
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
	o := GP64()
	one := func(masked bool) {
		am := Mem{Base: a, Index: o, Scale: 1}
		bm := Mem{Base: b, Index: o, Scale: 1}
		dm := Mem{Base: dst, Index: o, Scale: 1}
		load(am, Z0, masked)
		load(bm, Z1, masked)
		VCMPPS(U8(7), Z0, Z0, K2)     // a is a number (ORD_Q)
		VCMPPS(U8(3), Z1, Z1, K2, K3) // and b is NaN (UNORD_Q)
		VMAXPS(Z0, Z1, Z2)            // b > a ? b : a
		VMOVAPS(Z1, K3, Z2)
		store(Z2, dm, masked)
	}
	Label("row")
	TESTQ(rows, rows)
	JZ(LabelRef("done"))
	XORQ(o, o)
	Label("vec")
	CMPQ(o, full)
	JGE(LabelRef("tail"))
	one(false)
	ADDQ(U32(64), o)
	JMP(LabelRef("vec"))
	Label("tail")
	TESTQ(tail, tail)
	JZ(LabelRef("next"))
	one(true)
	Label("next")
	ADDQ(ds, dst)
	ADDQ(as, a)
	ADDQ(bs, b)
	DECQ(rows)
	JMP(LabelRef("row"))
	Label("done")
	VZEROUPPER()
	RET()
}
