package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The batch-norm and ReLU row kernels. Element-wise ones walk n floats in
// blocks of 4 vectors, then single vectors, then one masked vector (K1);
// the reductions accumulate in float64, 32 lanes (4 zmm) wide, and add the
// lanes up in a fixed tree that the Go fallbacks in bnrows.go copy.

// streamAVX512 emits the element-wise loop over n floats; body emits one
// vector's work, at(p) being its address in the p-th pointer and masked
// saying that only the lanes in K1 are valid.
func streamAVX512(ptrs []Register, n Register, body func(at func(p int) Mem, j int, masked bool)) {
	full := GP64() // bytes in whole vectors
	MOVQ(n, full)
	ANDQ(I32(-16), full)
	SHLQ(U8(2), full)
	ANDQ(U32(15), n)
	JZ(LabelRef("nomask"))
	tailMask(n)
	Label("nomask")
	o := GP64()
	XORQ(o, o)
	end := GP64()
	vecs := func(cnt int, masked bool) {
		for j := 0; j < cnt; j++ {
			at := func(p int) Mem { return Mem{Base: ptrs[p], Index: o, Scale: 1, Disp: 64 * j} }
			body(at, j, masked)
		}
	}
	Label("v4")
	LEAQ(Mem{Base: o, Disp: 256}, end)
	CMPQ(end, full)
	JG(LabelRef("v1"))
	vecs(4, false)
	ADDQ(U32(256), o)
	JMP(LabelRef("v4"))
	Label("v1")
	CMPQ(o, full)
	JGE(LabelRef("tail"))
	vecs(1, false)
	ADDQ(U32(64), o)
	JMP(LabelRef("v1"))
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	vecs(1, true)
	Label("done")
	VZEROUPPER()
	RET()
}

// load emits v = m (only the K1 lanes, the rest zero, when masked).
func load(m Mem, v VecPhysical, masked bool) {
	if masked {
		VMOVDQU32_Z(m, K1, v)
	} else {
		VMOVDQU32(m, v)
	}
}

// store emits m = v (only the K1 lanes when masked).
func store(v VecPhysical, m Mem, masked bool) {
	if masked {
		VMOVDQU32(v, K1, m)
	} else {
		VMOVDQU32(v, m)
	}
}

// reluAVX512 emits y = x with every value whose sign bit is set replaced by
// +0: a signed integer max with 0.
func reluAVX512() {
	TEXT("reluAVX512", NOSPLIT, "func(x, y *float32, n int)")
	Pragma("noescape")
	Doc("reluAVX512 writes y[i] = x[i], or +0 where x[i]'s sign bit is set.")
	x := Load(Param("x"), GP64())
	y := Load(Param("y"), GP64())
	n := Load(Param("n"), GP64())
	VPXORD(Z31, Z31, Z31)
	streamAVX512([]Register{x, y}, n, func(at func(int) Mem, j int, masked bool) {
		v := zmm(4)[j]
		load(at(0), v, masked)
		VPMAXSD(v, Z31, v)
		store(v, at(1), masked)
	})
}

// reluMaskAVX512 emits dx = dy where y is positive as a signed integer,
// else +0; add selects dx += that. For a ReLU output y (no sign bit set)
// that is where its bits are non-zero, and for the ReLU's input it is the
// same gate: positive values, +Inf and positive NaNs pass; zeros and
// anything with the sign bit set do not.
func reluMaskAVX512(name string, add bool) {
	TEXT(name, NOSPLIT, "func(dy, y, dx *float32, n int)")
	Pragma("noescape")
	if add {
		Doc(name + " adds dy[i] to dx[i] where y[i] > 0 as int32 (+0 elsewhere).")
	} else {
		Doc(name + " writes dx[i] = dy[i] where y[i] > 0 as int32, else +0.")
	}
	dy := Load(Param("dy"), GP64())
	y := Load(Param("y"), GP64())
	dx := Load(Param("dx"), GP64())
	n := Load(Param("n"), GP64())
	VPXORD(Z31, Z31, Z31)
	streamAVX512([]Register{dy, y, dx}, n, func(at func(int) Mem, j int, masked bool) {
		v := zmm(4)[j]
		load(at(1), v, masked)
		VPCMPGTD(Z31, v, K2)
		VMOVDQU32_Z(at(0), K2, v)
		if add {
			u := zmm(8)[4+j]
			load(at(2), u, masked)
			VADDPS(v, u, u)
			v = u
		}
		store(v, at(2), masked)
	})
}

// bnApplyAVX512 emits y = x*a + b (rounded after the product).
func bnApplyAVX512() {
	TEXT("bnApplyAVX512", NOSPLIT, "func(x, y *float32, n int, a, b float32)")
	Pragma("noescape")
	Doc("bnApplyAVX512 writes y[i] = x[i]*a + b, rounding the product.")
	x := Load(Param("x"), GP64())
	y := Load(Param("y"), GP64())
	n := Load(Param("n"), GP64())
	VBROADCASTSS(paramAddr("a"), Z30)
	VBROADCASTSS(paramAddr("b"), Z31)
	streamAVX512([]Register{x, y}, n, func(at func(int) Mem, j int, masked bool) {
		v := zmm(4)[j]
		load(at(0), v, masked)
		VMULPS(Z30, v, v)
		VADDPS(Z31, v, v)
		store(v, at(1), masked)
	})
}

