package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// tailMask loads the low n bits (0 < n < 16) into K1.
func tailMask(n Register) {
	m := GP32()
	MOVL(U32(0xffff), m)
	BZHIL(n.(GPVirtual).As32(), m, m)
	KMOVW(m, K1)
}

// depthwiseTapsAVX512 emits, for r < rows,
//
//	y[r*yStride : r*yStride+n] (+)= sum_t w[t] * base[r*bStride+offs[t] : ... +n]
//
// the inner loop of the direct depthwise convolution (forward, and the
// backward data pass with mirrored taps). Each row is done in blocks of 4, 2
// and 1 vectors, the last partial vector with a mask; the tap loop is
// innermost so the accumulators stay in registers.
func depthwiseTapsAVX512(name string, fixed int) {
	sig := "func(y *float32, yStride, rows, n int, base *float32, bStride int, offs *int, w *float32, ntaps int, accum int)"
	TEXT(name, NOSPLIT, sig)
	Pragma("noescape")
	if fixed == 0 {
		Doc(name+" sets each of rows rows of y (accum != 0: adds to them) to sum_t w[t]*base[offs[t]+i],",
			"stepping y by yStride and base by bStride floats per row.")
	} else {
		Doc(name+fmt.Sprintf(" is dwTapsAVX512 for exactly %d taps (ntaps is ignored), unrolled", fixed),
			"with the weights held in registers.")
	}
	offs := Load(Param("offs"), GP64())
	w := Load(Param("w"), GP64())
	var nt GPVirtual
	if fixed == 0 {
		nt = Load(Param("ntaps"), GP64()).(GPVirtual)
	}
	rows := Load(Param("rows"), GP64())
	yr := Load(Param("y"), GP64())
	br := Load(Param("base"), GP64())
	y, bp, n := GP64(), GP64(), GP64()
	acc := zmm(4)
	wv := Z4
	t := GP64()
	off := GP64()
	p := GP64()
	wreg := zmm(32)[5:]
	for i := 0; i < fixed; i++ {
		VBROADCASTSS(Mem{Base: w, Disp: 4 * i}, wreg[i])
	}

	taps := func(name string, nv int, masked bool) {
		fma := func(m Mem, wr VecPhysical, j int) {
			if masked {
				VFMADD231PS(m, wr, K1, acc[j])
			} else {
				VFMADD231PS(m, wr, acc[j])
			}
		}
		if fixed > 0 {
			for i := 0; i < fixed; i++ {
				MOVQ(Mem{Base: offs, Disp: 8 * i}, off)
				for j := 0; j < nv; j++ {
					fma(Mem{Base: bp, Index: off, Scale: 4, Disp: 64 * j}, wreg[i], j)
				}
			}
			return
		}
		XORQ(t, t)
		Label(name + "_tap")
		CMPQ(t, nt)
		JGE(LabelRef(name + "_store"))
		MOVQ(Mem{Base: offs, Index: t, Scale: 8}, off)
		LEAQ(Mem{Base: bp, Index: off, Scale: 4}, p)
		VBROADCASTSS(Mem{Base: w, Index: t, Scale: 4}, wv)
		for j := 0; j < nv; j++ {
			fma(Mem{Base: p, Disp: 64 * j}, wv, j)
		}
		INCQ(t)
		JMP(LabelRef(name + "_tap"))
		Label(name + "_store")
	}

	Label("row")
	TESTQ(rows, rows)
	JZ(LabelRef("done"))
	MOVQ(yr, y)
	MOVQ(br, bp)
	Load(Param("n"), n)
	for _, nv := range []int{4, 2, 1} {
		name := fmt.Sprintf("blk%d", nv)
		next := fmt.Sprintf("blk%d", nv/2)
		if nv == 1 {
			next = "tail"
		}
		Label(name)
		CMPQ(n, U32(16*nv))
		JL(LabelRef(next))
		for j := 0; j < nv; j++ {
			zero(acc[j], true)
		}
		CMPQ(paramAddr("accum"), U32(0))
		JE(LabelRef(name + "_go"))
		for j := 0; j < nv; j++ {
			VMOVUPS(Mem{Base: y, Disp: 64 * j}, acc[j])
		}
		Label(name + "_go")
		taps(name, nv, false)
		for j := 0; j < nv; j++ {
			VMOVUPS(acc[j], Mem{Base: y, Disp: 64 * j})
		}
		ADDQ(U32(64*nv), y)
		ADDQ(U32(64*nv), bp)
		SUBQ(U32(16*nv), n)
		JMP(LabelRef(name))
	}

	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("next"))
	tailMask(n)
	zero(acc[0], true)
	CMPQ(paramAddr("accum"), U32(0))
	JE(LabelRef("tail_go"))
	VMOVUPS_Z(Mem{Base: y}, K1, acc[0])
	Label("tail_go")
	taps("tail", 1, true)
	VMOVUPS(acc[0], K1, Mem{Base: y})
	Label("next")
	MOVQ(paramAddr("yStride"), off)
	LEAQ(Mem{Base: yr, Index: off, Scale: 4}, yr)
	MOVQ(paramAddr("bStride"), off)
	LEAQ(Mem{Base: br, Index: off, Scale: 4}, br)
	DECQ(rows)
	JMP(LabelRef("row"))
	Label("done")
	VZEROUPPER()
	RET()
}

