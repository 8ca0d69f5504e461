package data

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// tinySet is a 1x2x2 dataset of n images; image i has pixels 4i..4i+3
// (mod 256) and label i%classes.
func tinySet(n, classes int) *Dataset {
	ds := &Dataset{Name: "tiny", Split: "train", C: 1, H: 2, W: 2, Classes: classes,
		Mean: []float32{0.5}, Std: []float32{0.25}}
	for i := 0; i < n; i++ {
		for p := 0; p < 4; p++ {
			ds.Images = append(ds.Images, uint8(4*i+p))
		}
		ds.Labels = append(ds.Labels, i%classes)
	}
	return ds
}

func TestSplit(t *testing.T) {
	cases := []struct {
		n        int
		fraction float64
		first    int
	}{
		{50000, 0.5, 25000}, // DARTS: indices[:25000] weights, [25000:] architecture
		{11, 0.5, 5},        // floor, as int(np.floor(portion*num_train))
		{10, 0.25, 2},
		{3, 0.9, 2},
	}
	for _, c := range cases {
		ds := tinySet(c.n, 7)
		a, b, err := Split(ds, c.fraction)
		if err != nil {
			t.Fatal(err)
		}
		if a.Len() != c.first || b.Len() != c.n-c.first {
			t.Errorf("%d x %v: halves %d and %d", c.n, c.fraction, a.Len(), b.Len())
		}
		// Unshuffled: the halves are the two ends of the set, in order.
		if !slices.Equal(a.Labels, ds.Labels[:c.first]) || !slices.Equal(b.Labels, ds.Labels[c.first:]) ||
			!slices.Equal(a.Images, ds.Images[:4*c.first]) || !slices.Equal(b.Image(0), ds.Image(c.first)) {
			t.Errorf("%d x %v: halves are not the two ends", c.n, c.fraction)
		}
		if err := a.Validate(); err != nil {
			t.Error(err)
		}
		if want := "train[0:" + strconv.Itoa(c.first) + "]"; a.Split != want {
			t.Errorf("split name %q, want %q", a.Split, want)
		}
		// Appending to a half must not overwrite the other.
		a.Labels = append(a.Labels, 99)
		if b.Labels[0] == 99 {
			t.Error("halves share spare capacity")
		}
	}
	for _, f := range []float64{0, 1, -0.5, 0.01} {
		if _, _, err := Split(tinySet(10, 2), f); err == nil {
			t.Errorf("fraction %v accepted", f)
		}
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(d *Dataset)
		want string
	}{
		{"ok", func(d *Dataset) {}, ""},
		{"label range", func(d *Dataset) { d.Labels[2] = 3 }, "label 3 of image 2 outside [0, 3)"},
		{"pixels", func(d *Dataset) { d.Images = d.Images[:5] }, "5 pixels for 4 images"},
		{"std", func(d *Dataset) { d.Std[0] = 0 }, "std 0"},
		{"channels", func(d *Dataset) { d.Mean = nil }, "0 means"},
		{"names", func(d *Dataset) { d.ClassNames = []string{"a"} }, "1 class names for 3 classes"},
		{"shape", func(d *Dataset) { d.H = 0 }, "bad image shape"},
	}
	for _, c := range cases {
		d := tinySet(4, 3)
		c.edit(d)
		err := d.Validate()
		if (c.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}
