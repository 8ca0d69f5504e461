package kernels

import (
	"os"
	"sync/atomic"
)

// isa names an instruction-set level of the kernels.
type isa int

const (
	isaGeneric isa = iota // pure Go
	isaAVX2               // AVX2 + FMA micro-kernels
	isaAVX512             // AVX-512F micro-kernels
)

func (i isa) String() string {
	switch i {
	case isaAVX512:
		return "avx512"
	case isaAVX2:
		return "avx2"
	}
	return "generic"
}

// hostISA is the best level the CPU supports (detectISA is per architecture).
var hostISA = detectISA()

// forceGeneric holds the ForceGeneric switch; GONAS_NOASM=1 sets it at start-up.
var forceGeneric atomic.Bool

func init() {
	if os.Getenv("GONAS_NOASM") == "1" {
		forceGeneric.Store(true)
	}
}

// ForceGeneric makes every kernel use its pure-Go code (on) or the best
// assembly the CPU supports (off). Setting the environment variable
// GONAS_NOASM=1 turns it on at start-up. Safe to call concurrently, but a
// call that is already running keeps the path it started with.
func ForceGeneric(on bool) { forceGeneric.Store(on) }

// isaLimit caps the level below hostISA; tests lower it to run the AVX2
// kernels on an AVX-512 machine.
var isaLimit atomic.Int32

func init() { isaLimit.Store(int32(isaAVX512)) }

// activeISA is the level the kernels use now.
func activeISA() isa {
	if forceGeneric.Load() {
		return isaGeneric
	}
	return min(hostISA, isa(isaLimit.Load()))
}

// ISA names the code path the kernels use now: "avx512", "avx2" or "generic".
func ISA() string { return activeISA().String() }
