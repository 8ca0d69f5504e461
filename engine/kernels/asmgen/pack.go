package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// transpose16 transposes the 16x16 block held in r (row i in r[i]) using
// t as scratch. On return the transposed row e (column e of the input)
// is in the register out(e).
func transpose16(r, t []VecPhysical) (out func(e int) VecPhysical) {
	// Stage 1: interleave 32-bit elements of row pairs.
	for i := 0; i < 8; i++ {
		VUNPCKLPS(r[2*i+1], r[2*i], t[2*i])
		VUNPCKHPS(r[2*i+1], r[2*i], t[2*i+1])
	}
	// Stage 2: interleave 64-bit pairs: u[g][j] (in r[4g+j]) holds, in each
	// 128-bit lane L, element 4L+j of rows 4g..4g+3.
	for g := 0; g < 4; g++ {
		t0, t1, t2, t3 := t[4*g], t[4*g+1], t[4*g+2], t[4*g+3]
		VUNPCKLPD(t2, t0, r[4*g])
		VUNPCKHPD(t2, t0, r[4*g+1])
		VUNPCKLPD(t3, t1, r[4*g+2])
		VUNPCKHPD(t3, t1, r[4*g+3])
	}
	u := func(g, j int) VecPhysical { return r[4*g+j] }
	// Stage 3a: for each j, pair groups (0,1) and (2,3) by 256-bit halves.
	// t[4j+0] = (g0,g1) lanes 0-1, t[4j+1] = (g0,g1) lanes 2-3,
	// t[4j+2] = (g2,g3) lanes 0-1, t[4j+3] = (g2,g3) lanes 2-3.
	for j := 0; j < 4; j++ {
		VSHUFF32X4(U8(0x44), u(1, j), u(0, j), t[4*j])
		VSHUFF32X4(U8(0xEE), u(1, j), u(0, j), t[4*j+1])
		VSHUFF32X4(U8(0x44), u(3, j), u(2, j), t[4*j+2])
		VSHUFF32X4(U8(0xEE), u(3, j), u(2, j), t[4*j+3])
	}
	// Stage 3b: row e = 4L+j gathers lane L of the four groups.
	reg := map[int]VecPhysical{}
	for j := 0; j < 4; j++ {
		lo01, hi01, lo23, hi23 := t[4*j], t[4*j+1], t[4*j+2], t[4*j+3]
		VSHUFF32X4(U8(0x88), lo23, lo01, r[4*j])
		reg[j] = r[4*j]
		VSHUFF32X4(U8(0xDD), lo23, lo01, r[4*j+1])
		reg[4+j] = r[4*j+1]
		VSHUFF32X4(U8(0x88), hi23, hi01, r[4*j+2])
		reg[8+j] = r[4*j+2]
		VSHUFF32X4(U8(0xDD), hi23, hi01, r[4*j+3])
		reg[12+j] = r[4*j+3]
	}
	return func(e int) VecPhysical { return reg[e] }
}

