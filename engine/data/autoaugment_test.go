package data

import (
	"math"
	"slices"
	"testing"
)

// gen returns a c x h x w image with pixel (ch, y, x) = f(ch, y, x).
func gen(c, h, w int, f func(ch, y, x int) int) img8 {
	m := img8{pix: make([]uint8, c*h*w), c: c, h: h, w: w}
	for ch := 0; ch < c; ch++ {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				m.pix[(ch*h+y)*w+x] = uint8(f(ch, y, x))
			}
		}
	}
	return m
}

func (m img8) at(ch, y, x int) int { return int(m.pix[(ch*m.h+y)*m.w+x]) }

// noise is a fixed random-looking image.
func noise(c, h, w int) img8 {
	return gen(c, h, w, func(ch, y, x int) int { return int(splitmix64(uint64((ch*h+y)*w+x)) >> 56) })
}

// expectEach checks out pixel by pixel against want(ch, y, x, in).
func expectEach(t *testing.T, name string, in, out img8, want func(ch, y, x, v int) int) {
	t.Helper()
	bad := 0
	for ch := 0; ch < in.c; ch++ {
		for y := 0; y < in.h; y++ {
			for x := 0; x < in.w; x++ {
				if g, w := out.at(ch, y, x), want(ch, y, x, in.at(ch, y, x)); g != w && bad < 5 {
					t.Errorf("%s: pixel (%d,%d,%d) = %d, want %d", name, ch, y, x, g, w)
					bad++
				}
			}
		}
	}
}

func TestAutoAugmentPolicyTable(t *testing.T) {
	if len(cifar10Policy) != 25 {
		t.Fatalf("%d sub-policies", len(cifar10Policy))
	}
	for i, sub := range cifar10Policy {
		for _, s := range sub {
			if s.op >= aaOps || s.level < 0 || s.level > 9 || s.p < 0 || s.p > 1 {
				t.Errorf("sub-policy %d: bad step %+v", i, s)
			}
		}
	}
	// Spot checks against the paper's table (first, a middle and last rows).
	for _, c := range []struct {
		i    int
		want [2]aaStep
	}{
		{0, [2]aaStep{{0.1, aaInvert, 7}, {0.2, aaContrast, 6}}},
		{14, [2]aaStep{{0.5, aaSolarize, 2}, {0.0, aaInvert, 3}}},
		{24, [2]aaStep{{0.7, aaTranslateY, 9}, {0.9, aaAutocontrast, 1}}},
	} {
		if cifar10Policy[c.i] != c.want {
			t.Errorf("sub-policy %d = %v, want %v", c.i, cifar10Policy[c.i], c.want)
		}
	}
	// Magnitudes: 10 evenly spaced levels from 0 (or the identity) up to
	// the reference's maximum.
	for _, c := range []struct {
		ops    []aaOp
		lo, hi float64
	}{
		{[]aaOp{aaShearX, aaShearY}, 0, 0.3},
		{[]aaOp{aaTranslateX, aaTranslateY}, 0, 150.0 / 331},
		{[]aaOp{aaRotate}, 0, 30},
		{[]aaOp{aaColor, aaContrast, aaSharpness, aaBrightness}, 0, 0.9},
		{[]aaOp{aaSolarize}, 256, 0},
		{[]aaOp{aaInvert, aaAutocontrast, aaEqualize}, 0, 0},
	} {
		for _, op := range c.ops {
			for l := 0; l < 10; l++ {
				want := c.lo + (c.hi-c.lo)*float64(l)/9
				if got := aaMagnitude(op, l); math.Abs(got-want) > 1e-12 {
					t.Errorf("%v level %d: magnitude %v, want %v", op, l, got, want)
				}
			}
		}
	}
	bits := []float64{8, 8, 7, 7, 6, 6, 5, 5, 4, 4} // round(linspace(8, 4, 10))
	for l, want := range bits {
		if got := aaMagnitude(aaPosterize, l); got != want {
			t.Errorf("posterize level %d: %v bits, want %v", l, got, want)
		}
	}
}