// bnBackAVX512 emits dx = k*dy + a*(x-mu) + b, each operation rounded;
// add selects dx += that.
func bnBackAVX512(name string, add bool) {
	TEXT(name, NOSPLIT, "func(dy, x, dx *float32, n int, k, mu, a, b float32)")
	Pragma("noescape")
	if add {
		Doc(name + " adds (k*dy[i] + a*(x[i]-mu)) + b to dx[i], rounding each operation.")
	} else {
		Doc(name + " writes dx[i] = (k*dy[i] + a*(x[i]-mu)) + b, rounding each operation.")
	}
	dy := Load(Param("dy"), GP64())
	x := Load(Param("x"), GP64())
	dx := Load(Param("dx"), GP64())
	n := Load(Param("n"), GP64())
	VBROADCASTSS(paramAddr("k"), Z28)
	VBROADCASTSS(paramAddr("mu"), Z29)
	VBROADCASTSS(paramAddr("a"), Z30)
	VBROADCASTSS(paramAddr("b"), Z31)
	streamAVX512([]Register{dy, x, dx}, n, func(at func(int) Mem, j int, masked bool) {
		v := zmm(4)[j]
		t, u := zmm(12)[4+j], zmm(12)[8+j]
		load(at(1), t, masked)
		VSUBPS(Z29, t, t)
		VMULPS(Z30, t, t)
		load(at(0), v, masked)
		VMULPS(Z28, v, v)
		VADDPS(t, v, v)
		VADDPS(Z31, v, v)
		if add {
			load(at(2), u, masked)
			VADDPS(v, u, u)
			v = u
		}
		store(v, at(2), masked)
	})
}

// reduce8 emits, in the low lane of acc[0], the fixed-tree sum of the 32
// float64 lanes of acc: (acc0+acc1)+(acc2+acc3) lane-wise, then lanes
// l+4, l+2 and l+1 folded in.
func reduce8(acc []VecPhysical, tmp VecPhysical) {
	VADDPD(acc[1], acc[0], acc[0])
	VADDPD(acc[3], acc[2], acc[2])
	VADDPD(acc[2], acc[0], acc[0])
	y0, yt := acc[0].AsY(), tmp.AsY()
	VEXTRACTF64X4(U8(1), acc[0], yt)
	VADDPD(yt, y0, y0)
	x0, xt := acc[0].AsX(), tmp.AsX()
	VEXTRACTF128(U8(1), y0, xt)
	VADDPD(xt, x0, x0)
	VUNPCKHPD(x0, x0, xt)
	VADDSD(xt, x0, x0)
}

// bnStatsAVX512 emits the float64 reductions over n floats of (dot=false)
// sum(x-k), sum((x-k)^2) or (dot=true) sum(dy), sum(dy*(x-k)).
func bnStatsAVX512(name string, dot bool) {
	if dot {
		TEXT(name, NOSPLIT, "func(dy, x *float32, n int, k float64) (s, d float64)")
		Doc(name + " returns sum(dy[i]) and sum(dy[i]*(x[i]-k)) in float64, 32 lanes.")
	} else {
		TEXT(name, NOSPLIT, "func(x *float32, n int, k float64) (s, q float64)")
		Doc(name + " returns sum(x[i]-k) and sum((x[i]-k)^2) in float64, 32 lanes.")
	}
	Pragma("noescape")
	var dy Register
	if dot {
		dy = Load(Param("dy"), GP64())
	}
	x := Load(Param("x"), GP64())
	n := Load(Param("n"), GP64())
	VBROADCASTSD(paramAddr("k"), Z31)
	s, q, t, g := zmm(4), zmm(8)[4:], zmm(12)[8:], zmm(16)[12:]
	for j := 0; j < 4; j++ {
		VPXORD(s[j], s[j], s[j])
		VPXORD(q[j], q[j], q[j])
	}
	vecs := func(masked bool) {
		for j := 0; j < 4; j++ {
			xm := Mem{Base: x, Disp: 32 * j}
			if masked {
				KMOVW(n.(GPVirtual).As32(), K1) // n holds the mask here
				VCVTPS2PD_Z(xm, K1, t[j])
				VSUBPD_Z(Z31, t[j], K1, t[j])
			} else {
				VCVTPS2PD(xm, t[j])
				VSUBPD(Z31, t[j], t[j])
			}
			if dot {
				gm := Mem{Base: dy, Disp: 32 * j}
				if masked {
					VCVTPS2PD_Z(gm, K1, g[j])
					SHRL(U8(8), n.(GPVirtual).As32())
				} else {
					VCVTPS2PD(gm, g[j])
				}
				VADDPD(g[j], s[j], s[j])
				VMULPD(g[j], t[j], t[j])
				VADDPD(t[j], q[j], q[j])
				continue
			}
			if masked {
				SHRL(U8(8), n.(GPVirtual).As32())
			}
			VADDPD(t[j], s[j], s[j])
			VMULPD(t[j], t[j], t[j])
			VADDPD(t[j], q[j], q[j])
		}
	}
	Label("v4")
	CMPQ(n, U32(32))
	JL(LabelRef("tail"))
	vecs(false)
	ADDQ(U32(128), x)
	if dot {
		ADDQ(U32(128), dy)
	}
	SUBQ(U32(32), n)
	JMP(LabelRef("v4"))
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("sum"))
	m := GP32()
	MOVL(U32(0xffffffff), m)
	BZHIL(n.(GPVirtual).As32(), m, m)
	MOVL(m, n.(GPVirtual).As32())
	vecs(true)
	Label("sum")
	reduce8(s, t[0])
	reduce8(q, t[0])
	Store(s[0].AsX(), ReturnIndex(0))
	Store(q[0].AsX(), ReturnIndex(1))
	VZEROUPPER()
	RET()
}
