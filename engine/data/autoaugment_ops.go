package data

import (
	"math"
	"strconv"
)

// The AutoAugment image operations, each on one CHW uint8 image of 1 or 3
// channels in place, following Pillow's definitions (ImageOps, ImageEnhance,
// Image.transform and Image.rotate) down to its integer and float32
// rounding; a 1-channel image is treated as Pillow's mode "L". Products are
// wrapped in explicit conversions so that Go never fuses them into FMAs:
// Pillow's x86-64 builds round every operation.

// aaFill is the grey of the pixels that shears, translations and rotations
// uncover, the reference's fillcolor (128, 128, 128).
const aaFill = 128

// img8 is one CHW uint8 image.
type img8 struct {
	pix     []uint8
	c, h, w int
}

func (m img8) plane(ch int) []uint8 { return m.pix[ch*m.h*m.w : (ch+1)*m.h*m.w] }

// applyLUT maps every value of channel ch through lut (Image.point).
func (m img8) applyLUT(ch int, lut *[256]uint8) {
	p := m.plane(ch)
	for i, v := range p {
		p[i] = lut[v]
	}
}

func (m img8) histogram(ch int) (h [256]int) {
	for _, v := range m.plane(ch) {
		h[v]++
	}
	return h
}

// invert is ImageOps.invert: 255 - v.
func invert(m img8) {
	for i, v := range m.pix {
		m.pix[i] = 255 - v
	}
}

// solarize is ImageOps.solarize: values >= threshold become 255 - v.
func solarize(m img8, threshold float64) {
	for i, v := range m.pix {
		if float64(v) >= threshold {
			m.pix[i] = 255 - v
		}
	}
}

// posterize is ImageOps.posterize: keep the top bits of every value.
func posterize(m img8, bits int) {
	mask := uint8(0xff << (8 - bits))
	for i, v := range m.pix {
		m.pix[i] = v & mask
	}
}

// autocontrast is ImageOps.autocontrast with no cutoff: per channel, the
// range [lo, hi] is stretched to [0, 255] by int(v*scale + offset).
func autocontrast(m img8) {
	for ch := 0; ch < m.c; ch++ {
		h := m.histogram(ch)
		lo, hi := 0, 255
		for lo < 255 && h[lo] == 0 {
			lo++
		}
		for hi > 0 && h[hi] == 0 {
			hi--
		}
		if hi <= lo {
			continue
		}
		scale := 255.0 / float64(hi-lo)
		offset := float64(-lo) * scale
		var lut [256]uint8
		for v := range lut {
			lut[v] = uint8(min(max(int(float64(float64(v)*scale)+offset), 0), 255))
		}
		m.applyLUT(ch, &lut)
	}
}

// equalize is ImageOps.equalize: per channel, with step the pixel count
// without the top value's, over 255, value v maps to
// (step/2 + count below v) / step in integers, clipped to 255 as Image.point
// clips.
func equalize(m img8) {
	for ch := 0; ch < m.c; ch++ {
		h := m.histogram(ch)
		total, last, distinct := 0, 0, 0
		for _, n := range h {
			if n > 0 {
				total, last, distinct = total+n, n, distinct+1
			}
		}
		step := (total - last) / 255
		if distinct <= 1 || step == 0 {
			continue
		}
		var lut [256]uint8
		n := step / 2
		for v := range lut {
			lut[v] = uint8(min(n/step, 255))
			n += h[v]
		}
		m.applyLUT(ch, &lut)
	}
}

// luma is Pillow's RGB to L conversion (ITU-R 601-2 in 16.16 fixed point,
// rounded).
func luma(r, g, b uint8) uint8 {
	return uint8((uint32(r)*19595 + uint32(g)*38470 + uint32(b)*7471 + 0x8000) >> 16)
}

// blend is Image.blend(deg, img, alpha) into img, alpha rounded to float32
// as Pillow passes it: deg + alpha*(img-deg) in float32, truncated, and
// clipped to [0, 255] outside alpha in [0, 1].
func blend(img, deg []uint8, factor float64) {
	a := float32(factor)
	switch {
	case a == 0:
		copy(img, deg)
		return
	case a == 1:
		return
	}
	for i, v := range img {
		d := deg[i]
		t := float32(d) + float32(a*float32(int(v)-int(d)))
		switch {
		case t <= 0:
			img[i] = 0
		case t >= 255:
			img[i] = 255
		default:
			img[i] = uint8(t)
		}
	}
}