func TestAutoAugmentPointOps(t *testing.T) {
	in := noise(3, 5, 7)
	cases := []struct {
		name string
		op   func(img8)
		want func(ch, y, x, v int) int
	}{
		{"invert", invert, func(_, _, _, v int) int { return 255 - v }},
		{"solarize 128.5", func(m img8) { solarize(m, 128.5) }, func(_, _, _, v int) int {
			if v < 129 {
				return v
			}
			return 255 - v
		}},
		{"solarize 256 is the identity", func(m img8) { solarize(m, 256) }, func(_, _, _, v int) int { return v }},
		{"solarize 0 inverts all", func(m img8) { solarize(m, 0) }, func(_, _, _, v int) int { return 255 - v }},
		{"posterize 4", func(m img8) { posterize(m, 4) }, func(_, _, _, v int) int { return v &^ 15 }},
		{"posterize 7", func(m img8) { posterize(m, 7) }, func(_, _, _, v int) int { return v &^ 1 }},
		{"posterize 8 is the identity", func(m img8) { posterize(m, 8) }, func(_, _, _, v int) int { return v }},
		{"brightness 0.5", func(m img8) { enhanceBrightness(m, 0.5, make([]uint8, 105)) },
			func(_, _, _, v int) int { return v / 2 }},
		{"brightness 1.5 clips", func(m img8) { enhanceBrightness(m, 1.5, make([]uint8, 105)) },
			func(_, _, _, v int) int { return min(3*v/2, 255) }},
		{"factor 1 is the identity", func(m img8) { enhanceContrast(m, 1, make([]uint8, 105)) },
			func(_, _, _, v int) int { return v }},
	}
	for _, c := range cases {
		out := img8{slices.Clone(in.pix), in.c, in.h, in.w}
		c.op(out)
		expectEach(t, c.name, in, out, c.want)
	}
}

func TestAutoAugmentHistogramOps(t *testing.T) {
	// Equalize a 32x32 image of four values, 256 pixels each: step =
	// (1024-256)/255 = 3, value v maps to (1 + pixels below v) / 3.
	four := []int{0, 100, 200, 255}
	in := gen(1, 32, 32, func(_, y, _ int) int { return four[y/8] })
	out := img8{slices.Clone(in.pix), 1, 32, 32}
	equalize(out)
	eq := map[int]int{0: 0, 100: 257 / 3, 200: 513 / 3, 255: 255} // 769/3 = 256 clips
	expectEach(t, "equalize", in, out, func(_, _, _, v int) int { return eq[v] })

	// Few pixels (step 0) or one value: the identity.
	for _, m := range []img8{gen(1, 4, 4, func(_, y, x int) int { return 16*y + x }), gen(1, 32, 32, func(_, _, _ int) int { return 9 })} {
		out := img8{slices.Clone(m.pix), m.c, m.h, m.w}
		equalize(out)
		expectEach(t, "equalize identity", m, out, func(_, _, _, v int) int { return v })
	}

	// Autocontrast stretches each channel's own range: [10, 61] by 5 and
	// [20, 105] by 3; a constant channel is kept.
	in = gen(3, 4, 26, func(ch, y, x int) int {
		switch ch {
		case 0:
			return 10 + (26*y+x)%52
		case 1:
			return 20 + (26*y+x)%86
		}
		return 77
	})
	out = img8{slices.Clone(in.pix), 3, 4, 26}
	autocontrast(out)
	expectEach(t, "autocontrast", in, out, func(ch, _, _, v int) int {
		return [3]int{5 * (v - 10), 3 * (v - 20), 77}[ch]
	})
	// PIL computes v*scale - lo*scale in floats and truncates: the top of
	// [50, 100] lands on 254, as Pillow gives.
	m := img8{[]uint8{50, 75, 100}, 1, 1, 3}
	autocontrast(m)
	if !slices.Equal(m.pix, []uint8{0, 127, 254}) {
		t.Errorf("autocontrast [50 75 100] = %v, want [0 127 254]", m.pix)
	}
}