// transPackAVX512 emits the transposing copy used to pack GEMM panels whose
// source runs along K: dst[p*dstStride + r] = src[r*ld + p] for r < rows
// (1..16) and p < kc. Blocks of 16 columns are transposed in registers;
// stores are masked to rows lanes.
func transPackAVX512() {
	TEXT("transPackAVX512", NOSPLIT, "func(dst *float32, dstStride int, src *float32, ld int, rows, kc int)")
	Pragma("noescape")
	Doc("transPackAVX512 sets dst[p*dstStride+r] = src[r*ld+p] for r < rows <= 16, p < kc.")
	dst := Load(Param("dst"), GP64())
	ds := Load(Param("dstStride"), GP64())
	SHLQ(U8(2), ds)
	src := Load(Param("src"), GP64())
	ld := Load(Param("ld"), GP64())
	SHLQ(U8(2), ld)
	rows := Load(Param("rows"), GP64())
	kc := Load(Param("kc"), GP64())
	tmp := GP64()
	ptr := GP64()
	// K3: store mask (rows lanes).
	MOVL(U32(0xffff), tmp.As32())
	BZHIL(rows.(GPVirtual).As32(), tmp.As32(), tmp.As32())
	KMOVW(tmp.As32(), K3)
	r := zmm(16)
	t := zmm(32)[16:]

	loadRows := func(masked bool, name string) {
		MOVQ(src, ptr)
		for i := 0; i < 16; i++ {
			if i > 0 {
				CMPQ(rows, U32(i))
				JLE(LabelRef(name + "_loaded"))
			}
			if masked {
				VMOVUPS_Z(Mem{Base: ptr}, K2, r[i])
			} else {
				VMOVUPS(Mem{Base: ptr}, r[i])
			}
			if i < 15 {
				ADDQ(ld, ptr)
			}
		}
		Label(name + "_loaded")
	}

	Label("block")
	CMPQ(kc, U32(16))
	JL(LabelRef("tail"))
	loadRows(false, "full")
	out := transpose16(r, t)
	for e := 0; e < 16; e++ {
		VMOVUPS(out(e), K3, Mem{Base: dst})
		ADDQ(ds, dst)
	}
	ADDQ(U32(64), src)
	SUBQ(U32(16), kc)
	JMP(LabelRef("block"))

	Label("tail")
	TESTQ(kc, kc)
	JZ(LabelRef("done"))
	MOVL(U32(0xffff), tmp.As32())
	BZHIL(kc.(GPVirtual).As32(), tmp.As32(), tmp.As32())
	KMOVW(tmp.As32(), K2)
	loadRows(true, "part")
	out = transpose16(r, t)
	for e := 0; e < 16; e++ {
		if e > 0 {
			CMPQ(kc, U32(e))
			JLE(LabelRef("done"))
		}
		VMOVUPS(out(e), K3, Mem{Base: dst})
		ADDQ(ds, dst)
	}
	Label("done")
	VZEROUPPER()
	RET()
}

// packBRowsAVX512 emits the packing of full B panels from a row-major,
// untransposed B, walking B by rows so the reads stay sequential:
// for p < kc, j < panels: dst[j*panelStride + p*32 : +32] = src[p*ld + 32*j : +32].
func packBRowsAVX512() {
	TEXT("packBRowsAVX512", NOSPLIT, "func(dst *float32, panelStride int, src *float32, ld int, kc, panels int)")
	Pragma("noescape")
	Doc("packBRowsAVX512 copies kc rows of panels x 32 floats of src into 32-wide panels panelStride floats apart.")
	dst := Load(Param("dst"), GP64())
	ps := Load(Param("panelStride"), GP64())
	SHLQ(U8(2), ps)
	src := Load(Param("src"), GP64())
	ld := Load(Param("ld"), GP64())
	SHLQ(U8(2), ld)
	kc := Load(Param("kc"), GP64())
	panels := Load(Param("panels"), GP64())
	j := GP64()
	s := GP64()
	d := GP64()
	Label("row")
	TESTQ(kc, kc)
	JZ(LabelRef("done"))
	MOVQ(panels, j)
	MOVQ(src, s)
	MOVQ(dst, d)
	Label("panel")
	TESTQ(j, j)
	JZ(LabelRef("next"))
	VMOVUPS(Mem{Base: s}, Z0)
	VMOVUPS(Mem{Base: s, Disp: 64}, Z1)
	VMOVUPS(Z0, Mem{Base: d})
	VMOVUPS(Z1, Mem{Base: d, Disp: 64})
	ADDQ(U32(128), s)
	ADDQ(ps, d)
	DECQ(j)
	JMP(LabelRef("panel"))
	Label("next")
	ADDQ(ld, src)
	ADDQ(U32(128), dst)
	DECQ(kc)
	JMP(LabelRef("row"))
	Label("done")
	VZEROUPPER()
	RET()
}
