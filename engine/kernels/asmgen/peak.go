package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// peakChains independent accumulators keep the FMA pipes busy whatever the
// latency (4 cycles) and throughput (up to 2 per cycle) of the core.
const peakChains = 12

func peakAVX512() {
	TEXT("fmaPeakAVX512", NOSPLIT, "func(n int)")
	Doc("fmaPeakAVX512 runs n iterations of 12 independent zmm VFMADD231PS (384 flops each).")
	peakBody(zmm(peakChains+2), true)
}

func peakAVX2() {
	TEXT("fmaPeakAVX2", NOSPLIT, "func(n int)")
	Doc("fmaPeakAVX2 runs n iterations of 12 independent ymm VFMADD231PS (192 flops each).")
	peakBody(ymm(peakChains+2), false)
}

func peakBody(regs []VecPhysical, wide bool) {
	n := Load(Param("n"), GP64())
	for _, r := range regs {
		zero(r, wide)
	}
	x, y := regs[peakChains], regs[peakChains+1]
	TESTQ(n, n)
	JZ(LabelRef("done"))
	Label("loop")
	for i := 0; i < peakChains; i++ {
		VFMADD231PS(x, y, regs[i])
	}
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}
