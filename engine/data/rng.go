package data

import (
	"math/bits"
	"math/rand/v2"
)

// Stream tags keep the random streams of different purposes apart.
const (
	tagShuffle uint64 = 0x53485546464c4531 // "SHUFFLE1"
	tagAugment uint64 = 0x4155474d454e5431 // "AUGMENT1"
	tagAutoAug uint64 = 0x4155544f41554731 // "AUTOAUG1"
)

// splitmix64 is the SplitMix64 finaliser: a bijective mixer used to derive
// independent generator seeds from small integers.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// derive returns a PCG generator whose state is a function of the seed, a
// stream tag and two coordinates (for example epoch and sample index) only.
// The loader keeps no generator state between batches: its whole random
// state is its seed plus a Position, which is what makes resuming exact and
// parallel preparation order-independent.
func derive(seed, tag, a, b uint64) *rand.PCG {
	h := splitmix64(seed ^ splitmix64(tag))
	h = splitmix64(h ^ a)
	h = splitmix64(h ^ b)
	return rand.NewPCG(h, splitmix64(h^tag))
}

// uintn returns a uniform value in [0, n) for n > 0 (Lemire's
// multiply-shift with rejection). It is written here rather than taken from
// math/rand/v2's Rand so that the streams stay fixed across Go releases:
// checkpoints resume with the same batches after an upgrade.
func uintn(src *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// float01 returns a uniform float64 in [0, 1) from the top 53 bits of one
// draw, fixed across Go releases like uintn.
func float01(src *rand.PCG) float64 {
	return float64(src.Uint64()>>11) / (1 << 53)
}

// permutation returns a uniformly random permutation of [0, n) by a
// Fisher-Yates shuffle driven by src.
func permutation(src *rand.PCG, n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := int(uintn(src, uint64(i+1)))
		p[i], p[j] = p[j], p[i]
	}
	return p
}
