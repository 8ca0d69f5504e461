package data

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Dataset is a labelled image set held in memory as 8-bit pixels.
type Dataset struct {
	Name       string   // "mnist", "cifar10", "cifar100" or "folder:PATH"
	Split      string   // "train" or "test"; Split adds the index range, e.g. "train[0:25000]"
	C, H, W    int      // channels, height, width of every image
	Classes    int      // number of classes; labels are in [0, Classes)
	ClassNames []string // one name per class
	Images     []uint8  // N*C*H*W pixels; image i is Images[i*C*H*W:], channel planes in order (CHW)
	Labels     []int    // N labels
	Mean, Std  []float32
	// Mean and Std are per channel, on the [0,1] pixel scale: the loader
	// feeds (pixel/255 - Mean[c]) / Std[c].
	Pad  int  // the usual random-crop padding for this dataset (see Augment)
	Flip bool // whether a horizontal flip preserves the label (false for digits)
}

// Len is the number of images.
func (d *Dataset) Len() int { return len(d.Labels) }

// ImageSize is C*H*W, the number of pixels of one image.
func (d *Dataset) ImageSize() int { return d.C * d.H * d.W }

// Image returns the pixels of image i (CHW), sharing d's memory.
func (d *Dataset) Image(i int) []uint8 {
	n := d.ImageSize()
	return d.Images[i*n : (i+1)*n : (i+1)*n]
}

// Validate checks that the fields are consistent: sizes, label range,
// per-channel statistics.
func (d *Dataset) Validate() error {
	if d.C <= 0 || d.H <= 0 || d.W <= 0 {
		return fmt.Errorf("dataset %s: bad image shape %dx%dx%d", d.Name, d.C, d.H, d.W)
	}
	if d.Classes <= 0 {
		return fmt.Errorf("dataset %s: %d classes", d.Name, d.Classes)
	}
	if d.ClassNames != nil && len(d.ClassNames) != d.Classes {
		return fmt.Errorf("dataset %s: %d class names for %d classes", d.Name, len(d.ClassNames), d.Classes)
	}
	if len(d.Images) != len(d.Labels)*d.ImageSize() {
		return fmt.Errorf("dataset %s: %d pixels for %d images of %dx%dx%d", d.Name, len(d.Images), len(d.Labels), d.C, d.H, d.W)
	}
	for i, l := range d.Labels {
		if l < 0 || l >= d.Classes {
			return fmt.Errorf("dataset %s: label %d of image %d outside [0, %d)", d.Name, l, i, d.Classes)
		}
	}
	if len(d.Mean) != d.C || len(d.Std) != d.C {
		return fmt.Errorf("dataset %s: %d means and %d stds for %d channels", d.Name, len(d.Mean), len(d.Std), d.C)
	}
	for c, s := range d.Std {
		if !(s > 0) || math.IsInf(float64(s), 0) || math.IsNaN(float64(d.Mean[c])) {
			return fmt.Errorf("dataset %s: channel %d has mean %v, std %v", d.Name, c, d.Mean[c], s)
		}
	}
	if d.Pad < 0 {
		return fmt.Errorf("dataset %s: negative crop padding %d", d.Name, d.Pad)
	}
	return nil
}

// Subset returns images [lo, hi) as a dataset sharing d's memory.
func (d *Dataset) Subset(lo, hi int) (*Dataset, error) {
	if lo < 0 || hi > d.Len() || lo > hi {
		return nil, fmt.Errorf("dataset %s: subset [%d:%d] of %d images", d.Name, lo, hi, d.Len())
	}
	s := *d
	n := d.ImageSize()
	s.Images = d.Images[lo*n : hi*n : hi*n]
	s.Labels = d.Labels[lo:hi:hi]
	s.Split = fmt.Sprintf("%s[%d:%d]", d.Split, lo, hi)
	return &s, nil
}

// Split divides d into its first floor(fraction*N) images and the rest,
// without shuffling: the search split of DARTS (train_portion 0.5), where the
// first half trains the weights and the second half the architecture. Both
// halves share d's memory.
func Split(d *Dataset, fraction float64) (first, second *Dataset, err error) {
	if !(fraction > 0 && fraction < 1) {
		return nil, nil, fmt.Errorf("split %s: fraction %v is not in (0, 1)", d.Name, fraction)
	}
	k := int(math.Floor(fraction * float64(d.Len())))
	if k == 0 || k == d.Len() {
		return nil, nil, fmt.Errorf("split %s: fraction %v of %d images leaves an empty half", d.Name, fraction, d.Len())
	}
	if first, err = d.Subset(0, k); err != nil {
		return nil, nil, err
	}
	if second, err = d.Subset(k, d.Len()); err != nil {
		return nil, nil, err
	}
	return first, second, nil
}

// ClassName is class c's name: ClassNames[c], or its number.
func (d *Dataset) ClassName(c int) string {
	if c < len(d.ClassNames) {
		return d.ClassNames[c]
	}
	return strconv.Itoa(c)
}

// ClassCounts prints the images of each class: "cat 10, dog 12".
func (d *Dataset) ClassCounts() string {
	parts := make([]string, d.Classes)
	for c, n := range d.LabelCounts() {
		parts[c] = d.ClassName(c) + " " + strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}

// CheckClasses reports the classes d has no image of, by name: a subset or
// split that lacks a class trains or measures something else than asked.
func (d *Dataset) CheckClasses() error {
	var missing []string
	for c, n := range d.LabelCounts() {
		if n == 0 {
			missing = append(missing, d.ClassName(c))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("dataset %s (%s, %d images): no image of class %s; take more images (--subset, --test-subset) or a dataset that has them",
			d.Name, d.Split, d.Len(), strings.Join(missing, ", "))
	}
	return nil
}

// LabelCounts returns how many images each class has.
func (d *Dataset) LabelCounts() []int {
	c := make([]int, d.Classes)
	for _, l := range d.Labels {
		if l >= 0 && l < d.Classes {
			c[l]++
		}
	}
	return c
}

func clone[T any](s []T) []T { return append([]T(nil), s...) }