// enhanceBrightness is ImageEnhance.Brightness: a blend with black.
func enhanceBrightness(m img8, factor float64, deg []uint8) {
	clear(deg[:len(m.pix)])
	blend(m.pix, deg, factor)
}

// enhanceContrast is ImageEnhance.Contrast: a blend with the grey of the image's
// mean luma, int(mean + 0.5).
func enhanceContrast(m img8, factor float64, deg []uint8) {
	n := m.h * m.w
	sum := 0
	for i := 0; i < n; i++ {
		if m.c == 3 {
			sum += int(luma(m.pix[i], m.pix[n+i], m.pix[2*n+i]))
		} else {
			sum += int(m.pix[i])
		}
	}
	mean := uint8(float64(sum)/float64(n) + 0.5)
	deg = deg[:len(m.pix)]
	for i := range deg {
		deg[i] = mean
	}
	blend(m.pix, deg, factor)
}

// enhanceColor is ImageEnhance.Color: a blend with the image's grey version; for
// mode "L" the grey version is the image, so nothing changes.
func enhanceColor(m img8, factor float64, deg []uint8) {
	if m.c != 3 {
		return
	}
	n := m.h * m.w
	for i := 0; i < n; i++ {
		l := luma(m.pix[i], m.pix[n+i], m.pix[2*n+i])
		deg[i], deg[n+i], deg[2*n+i] = l, l, l
	}
	blend(m.pix, deg[:len(m.pix)], factor)
}

// enhanceSharpness is ImageEnhance.Sharpness: a blend with ImageFilter.SMOOTH
// (kernel 1 1 1 / 1 5 1 / 1 1 1 over 13, float32 sums plus 0.5, truncated;
// the border rows and columns are kept).
func enhanceSharpness(m img8, factor float64, deg []uint8) {
	copy(deg, m.pix)
	side, mid := float32(1)/float32(13), float32(5)/float32(13)
	row := func(r []uint8, x int, k float32) float32 {
		return float32(float32(r[x-1])*side) + float32(float32(r[x])*k) + float32(float32(r[x+1])*side)
	}
	w := m.w
	for ch := 0; ch < m.c; ch++ {
		in, out := m.plane(ch), deg[ch*m.h*w:(ch+1)*m.h*w]
		for y := 1; y < m.h-1; y++ {
			up, cur, down := in[(y-1)*w:y*w], in[y*w:(y+1)*w], in[(y+1)*w:(y+2)*w]
			for x := 1; x < w-1; x++ {
				ss := float32(0.5)
				ss += row(down, x, side)
				ss += row(cur, x, mid)
				ss += row(up, x, side)
				out[y*w+x] = uint8(min(max(ss, 0), 255))
			}
		}
	}
	blend(m.pix, deg[:len(m.pix)], factor)
}

// coord is Pillow's COORD: negative values are outside (-1), others truncate.
func coord(v float64) int {
	if v < 0 {
		return -1
	}
	return int(v)
}

// translate is Image.transform(AFFINE, (1, 0, tx, 0, 1, ty)) with nearest
// neighbour, Pillow's ImagingScaleAffine: output column x reads input
// column COORD(tx + 0.5 + x) (accumulated one by one as Pillow does), rows
// alike; what falls outside is grey.
func translate(m img8, tx, ty float64, src []uint8) {
	copy(src, m.pix)
	for i := range m.pix {
		m.pix[i] = aaFill
	}
	for ch := 0; ch < m.c; ch++ {
		in, out := src[ch*m.h*m.w:(ch+1)*m.h*m.w], m.plane(ch)
		yo := ty + 0.5
		for y := 0; y < m.h; y, yo = y+1, yo+1 {
			yi := coord(yo)
			if yi < 0 || yi >= m.h {
				continue
			}
			xo := tx + 0.5
			for x := 0; x < m.w; x, xo = x+1, xo+1 {
				if xi := coord(xo); xi >= 0 && xi < m.w {
					out[y*m.w+x] = in[yi*m.w+xi]
				}
			}
		}
	}
}