func TestAutoAugmentEnhance(t *testing.T) {
	// Contrast blends with the mean grey, int(150.5 + 0.5) = 151.
	for _, c := range []struct {
		f    float64
		want []uint8
	}{{0, []uint8{151, 151}}, {0.5, []uint8{125, 176}}, {1.9, []uint8{54, 246}}} {
		m := img8{[]uint8{100, 201}, 1, 1, 2}
		enhanceContrast(m, c.f, make([]uint8, 2))
		if !slices.Equal(m.pix, c.want) {
			t.Errorf("contrast %v = %v, want %v", c.f, m.pix, c.want)
		}
	}
	// Colour blends with the luma grey: (200,100,50) has L = 124 and
	// (10,20,30) L = 18 (0.299 R + 0.587 G + 0.114 B, rounded).
	rgb := img8{[]uint8{200, 10, 100, 20, 50, 30}, 3, 1, 2} // CHW
	for _, c := range []struct {
		f    float64
		want []uint8
	}{
		{0, []uint8{124, 18, 124, 18, 124, 18}},
		{0.5, []uint8{162, 14, 112, 19, 87, 24}}, // 124 + (200-124)/2 ...
		{1.5, []uint8{238, 6, 88, 21, 13, 36}},
	} {
		m := img8{slices.Clone(rgb.pix), 3, 1, 2}
		enhanceColor(m, c.f, make([]uint8, 6))
		if !slices.Equal(m.pix, c.want) {
			t.Errorf("colour %v = %v, want %v", c.f, m.pix, c.want)
		}
	}
	gray := noise(1, 4, 4) // mode L: its grey version is itself
	m := img8{slices.Clone(gray.pix), 1, 4, 4}
	enhanceColor(m, 0.1, make([]uint8, 16))
	expectEach(t, "colour on L", gray, m, func(_, _, _, v int) int { return v })

	// Sharpness blends with SMOOTH (1 1 1 / 1 5 1 / 1 1 1 over 13, rounded)
	// in the interior; the border is kept.
	in := gen(1, 3, 4, func(_, y, x int) int { return 10*y + 20*x + 13*(x%2) })
	smooth := func(y, x int) int {
		s := 4 * in.at(0, y, x)
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				s += in.at(0, y+dy, x+dx)
			}
		}
		return int(math.Floor(float64(s)/13 + 0.5))
	}
	for _, f := range []float64{0, 0.25, 1.9} {
		out := img8{slices.Clone(in.pix), 1, 3, 4}
		enhanceSharpness(out, f, make([]uint8, 12))
		expectEach(t, "sharpness", in, out, func(_, y, x, v int) int {
			if y == 0 || y == 2 || x == 0 || x == 3 {
				return v
			}
			s := float64(smooth(y, x))
			return int(min(max(s+f*(float64(v)-s), 0), 255))
		})
	}
}

