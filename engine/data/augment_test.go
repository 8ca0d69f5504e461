package data

import (
	"math"
	"testing"
)

// B marks a padded (black) pixel and C a cutout (zero) pixel in the
// expected images below; other values are source pixel values.
const (
	B = -1
	C = -2
)

// src3x4 is the hand-made source image, v = 10*row + col + 1.
var src3x4 = []uint8{
	1, 2, 3, 4,
	11, 12, 13, 14,
	21, 22, 23, 24,
}

func TestRenderGeometry(t *testing.T) {
	mean, std := []float32{0.5}, []float32{0.25}
	lut := normLUT(mean, std)
	cases := []struct {
		name   string
		d      draws
		cutout int
		want   []int
	}{
		{"identity", draws{dy: 1, dx: 1}, 0, []int{
			1, 2, 3, 4,
			11, 12, 13, 14,
			21, 22, 23, 24}},
		{"window at the top-left corner", draws{dy: 0, dx: 0}, 0, []int{
			B, B, B, B,
			B, 1, 2, 3,
			B, 11, 12, 13}},
		{"window at the bottom", draws{dy: 2, dx: 1}, 0, []int{
			11, 12, 13, 14,
			21, 22, 23, 24,
			B, B, B, B}},
		{"crop then flip", draws{dy: 1, dx: 2, flip: true}, 0, []int{
			B, 4, 3, 2,
			B, 14, 13, 12,
			B, 24, 23, 22}},
		{"cutout 2 at (1,2)", draws{dy: 1, dx: 1, cy: 1, cx: 2}, 2, []int{
			1, C, C, 4,
			11, C, C, 14,
			21, 22, 23, 24}},
		{"cutout 3 at a corner is clipped (odd L: 2x2)", draws{dy: 1, dx: 1, cy: 0, cx: 0}, 3, []int{
			C, 2, 3, 4,
			11, 12, 13, 14,
			21, 22, 23, 24}},
		{"cutout over padding", draws{dy: 0, dx: 0, cy: 0, cx: 0}, 2, []int{
			C, B, B, B,
			B, 1, 2, 3,
			B, 11, 12, 13}},
		{"cutout larger than the image", draws{dy: 1, dx: 1, cy: 2, cx: 3}, 16, []int{
			C, C, C, C,
			C, C, C, C,
			C, C, C, C}},
	}
	for _, c := range cases {
		dst := make([]float32, 12)
		render(dst, src3x4, 1, 3, 4, lut, 1, c.d, c.cutout)
		for i, w := range c.want {
			var want float64
			switch w {
			case B:
				want = (0 - 0.5) / 0.25
			case C:
				want = 0
			default:
				want = (float64(w)/255 - 0.5) / 0.25
			}
			if math.Abs(float64(dst[i])-want) > 1e-6 {
				t.Errorf("%s: pixel %d = %v, want %v", c.name, i, dst[i], want)
			}
		}
	}
}

// TestRenderChannels checks that every channel gets the same geometry and
// its own normalisation, and that cutout hits all channels.
func TestRenderChannels(t *testing.T) {
	img := make([]uint8, 24)
	for i, v := range src3x4 {
		img[i], img[12+i] = v, v+100
	}
	mean, std := []float32{0.1, 0.7}, []float32{0.2, 0.3}
	dst := make([]float32, 24)
	render(dst, img, 2, 3, 4, normLUT(mean, std), 1, draws{dy: 0, dx: 2, flip: true, cy: 2, cx: 0}, 2)
	// Window rows -1..1, columns 1..4 of the source, mirrored; cutout rows
	// [1,3) x cols [0,1).
	want := []int{
		B, B, B, B,
		C, 4, 3, 2,
		C, 14, 13, 12}
	for ch := 0; ch < 2; ch++ {
		for i, w := range want {
			var v float64
			switch w {
			case B:
				v = float64(-mean[ch] / std[ch])
			case C:
				v = 0
			default:
				v = (float64(w+100*ch)/255 - float64(mean[ch])) / float64(std[ch])
			}
			if math.Abs(float64(dst[ch*12+i])-v) > 1e-5 {
				t.Errorf("channel %d pixel %d = %v, want %v", ch, i, dst[ch*12+i], v)
			}
		}
	}
}

// TestDrawDistribution checks the ranges and rough uniformity of the
// random choices.
func TestDrawDistribution(t *testing.T) {
	a := Augment{Crop: true, Flip: true, Cutout: 16}
	const n, pad, size = 18000, 4, 32
	var dy, dx [2*pad + 1]int
	var cy, cx [size]int
	flips := 0
	for i := 0; i < n; i++ {
		d := a.draw(derive(7, tagAugment, 0, uint64(i)), size, size, pad)
		dy[d.dy]++
		dx[d.dx]++
		cy[d.cy]++
		cx[d.cx]++
		if d.flip {
			flips++
		}
	}
	within := func(name string, counts []int) {
		exp := float64(n) / float64(len(counts))
		for v, k := range counts {
			if math.Abs(float64(k)-exp) > 5*math.Sqrt(exp) {
				t.Errorf("%s = %d drawn %d times, expected about %.0f", name, v, k, exp)
			}
		}
	}
	within("crop row", dy[:])
	within("crop column", dx[:])
	within("cutout row", cy[:])
	within("cutout column", cx[:])
	if math.Abs(float64(flips)-n/2) > 5*math.Sqrt(n/4) {
		t.Errorf("%d flips in %d", flips, n)
	}
}

func TestStandardAugment(t *testing.T) {
	mnist := &Dataset{Pad: 2, Flip: false}
	cifar := &Dataset{Pad: 4, Flip: true}
	if a := StandardAugment(mnist, 0); a != (Augment{Crop: true}) {
		t.Errorf("mnist: %+v", a)
	}
	if a := StandardAugment(cifar, 16); a != (Augment{Crop: true, Flip: true, Cutout: 16}) {
		t.Errorf("cifar: %+v", a)
	}
}

func TestUintnAndPermutation(t *testing.T) {
	src := derive(1, 2, 3, 4)
	var counts [7]int
	for i := 0; i < 70000; i++ {
		counts[uintn(src, 7)]++
	}
	for v, k := range counts {
		if math.Abs(float64(k)-10000) > 500 {
			t.Errorf("uintn(7) = %d drawn %d times", v, k)
		}
	}
	p := permutation(derive(9, tagShuffle, 0, 0), 1000)
	seen := make([]bool, 1000)
	moved := 0
	for i, v := range p {
		if seen[v] {
			t.Fatalf("%d repeated", v)
		}
		seen[v] = true
		if v != i {
			moved++
		}
	}
	if moved < 900 {
		t.Errorf("only %d of 1000 moved", moved)
	}
}