// depthwiseGradWAVX512 emits the weight-gradient reduction
//
//	out[t] += sum_{r<rows, i<n} dy[r*dyStride+i] * base[offs[t] + r*xStride + i]
//
// Two rows are processed together into separate accumulators so that short
// rows still keep several FMA chains in flight. Within a row the byte offset
// o runs from -n*4 up to 0 against pointers to the row ends.
func depthwiseGradWAVX512() {
	TEXT("dwGradWAVX512", NOSPLIT, "func(dy *float32, rows, n, dyStride int, base *float32, xStride int, offs *int, ntaps int, out *float32)")
	Pragma("noescape")
	Doc("dwGradWAVX512 adds to out[t] the dot product of the rows x n block dy with the block of base at offs[t].")
	nb := Load(Param("n"), GP64())
	SHLQ(U8(2), nb)
	dyS := Load(Param("dyStride"), GP64())
	SHLQ(U8(2), dyS)
	xS := Load(Param("xStride"), GP64())
	SHLQ(U8(2), xS)
	offs := Load(Param("offs"), GP64())
	nt := Load(Param("ntaps"), GP64())
	out := Load(Param("out"), GP64())

	accA := zmm(4)
	accB := []VecPhysical{Z4, Z5, Z6, Z7}
	tv := Z8
	d, p, d2, p2 := GP64(), GP64(), GP64(), GP64()
	r, o, tmp := GP64(), GP64(), GP64()

	body := func(name string, pair bool) {
		fma := func(disp int, j int, masked bool) {
			one := func(dm, xm Mem, acc VecPhysical) {
				if masked {
					VMOVUPS_Z(dm, K1, tv)
					VFMADD231PS(xm, tv, K1, acc)
				} else {
					VMOVUPS(dm, tv)
					VFMADD231PS(xm, tv, acc)
				}
			}
			one(Mem{Base: d, Index: o, Scale: 1, Disp: disp}, Mem{Base: p, Index: o, Scale: 1, Disp: disp}, accA[j])
			if pair {
				one(Mem{Base: d2, Index: o, Scale: 1, Disp: disp}, Mem{Base: p2, Index: o, Scale: 1, Disp: disp}, accB[j])
			}
		}
		ptrs := []GPVirtual{d, p}
		if pair {
			LEAQ(Mem{Base: d, Index: dyS, Scale: 1}, d2)
			LEAQ(Mem{Base: p, Index: xS, Scale: 1}, p2)
			ptrs = append(ptrs, d2, p2)
		}
		for _, q := range ptrs {
			ADDQ(nb, q)
		}
		MOVQ(nb, o)
		NEGQ(o)
		Label(name + "_v4")
		CMPQ(o, I32(-256))
		JG(LabelRef(name + "_v1"))
		for j := 0; j < 4; j++ {
			fma(64*j, j, false)
		}
		ADDQ(U32(256), o)
		JMP(LabelRef(name + "_v4"))
		Label(name + "_v1")
		for j := 0; j < 3; j++ {
			CMPQ(o, I32(-64))
			JG(LabelRef(name + "_tail"))
			fma(0, j, false)
			ADDQ(U32(64), o)
		}
		Label(name + "_tail")
		TESTQ(o, o)
		JZ(LabelRef(name + "_end"))
		MOVQ(o, tmp)
		NEGQ(tmp)
		SHRQ(U8(2), tmp)
		tailMask(tmp)
		fma(0, 3, true)
		Label(name + "_end")
		SUBQ(nb, d)
		SUBQ(nb, p)
	}

	Label("tap")
	TESTQ(nt, nt)
	JZ(LabelRef("done"))
	all := zmm(8)
	for _, z := range all {
		zero(z, true)
	}
	Load(Param("base"), p)
	MOVQ(Mem{Base: offs}, tmp)
	LEAQ(Mem{Base: p, Index: tmp, Scale: 4}, p)
	Load(Param("dy"), d)
	Load(Param("rows"), r)
	Label("pair")
	CMPQ(r, U32(2))
	JL(LabelRef("single"))
	body("pairrow", true)
	LEAQ(Mem{Base: d, Index: dyS, Scale: 2}, d)
	LEAQ(Mem{Base: p, Index: xS, Scale: 2}, p)
	SUBQ(U32(2), r)
	JMP(LabelRef("pair"))
	Label("single")
	TESTQ(r, r)
	JZ(LabelRef("reduce"))
	body("onerow", false)

	Label("reduce")
	VADDPS(all[4], all[0], all[0])
	VADDPS(all[5], all[1], all[1])
	VADDPS(all[6], all[2], all[2])
	VADDPS(all[7], all[3], all[3])
	VADDPS(all[1], all[0], all[0])
	VADDPS(all[3], all[2], all[2])
	VADDPS(all[2], all[0], all[0])
	VEXTRACTF64X4(U8(1), Z0, Y1)
	VADDPS(Y1, Y0, Y0)
	VEXTRACTF128(U8(1), Y0, X1)
	VADDPS(X1, X0, X0)
	VMOVHLPS(X0, X0, X1)
	VADDPS(X1, X0, X0)
	VMOVSHDUP(X0, X1)
	VADDSS(X1, X0, X0)
	VADDSS(Mem{Base: out}, X0, X0)
	VMOVSS(X0, Mem{Base: out})
	ADDQ(U32(8), offs)
	ADDQ(U32(4), out)
	DECQ(nt)
	JMP(LabelRef("tap"))

	Label("done")
	VZEROUPPER()
	RET()
}