func TestAutoAugmentGeometry(t *testing.T) {
	in := noise(3, 6, 8)
	grey := func(ok bool, v int) int {
		if ok {
			return v
		}
		return aaFill
	}
	cases := []struct {
		name string
		op   func(m img8, s []uint8)
		want func(ch, y, x int) int // from in
	}{
		// Output (x, y) reads input (x+tx, y+ty), rounding x+0.5+tx down.
		{"translate x +3", func(m img8, s []uint8) { translate(m, 3, 0, s) },
			func(ch, y, x int) int { return grey(x+3 < 8, in.at(ch, y, min(x+3, 7))) }},
		{"translate x -2.5", func(m img8, s []uint8) { translate(m, -2.5, 0, s) },
			func(ch, y, x int) int { return grey(x >= 2, in.at(ch, y, max(x-2, 0))) }},
		{"translate x +0.5 is a whole pixel", func(m img8, s []uint8) { translate(m, 0.5, 0, s) },
			func(ch, y, x int) int { return grey(x+1 < 8, in.at(ch, y, min(x+1, 7))) }},
		{"translate y -4", func(m img8, s []uint8) { translate(m, 0, -4, s) },
			func(ch, y, x int) int { return grey(y >= 4, in.at(ch, max(y-4, 0), x)) }},
		{"translate past the image", func(m img8, s []uint8) { translate(m, 0, 14.5, s) },
			func(_, _, _ int) int { return aaFill }},
		// Integer sample points make bicubic exact: shear x by 2 reads
		// column x + 2y + 1, shear y by 2 reads row y + 2x + 1.
		{"shear x 2", func(m img8, s []uint8) { shear(m, 2, 0, s) },
			func(ch, y, x int) int { return grey(x+2*y+1 < 8, in.at(ch, y, min(x+2*y+1, 7))) }},
		{"shear y 2", func(m img8, s []uint8) { shear(m, 0, 2, s) },
			func(ch, y, x int) int { return grey(y+2*x+1 < 6, in.at(ch, min(y+2*x+1, 5), x)) }},
		{"shear 0 is the identity", func(m img8, s []uint8) { shear(m, 0, 0, s) }, in.at},
		{"rotate 0 is the identity", func(m img8, s []uint8) { rotate(m, 0, s) }, in.at},
		{"rotate 360 is the identity", func(m img8, s []uint8) { rotate(m, 360, s) }, in.at},
		{"rotate 180 flips both axes", func(m img8, s []uint8) { rotate(m, 180, s) },
			func(ch, y, x int) int { return in.at(ch, 5-y, 7-x) }},
	}
	for _, c := range cases {
		out := img8{slices.Clone(in.pix), in.c, in.h, in.w}
		c.op(out, make([]uint8, len(in.pix)))
		expectEach(t, c.name, in, out, func(ch, y, x, _ int) int { return c.want(ch, y, x) })
	}

	// Rotating a square by 90 degrees (counter-clockwise) is a transpose
	// then a vertical flip: out[y][x] = in[x][n-1-y].
	sq := noise(3, 7, 7)
	out := img8{slices.Clone(sq.pix), 3, 7, 7}
	rotate(out, 90, make([]uint8, len(sq.pix)))
	expectEach(t, "rotate 90", sq, out, func(ch, y, x, _ int) int { return sq.at(ch, x, 6-y) })
	rotate(out, 270, make([]uint8, len(sq.pix)))
	expectEach(t, "rotate 90 then 270", sq, out, func(_, _, _, v int) int { return v })

	// A small rotation of a flat image keeps the centre, greys the corners.
	flat := gen(1, 32, 32, func(_, _, _ int) int { return 200 })
	rotate(flat, 30, make([]uint8, 1024))
	if flat.at(0, 16, 16) != 200 || flat.at(0, 0, 0) != aaFill || flat.at(0, 31, 31) != aaFill || flat.at(0, 0, 16) != 200 {
		t.Errorf("rotate 30 of a flat image: centre %d, corners %d %d, top middle %d",
			flat.at(0, 16, 16), flat.at(0, 0, 0), flat.at(0, 31, 31), flat.at(0, 0, 16))
	}
}

// TestAutoAugmentBicubic checks shear against an independent cubic
// convolution (Keys, a = -1, clamped edges) at non-integer points.
func TestAutoAugmentBicubic(t *testing.T) {
	keys := func(t float64) float64 {
		t = math.Abs(t)
		if t < 1 {
			return t*t*t - 2*t*t + 1
		}
		return -t*t*t + 5*t*t - 8*t + 4
	}
	in := noise(1, 9, 11)
	for _, sx := range []float64{0.3, -0.1333} {
		out := img8{slices.Clone(in.pix), 1, 9, 11}
		shear(out, sx, 0, make([]uint8, 99))
		for y := 0; y < 9; y++ {
			for x := 0; x < 11; x++ {
				px := float64(x) + 0.5 + sx*(float64(y)+0.5) // input point, pixel centres at .5
				if px < 0 || px >= 11 {
					if out.at(0, y, x) != aaFill {
						t.Errorf("shear %v (%d,%d): %d outside, want fill", sx, y, x, out.at(0, y, x))
					}
					continue
				}
				c := px - 0.5
				x0 := int(math.Floor(c))
				v := 0.0
				for k := x0 - 1; k <= x0+2; k++ {
					v += keys(c-float64(k)) * float64(in.at(0, y, clamp(k, 0, 10)))
				}
				want := int(min(max(v, 0), 255))
				if d := out.at(0, y, x) - want; d < -1 || d > 1 {
					t.Errorf("shear %v (%d,%d) = %d, cubic convolution %d", sx, y, x, out.at(0, y, x), want)
				}
			}
		}
	}
}

