package data

import (
	"math"
	"math/rand/v2"
)

// AutoAugment's CIFAR-10 policy (Cubuk et al. 2019, "AutoAugment: Learning
// Augmentation Policies from Data"), in the form of DeepVoltaire/AutoAugment's
// CIFAR10Policy: per image, one of 25 sub-policies is chosen uniformly, and
// each of its two operations is applied with its own probability at the
// magnitude of its level (0..9) on a 10-step scale.

// aaOp is an AutoAugment image operation.
type aaOp uint8

const (
	aaInvert aaOp = iota
	aaAutocontrast
	aaEqualize
	aaPosterize
	aaSolarize
	aaColor
	aaContrast
	aaBrightness
	aaSharpness
	aaShearX
	aaShearY
	aaTranslateX
	aaTranslateY
	aaRotate
	aaOps // the number of operations
)

var aaOpNames = [aaOps]string{"invert", "autocontrast", "equalize", "posterize", "solarize",
	"color", "contrast", "brightness", "sharpness", "shearX", "shearY", "translateX", "translateY", "rotate"}

func (o aaOp) String() string { return aaOpNames[o] }

// aaStep is one operation of a sub-policy: applied with probability p at
// magnitude level.
type aaStep struct {
	p     float64
	op    aaOp
	level int
}

// cifar10Policy is the 25 sub-policies of the CIFAR-10 policy.
var cifar10Policy = [25][2]aaStep{
	{{0.1, aaInvert, 7}, {0.2, aaContrast, 6}},
	{{0.7, aaRotate, 2}, {0.3, aaTranslateX, 9}},
	{{0.8, aaSharpness, 1}, {0.9, aaSharpness, 3}},
	{{0.5, aaShearY, 8}, {0.7, aaTranslateY, 9}},
	{{0.5, aaAutocontrast, 8}, {0.9, aaEqualize, 2}},

	{{0.2, aaShearY, 7}, {0.3, aaPosterize, 7}},
	{{0.4, aaColor, 3}, {0.6, aaBrightness, 7}},
	{{0.3, aaSharpness, 9}, {0.7, aaBrightness, 9}},
	{{0.6, aaEqualize, 5}, {0.5, aaEqualize, 1}},
	{{0.6, aaContrast, 7}, {0.6, aaSharpness, 5}},

	{{0.7, aaColor, 7}, {0.5, aaTranslateX, 8}},
	{{0.3, aaEqualize, 7}, {0.4, aaAutocontrast, 8}},
	{{0.4, aaTranslateY, 3}, {0.2, aaSharpness, 6}},
	{{0.9, aaBrightness, 6}, {0.2, aaColor, 8}},
	{{0.5, aaSolarize, 2}, {0.0, aaInvert, 3}},

	{{0.2, aaEqualize, 0}, {0.6, aaAutocontrast, 0}},
	{{0.2, aaEqualize, 8}, {0.6, aaEqualize, 4}},
	{{0.9, aaColor, 9}, {0.6, aaEqualize, 6}},
	{{0.8, aaAutocontrast, 4}, {0.2, aaSolarize, 8}},
	{{0.1, aaBrightness, 3}, {0.7, aaColor, 0}},

	{{0.4, aaSolarize, 5}, {0.9, aaAutocontrast, 3}},
	{{0.9, aaTranslateY, 9}, {0.7, aaTranslateY, 9}},
	{{0.9, aaAutocontrast, 2}, {0.8, aaSolarize, 3}},
	{{0.8, aaEqualize, 8}, {0.1, aaInvert, 3}},
	{{0.7, aaTranslateY, 9}, {0.9, aaAutocontrast, 1}},
}

// linspace10 is numpy.linspace(lo, hi, 10)[i]: i*((hi-lo)/9) + lo, the
// last point exactly hi.
func linspace10(lo, hi float64, i int) float64 {
	if i == 9 {
		return hi
	}
	return float64(float64(i)*((hi-lo)/9)) + lo
}

// aaMagnitude is the reference's magnitude of op at level: the shear factor,
// the translation as a fraction of the image side (up to 150/331), the
// rotation in degrees, the enhancement offset from factor 1, the posterize
// bits (rounded half to even, as numpy) or the solarize threshold.
func aaMagnitude(op aaOp, level int) float64 {
	switch op {
	case aaShearX, aaShearY:
		return linspace10(0, 0.3, level)
	case aaTranslateX, aaTranslateY:
		return linspace10(0, 150.0/331, level)
	case aaRotate:
		return linspace10(0, 30, level)
	case aaColor, aaContrast, aaSharpness, aaBrightness:
		return linspace10(0, 0.9, level)
	case aaPosterize:
		return math.RoundToEven(linspace10(8, 4, level))
	case aaSolarize:
		return linspace10(256, 0, level)
	}
	return 0 // invert, autocontrast, equalize
}

// apply runs op at magnitude mag on m; sign (+1 or -1) is the reference's
// random sign of shears, translations and enhancement offsets (rotations
// have none there: always counter-clockwise). scratch holds len(m.pix)
// bytes.
func (op aaOp) apply(m img8, mag, sign float64, scratch []uint8) {
	switch op {
	case aaInvert:
		invert(m)
	case aaAutocontrast:
		autocontrast(m)
	case aaEqualize:
		equalize(m)
	case aaPosterize:
		posterize(m, int(mag))
	case aaSolarize:
		solarize(m, mag)
	case aaColor:
		enhanceColor(m, 1+mag*sign, scratch)
	case aaContrast:
		enhanceContrast(m, 1+mag*sign, scratch)
	case aaBrightness:
		enhanceBrightness(m, 1+mag*sign, scratch)
	case aaSharpness:
		enhanceSharpness(m, 1+mag*sign, scratch)
	case aaShearX:
		shear(m, mag*sign, 0, scratch)
	case aaShearY:
		shear(m, 0, mag*sign, scratch)
	case aaTranslateX:
		translate(m, mag*float64(m.w)*sign, 0, scratch)
	case aaTranslateY:
		translate(m, 0, mag*float64(m.h)*sign, scratch)
	case aaRotate:
		rotate(m, mag, scratch)
	}
}

// aaDraws are AutoAugment's random choices for one image: the sub-policy,
// and for each of its two steps whether it applies and its sign.
type aaDraws struct {
	sub  int
	on   [2]bool
	sign [2]float64
}

// drawAutoAugment makes the choices in a fixed order: the sub-policy, then
// per step a uniform u (the step applies when u < p) and a sign bit, both
// drawn whether or not the step applies.
func drawAutoAugment(src *rand.PCG) aaDraws {
	d := aaDraws{sub: int(uintn(src, uint64(len(cifar10Policy))))}
	for i, s := range cifar10Policy[d.sub] {
		d.on[i] = float01(src) < s.p
		d.sign[i] = 1 - 2*float64(src.Uint64()>>63)
	}
	return d
}

// apply runs the chosen sub-policy on the CHW image img in place; scratch
// holds len(img) bytes.
func (d aaDraws) apply(img, scratch []uint8, c, h, w int) {
	m := img8{pix: img, c: c, h: h, w: w}
	for i, s := range cifar10Policy[d.sub] {
		if d.on[i] {
			s.op.apply(m, aaMagnitude(s.op, s.level), d.sign[i], scratch)
		}
	}
}
