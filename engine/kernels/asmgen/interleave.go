package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// permTable emits a 16-entry VPERMT2PS index table (bit 4 picks the second
// source).
func permTable(name string, idx func(i int) int) Mem {
	m := GLOBL(name, RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(idx(i)))
	}
	return m
}

// deinterleave2AVX512 emits the column-phase split of stride-2 depthwise:
// even[i] = src[2i], odd[i] = src[2i+1] over blocks of 32 src floats.
func deinterleave2AVX512() {
	idxE := permTable("deintEven", func(i int) int { return 2 * i })
	idxO := permTable("deintOdd", func(i int) int { return 2*i + 1 })
	TEXT("deinterleave2AVX512", NOSPLIT, "func(even, odd, src *float32, blocks int)")
	Pragma("noescape")
	Doc("deinterleave2AVX512 sets even[i] = src[2i] and odd[i] = src[2i+1] for i < 16*blocks.")
	even := Load(Param("even"), GP64())
	odd := Load(Param("odd"), GP64())
	src := Load(Param("src"), GP64())
	n := Load(Param("blocks"), GP64())
	VMOVUPS(idxE, Z4)
	VMOVUPS(idxO, Z5)
	Label("loop")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	VMOVUPS(Mem{Base: src}, Z0)
	VMOVUPS(Mem{Base: src, Disp: 64}, Z1)
	VMOVAPS(Z0, Z2)
	VPERMT2PS(Z1, Z4, Z0)
	VPERMT2PS(Z1, Z5, Z2)
	VMOVUPS(Z0, Mem{Base: even})
	VMOVUPS(Z2, Mem{Base: odd})
	ADDQ(U32(128), src)
	ADDQ(U32(64), even)
	ADDQ(U32(64), odd)
	DECQ(n)
	JMP(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// interleaveAdd2AVX512 emits the inverse, accumulating:
// dst[2i] += even[i], dst[2i+1] += odd[i] over blocks of 32 dst floats.
func interleaveAdd2AVX512() {
	idxL := permTable("interLo", func(i int) int { return i/2 + 16*(i%2) })
	idxH := permTable("interHi", func(i int) int { return 8 + i/2 + 16*(i%2) })
	TEXT("interleaveAdd2AVX512", NOSPLIT, "func(dst, even, odd *float32, blocks int)")
	Pragma("noescape")
	Doc("interleaveAdd2AVX512 adds even[i] to dst[2i] and odd[i] to dst[2i+1] for i < 16*blocks.")
	dst := Load(Param("dst"), GP64())
	even := Load(Param("even"), GP64())
	odd := Load(Param("odd"), GP64())
	n := Load(Param("blocks"), GP64())
	VMOVUPS(idxL, Z4)
	VMOVUPS(idxH, Z5)
	Label("loop")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	VMOVUPS(Mem{Base: even}, Z0)
	VMOVUPS(Mem{Base: odd}, Z1)
	VMOVAPS(Z0, Z2)
	VPERMT2PS(Z1, Z4, Z0)
	VPERMT2PS(Z1, Z5, Z2)
	VADDPS(Mem{Base: dst}, Z0, Z0)
	VADDPS(Mem{Base: dst, Disp: 64}, Z2, Z2)
	VMOVUPS(Z0, Mem{Base: dst})
	VMOVUPS(Z2, Mem{Base: dst, Disp: 64})
	ADDQ(U32(128), dst)
	ADDQ(U32(64), even)
	ADDQ(U32(64), odd)
	DECQ(n)
	JMP(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}