func TestAutoAugmentDraws(t *testing.T) {
	const n = 25000
	subs := make([]int, 25)
	var on, want, neg float64
	for i := 0; i < n; i++ {
		d := drawAutoAugment(derive(3, tagAutoAug, 0, uint64(i)))
		if d != drawAutoAugment(derive(3, tagAutoAug, 0, uint64(i))) {
			t.Fatal("draws differ for the same (seed, epoch, index)")
		}
		subs[d.sub]++
		for k, s := range cifar10Policy[d.sub] {
			want += s.p
			if d.on[k] {
				on++
			}
			if d.sign[k] == -1 {
				neg++
			} else if d.sign[k] != 1 {
				t.Fatalf("sign %v", d.sign[k])
			}
		}
	}
	for i, c := range subs { // each about n/25 = 1000, sd about 31
		if c < 850 || c > 1150 {
			t.Errorf("sub-policy %d chosen %d times of %d", i, c, n)
		}
	}
	if math.Abs(on-want) > 5*math.Sqrt(n/2) {
		t.Errorf("%v steps applied, expected %v", on, want)
	}
	if math.Abs(neg-n) > 5*math.Sqrt(n/2) {
		t.Errorf("%v negative signs of %d", neg, 2*n)
	}
}

func TestAutoAugmentApplyDeterministic(t *testing.T) {
	src := gen(3, 32, 32, func(ch, y, x int) int { return 60 + noise(3, 32, 32).at(ch, y, x)%120 })
	run := func(seed, epoch, idx uint64) []uint8 {
		img := slices.Clone(src.pix)
		drawAutoAugment(derive(seed, tagAutoAug, epoch, idx)).apply(img, make([]uint8, len(img)), 3, 32, 32)
		return img
	}
	// Many draws leave an image as it is (no step applies, or e.g. a
	// solarize threshold above every value), so only ask for variety.
	distinct, draws := map[string]bool{}, map[aaDraws]bool{}
	for idx := uint64(0); idx < 64; idx++ {
		a := run(1, 2, idx)
		if !slices.Equal(a, run(1, 2, idx)) {
			t.Fatalf("index %d: two applications differ", idx)
		}
		distinct[string(a)] = true
		draws[drawAutoAugment(derive(1, tagAutoAug, 2, idx))] = true
	}
	if len(distinct) < 16 || len(draws) < 40 {
		t.Errorf("64 indices give %d distinct images, %d distinct draws", len(distinct), len(draws))
	}
	if slices.Equal(run(1, 2, 5), run(1, 3, 5)) && slices.Equal(run(1, 2, 6), run(1, 3, 6)) {
		t.Error("the epoch does not change the policy")
	}
}

// TestAutoAugmentCrop8 checks that crop8 is render's geometry: normalising
// its output reproduces render, padding aside.
func TestAutoAugmentCrop8(t *testing.T) {
	img := noise(3, 5, 6).pix
	lut := normLUT([]float32{0.4, 0.5, 0.6}, []float32{0.2, 0.25, 0.3})
	for _, d := range []draws{{dy: 2, dx: 2}, {dy: 0, dx: 3, flip: true}, {dy: 4, dx: 1}, {dy: 1, dx: 0, flip: true}} {
		want, got := make([]float32, 90), make([]float32, 90)
		render(want, img, 3, 5, 6, lut, 2, d, 0)
		buf := make([]uint8, 90)
		crop8(buf, img, 3, 5, 6, 2, d, 0)
		render(got, buf, 3, 5, 6, lut, 0, draws{}, 0)
		if !slices.Equal(got, want) {
			t.Errorf("%+v: crop8 then normalise differs from render", d)
		}
		// Only the padding takes the fill value.
		grey := make([]uint8, 90)
		crop8(grey, img, 3, 5, 6, 2, d, aaFill)
		overlap := (5 - abs(d.dy-2)) * (6 - abs(d.dx-2))
		changed := 0
		for i := range buf {
			if buf[i] != grey[i] {
				changed++
				if buf[i] != 0 || grey[i] != aaFill {
					t.Errorf("%+v: pixel %d is %d or %d", d, i, buf[i], grey[i])
				}
			}
		}
		if changed > 3*(30-overlap) {
			t.Errorf("%+v: %d pixels take the fill, padding is %d", d, changed, 3*(30-overlap))
		}
	}
	// The corner window of a 1-pixel pad shows grey on the top row.
	buf := make([]uint8, 30)
	crop8(buf, img[:30], 1, 5, 6, 1, draws{}, aaFill)
	if buf[0] != aaFill || buf[5] != aaFill || buf[7] != img[0] {
		t.Errorf("corner window: %v", buf[:8])
	}
}