// depthwiseGradWFixedAVX512 emits dwGradWAVX512 for exactly taps taps with
// the tap loop innermost: each dy vector is loaded once and multiplied into
// one accumulator per tap, so the loads per FMA halve. Accumulators live in
// Z2.., Z0 and Z1 are reduction scratch.
func depthwiseGradWFixedAVX512(name string, taps int) {
	TEXT(name, NOSPLIT, "func(dy *float32, rows, n, dyStride int, base *float32, xStride int, offs *int, ntaps int, out *float32)")
	Pragma("noescape")
	Doc(name + fmt.Sprintf(" is dwGradWAVX512 for exactly %d taps (ntaps is ignored).", taps))
	acc := zmm(32)[2 : 2+taps]
	dv := zmm(32)[2+taps]
	for _, a := range acc {
		zero(a, true)
	}
	dyS := Load(Param("dyStride"), GP64())
	SHLQ(U8(2), dyS)
	xS := Load(Param("xStride"), GP64())
	SHLQ(U8(2), xS)
	offs := Load(Param("offs"), GP64())
	rows := Load(Param("rows"), GP64())
	dr := Load(Param("dy"), GP64())
	xr := Load(Param("base"), GP64())
	d, p, m, off := GP64(), GP64(), GP64(), GP64()

	Label("row")
	TESTQ(rows, rows)
	JZ(LabelRef("reduce"))
	MOVQ(dr, d)
	MOVQ(xr, p)
	Load(Param("n"), m)
	Label("vec")
	CMPQ(m, U32(16))
	JL(LabelRef("tail"))
	VMOVUPS(Mem{Base: d}, dv)
	for t := 0; t < taps; t++ {
		MOVQ(Mem{Base: offs, Disp: 8 * t}, off)
		VFMADD231PS(Mem{Base: p, Index: off, Scale: 4}, dv, acc[t])
	}
	ADDQ(U32(64), d)
	ADDQ(U32(64), p)
	SUBQ(U32(16), m)
	JMP(LabelRef("vec"))
	Label("tail")
	TESTQ(m, m)
	JZ(LabelRef("next"))
	tailMask(m)
	VMOVUPS_Z(Mem{Base: d}, K1, dv)
	for t := 0; t < taps; t++ {
		MOVQ(Mem{Base: offs, Disp: 8 * t}, off)
		VFMADD231PS(Mem{Base: p, Index: off, Scale: 4}, dv, K1, acc[t])
	}
	Label("next")
	ADDQ(dyS, dr)
	ADDQ(xS, xr)
	DECQ(rows)
	JMP(LabelRef("row"))

	Label("reduce")
	out := Load(Param("out"), GP64())
	for t := 0; t < taps; t++ {
		VSHUFF32X4(U8(0x4E), acc[t], acc[t], Z0)
		VADDPS(acc[t], Z0, Z0)
		VEXTRACTF128(U8(1), Y0, X1)
		VADDPS(X1, X0, X0)
		VMOVHLPS(X0, X0, X1)
		VADDPS(X1, X0, X0)
		VMOVSHDUP(X0, X1)
		VADDSS(X1, X0, X0)
		VADDSS(Mem{Base: out, Disp: 4 * t}, X0, X0)
		VMOVSS(X0, Mem{Base: out, Disp: 4 * t})
	}
	VZEROUPPER()
	RET()
}