// cubic is Pillow's BICUBIC interpolation at d in [0, 1) between v2 and v3
// (the cubic convolution with a = -1), in its evaluation order.
func cubic(v1, v2, v3, v4, d float64) float64 {
	p1 := v2
	p2 := -v1 + v3
	p3 := 2*(v1-v2) + v3 - v4
	p4 := -v1 + v2 - v3 + v4
	return p1 + float64(d*(p2+float64(d*(p3+float64(d*p4)))))
}

// shear is Image.transform(AFFINE, (1, sx, 0, sy, 1, 0), BICUBIC): output
// pixel centre (x+0.5, y+0.5) reads input point (x+0.5 + sx*(y+0.5),
// y+0.5 + sy*(x+0.5)) by bicubic interpolation with clamped edges, the
// result clipped and truncated; points outside the image give grey.
func shear(m img8, sx, sy float64, src []uint8) {
	copy(src, m.pix)
	w, h := m.w, m.h
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			xc, yc := float64(x)+0.5, float64(y)+0.5
			xin := float64(xc) + float64(sx*yc)
			yin := float64(sy*xc) + float64(yc)
			if xin < 0 || xin >= float64(w) || yin < 0 || yin >= float64(h) {
				for ch := 0; ch < m.c; ch++ {
					m.pix[ch*h*w+y*w+x] = aaFill
				}
				continue
			}
			xf, yf := math.Floor(xin-0.5), math.Floor(yin-0.5)
			dx, dy := xin-0.5-xf, yin-0.5-yf
			x0, y0 := int(xf)-1, int(yf)-1
			var cols, rows [4]int
			for i := range cols {
				cols[i] = clamp(x0+i, 0, w-1)
				rows[i] = clamp(y0+i, 0, h-1)
			}
			for ch := 0; ch < m.c; ch++ {
				p := src[ch*h*w : (ch+1)*h*w]
				var v [4]float64
				for j, r := range rows {
					r := p[r*w : (r+1)*w]
					v[j] = cubic(float64(r[cols[0]]), float64(r[cols[1]]), float64(r[cols[2]]), float64(r[cols[3]]), dx)
				}
				out := cubic(v[0], v[1], v[2], v[3], dy)
				m.pix[ch*h*w+y*w+x] = uint8(min(max(out, 0), 255))
			}
		}
	}
}

// round15 is Python's round(v, 15), which Image.rotate applies to its sines
// and cosines (correctly rounded through decimal, as strconv does).
func round15(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 15, 64), 64)
	return r
}

// rotate is the reference's rotate_with_fill: Image.rotate(deg) counter-
// clockwise about the centre with nearest neighbour (Pillow's 16.16 fixed
// point affine_fixed), the uncovered corners grey.
func rotate(m img8, deg float64, src []uint8) {
	if deg = math.Mod(deg, 360); deg < 0 {
		deg += 360
	}
	if deg == 0 {
		return
	}
	rad := -(deg * (math.Pi / 180))
	cos, sin := round15(math.Cos(rad)), round15(math.Sin(rad))
	a := [6]float64{cos, sin, 0, -sin, cos, 0}
	cx, cy := float64(m.w)/2, float64(m.h)/2
	a[2] = float64(a[0]*-cx) + float64(a[1]*-cy) + cx
	a[5] = float64(a[3]*-cx) + float64(a[4]*-cy) + cy
	fix := func(v float64) int { return int(math.Floor(v*65536 + 0.5)) }
	a0, a1, a3, a4 := fix(a[0]), fix(a[1]), fix(a[3]), fix(a[4])
	a2, a5 := fix(a[2]+a[0]*0.5+a[1]*0.5), fix(a[5]+a[3]*0.5+a[4]*0.5)
	copy(src, m.pix)
	n := m.h * m.w
	for y := 0; y < m.h; y++ {
		xx, yy := a2+y*a1, a5+y*a4
		for x := 0; x < m.w; x, xx, yy = x+1, xx+a0, yy+a3 {
			xi, yi := xx>>16, yy>>16
			inside := xi >= 0 && xi < m.w && yi >= 0 && yi < m.h
			for ch := 0; ch < m.c; ch++ {
				if inside {
					m.pix[ch*n+y*m.w+x] = src[ch*n+yi*m.w+xi]
				} else {
					m.pix[ch*n+y*m.w+x] = aaFill
				}
			}
		}
	}
}