func TestAutoAugmentLoader(t *testing.T) {
	cifar := synthSet(40)
	mnist := &Dataset{Name: "gray", Split: "train", C: 1, H: 28, W: 28, Classes: 10,
		Images: noise(40, 28, 28).pix, Mean: []float32{0.13}, Std: []float32{0.31}, Pad: 2}
	for i := 0; i < 40; i++ {
		mnist.Labels = append(mnist.Labels, i%10)
	}
	for _, ds := range []*Dataset{cifar, mnist} {
		aug := Augment{Crop: true, Flip: ds.Flip, Cutout: 8, AutoAugment: true}
		cfg := LoaderConfig{Batch: 8, Shuffle: true, Seed: 11, Augment: aug}
		ref := newLoader(t, ds, cfg)
		c := cfg
		c.Workers = 2
		par := newLoader(t, ds, c)
		want := collect(ref.Epoch(1, 0), 100)
		got := collect(par.Epoch(1, 0), 100)
		if len(got) != len(want) {
			t.Fatalf("%s: %d and %d batches", ds.Name, len(got), len(want))
		}
		for i := range want {
			if !sameBatch(got[i], want[i]) {
				t.Fatalf("%s: batch %d differs between loaders", ds.Name, i)
			}
		}
		var b Batch
		if err := par.Fill(&b, Position{1, 3}); err != nil || !sameBatch(b, want[3]) {
			t.Fatalf("%s: Fill at 1/3 differs from the iterator (%v)", ds.Name, err)
		}
		resumed := collect(par.Epoch(1, 2), 100)
		if len(resumed) == 0 || !sameBatch(resumed[0], want[2]) {
			t.Errorf("%s: resuming at 1/2 differs", ds.Name)
		}

		// Each image is: crop and flip from the augment stream with grey
		// padding, the policy from its own stream, then normalise and
		// cutout at the augment stream's centre.
		size := ds.ImageSize()
		lut := normLUT(ds.Mean, ds.Std)
		for k, idx := range b.Index {
			d := aug.draw(derive(cfg.Seed, tagAugment, 1, uint64(idx)), ds.H, ds.W, ds.Pad)
			img := make([]uint8, size)
			crop8(img, ds.Image(idx), ds.C, ds.H, ds.W, ds.Pad, d, aaFill)
			drawAutoAugment(derive(cfg.Seed, tagAutoAug, 1, uint64(idx))).apply(img, make([]uint8, size), ds.C, ds.H, ds.W)
			x := make([]float32, size)
			render(x, img, ds.C, ds.H, ds.W, lut, 0, draws{cy: d.cy, cx: d.cx}, aug.Cutout)
			if !slices.Equal(x, b.X[k*size:(k+1)*size]) {
				t.Errorf("%s: image %d is not crop, flip, policy, normalise, cutout", ds.Name, idx)
			}
		}

		off := cfg
		off.Augment.AutoAugment = false
		plain := collect(newLoader(t, ds, off).Epoch(1, 0), 1)[0]
		if slices.Equal(plain.X, want[0].X) {
			t.Errorf("%s: AutoAugment changes nothing", ds.Name)
		}
	}
}

// TestAutoAugmentOffUnchanged checks that without AutoAugment the loader
// still renders every image straight from the crop/flip/cutout draws.
func TestAutoAugmentOffUnchanged(t *testing.T) {
	ds := synthSet(30)
	aug := Augment{Crop: true, Flip: true, Cutout: 16}
	l := newLoader(t, ds, LoaderConfig{Batch: 7, Shuffle: true, Seed: 9, Augment: aug, Workers: 2})
	lut := normLUT(ds.Mean, ds.Std)
	size := ds.ImageSize()
	for _, b := range collect(l.Epoch(2, 0), 100) {
		for k, idx := range b.Index {
			d := aug.draw(derive(9, tagAugment, 2, uint64(idx)), 32, 32, 4)
			x := make([]float32, size)
			render(x, ds.Image(idx), 3, 32, 32, lut, 4, d, 16)
			if !slices.Equal(x, b.X[k*size:(k+1)*size]) {
				t.Fatalf("batch %v image %d differs from render", b.Pos, idx)
			}
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
