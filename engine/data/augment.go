package data

import "math/rand/v2"

// Augment is the training-time augmentation of the DARTS family (docs/papers.md
// §5), applied per image in this order:
//
//  1. random crop: pad the 8-bit image with Pad zero pixels on every side
//     and cut a window of the original size at an offset uniform in
//     [0, 2*Pad] on each axis (torchvision RandomCrop(size, padding=Pad));
//     with AutoAugment the padding is grey 128 instead, as sharpDARTS pads
//     (Pad(4, fill=128)) before its policy;
//  2. horizontal flip with probability 1/2;
//  3. AutoAugment, when set: one random sub-policy of the CIFAR-10 policy
//     on the 8-bit image (autoaugment.go), from its own random stream;
//  4. ToTensor + Normalize: (pixel/255 - mean[c]) / std[c], so a zero
//     padded border takes the value of a black pixel, -mean/std, as in
//     PyTorch;
//  5. cutout: zero the square rows [cy-L/2, cy+L/2) x columns
//     [cx-L/2, cx+L/2), clipped to the image, with centre (cy, cx) uniform
//     over the image, after normalisation (the DARTS Cutout; for odd L the
//     square is L-1 wide, as there).
//
// This is sharpDARTS's order (cnn/utils.py, _data_transforms_cifar10). The
// zero value is no augmentation (evaluation).
type Augment struct {
	Crop        bool // random crop with zero padding
	Pad         int  // crop padding; 0 means the dataset's Pad
	Flip        bool // random horizontal flip
	AutoAugment bool // AutoAugment's CIFAR-10 policy after crop and flip
	Cutout      int  // cutout side length L; 0 disables cutout
}

// StandardAugment is the usual recipe for ds: random crop with the
// dataset's padding (4 for CIFAR's 32x32, 2 for MNIST's 28x28), a flip when
// flips preserve labels (not for digits), and cutout of the given length.
func StandardAugment(ds *Dataset, cutout int) Augment {
	return Augment{Crop: ds.Pad > 0, Flip: ds.Flip, Cutout: cutout}
}

// draws are the random choices for one image.
type draws struct {
	dy, dx int  // crop offset in the padded image
	flip   bool // mirror horizontally
	cy, cx int  // cutout centre
}

// draw makes the random choices for one image, in a fixed order: crop row,
// crop column, flip, cutout row, cutout column (only those enabled).
func (a Augment) draw(src *rand.PCG, h, w, pad int) draws {
	var d draws
	if a.Crop {
		d.dy = int(uintn(src, uint64(2*pad+1)))
		d.dx = int(uintn(src, uint64(2*pad+1)))
	} else {
		d.dy, d.dx = pad, pad // the identity window
	}
	if a.Flip {
		d.flip = src.Uint64()>>63 == 1
	}
	if a.Cutout > 0 {
		d.cy = int(uintn(src, uint64(h)))
		d.cx = int(uintn(src, uint64(w)))
	}
	return d
}

// normLUT maps each 8-bit value to its normalised float per channel, with
// PyTorch's float32 arithmetic: (float32(v)/255 - mean) / std.
func normLUT(mean, std []float32) [][256]float32 {
	lut := make([][256]float32, len(mean))
	for c := range mean {
		for v := range 256 {
			lut[c][v] = (float32(v)/255 - mean[c]) / std[c]
		}
	}
	return lut
}

// render writes image img (CHW uint8) augmented by d and normalised by lut
// into dst (CHW float32). pad is the crop padding, cutout the square side.
func render(dst []float32, img []uint8, c, h, w int, lut [][256]float32, pad int, d draws, cutout int) {
	for ch := 0; ch < c; ch++ {
		tab := &lut[ch]
		black := tab[0]
		plane := img[ch*h*w : (ch+1)*h*w]
		out := dst[ch*h*w : (ch+1)*h*w]
		for y := 0; y < h; y++ {
			row := out[y*w : (y+1)*w]
			sy := y + d.dy - pad
			if sy < 0 || sy >= h {
				for x := range row {
					row[x] = black
				}
				continue
			}
			srow := plane[sy*w : (sy+1)*w]
			off := d.dx - pad // source column = window column + off
			for x := range row {
				xw := x
				if d.flip {
					xw = w - 1 - x
				}
				sx := xw + off
				if sx < 0 || sx >= w {
					row[x] = black
				} else {
					row[x] = tab[srow[sx]]
				}
			}
		}
	}
	if cutout > 0 {
		half := cutout / 2
		y1, y2 := clamp(d.cy-half, 0, h), clamp(d.cy+half, 0, h)
		x1, x2 := clamp(d.cx-half, 0, w), clamp(d.cx+half, 0, w)
		for ch := 0; ch < c; ch++ {
			for y := y1; y < y2; y++ {
				clear(dst[ch*h*w+y*w+x1 : ch*h*w+y*w+x2])
			}
		}
	}
}

// crop8 writes image img (CHW uint8) cropped and flipped by d into dst
// (CHW uint8), the padding of value fill: render's geometry without the
// normalisation.
func crop8(dst, img []uint8, c, h, w, pad int, d draws, fill uint8) {
	for ch := 0; ch < c; ch++ {
		plane := img[ch*h*w : (ch+1)*h*w]
		out := dst[ch*h*w : (ch+1)*h*w]
		for y := 0; y < h; y++ {
			row := out[y*w : (y+1)*w]
			sy := y + d.dy - pad
			for x := range row {
				xw := x
				if d.flip {
					xw = w - 1 - x
				}
				sx := xw + d.dx - pad
				if sy < 0 || sy >= h || sx < 0 || sx >= w {
					row[x] = fill
				} else {
					row[x] = plane[sy*w+sx]
				}
			}
		}
	}
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }
