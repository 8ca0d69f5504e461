package data

import (
	"bytes"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMNISTTestdata(t *testing.T) {
	for _, c := range []struct {
		split string
		n     int
	}{{"train", mnistTrainN}, {"test", mnistTestN}} {
		ds, err := Load("mnist", c.split, Options{Dir: filepath.Join(testdataDir, "mnist")})
		if err != nil {
			t.Fatal(err)
		}
		if ds.Len() != c.n || ds.C != 1 || ds.H != 28 || ds.W != 28 || ds.Classes != 10 || ds.Flip || ds.Pad != 2 {
			t.Fatalf("%s: %d images %dx%dx%d, %d classes, flip %v pad %d", c.split, ds.Len(), ds.C, ds.H, ds.W, ds.Classes, ds.Flip, ds.Pad)
		}
		for i := 0; i < c.n; i++ {
			if ds.Labels[i] != mnistLabel(c.split, i) {
				t.Errorf("%s label %d = %d", c.split, i, ds.Labels[i])
			}
			img := ds.Image(i)
			for r := 0; r < 28; r++ {
				for col := 0; col < 28; col++ {
					if got, want := img[r*28+col], mnistPixel(c.split, i, r, col); got != want {
						t.Fatalf("%s image %d pixel (%d,%d) = %d, want %d", c.split, i, r, col, got, want)
					}
				}
			}
		}
		if ds.Mean[0] != 0.1307 || ds.Std[0] != 0.3081 {
			t.Errorf("normalisation %v %v", ds.Mean, ds.Std)
		}
	}
}

// mnistCopy copies testdata/mnist into a temporary folder, decompressed,
// and returns the folder.
func mnistCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ti, tl := mnistFilesFor("train", mnistTrainN)
	for name, b := range map[string][]byte{"train-images-idx3-ubyte": ti, "train-labels-idx1-ubyte": tl} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestIDXErrors(t *testing.T) {
	ti, tl := mnistFilesFor("train", mnistTrainN)
	png := pngBytes(t, uniformImage(2, 2, color.Black))
	gzImages := gz(t, ti)
	badCRC := append([]byte{}, gzImages...)
	badCRC[len(badCRC)-6] ^= 0xff // the gzip trailer's CRC-32
	withLabel := func(i int, l byte) []byte {
		b := append([]byte{}, tl...)
		b[8+i] = l
		return b
	}
	wrongType := append([]byte{}, ti...)
	wrongType[2] = 0x0d // float
	cases := []struct {
		name   string
		images []byte // nil: keep the good file
		labels []byte
		gzip   bool // store the images as .gz
		want   string
	}{
		{name: "good", want: ""},
		{name: "good gz", images: ti, gzip: true, want: ""},
		{name: "truncated pixels", images: ti[:16+1234],
			want: "train-images-idx3-ubyte: truncated: header says 20 images of 28x28, file has 1234 bytes of pixels"},
		{name: "truncated gz", images: gzImages[:len(gzImages)/2], gzip: true,
			want: "train-images-idx3-ubyte.gz: truncated: header says 20 images of 28x28, file has"},
		{name: "truncated gz header", images: gzImages[:12], gzip: true, want: "train-images-idx3-ubyte.gz: truncated gzip stream"},
		{name: "gz checksum", images: badCRC, gzip: true, want: "train-images-idx3-ubyte.gz: gzip: invalid checksum"},
		{name: "truncated header", images: ti[:10], want: "train-images-idx3-ubyte: truncated: the file ends inside the header"},
		{name: "trailing bytes", images: append(append([]byte{}, ti...), 0), want: "more data than the header declares (header says 20 images of 28x28)"},
		{name: "empty", images: []byte{}, want: "train-images-idx3-ubyte: empty file"},
		{name: "labels as images", images: tl, want: "train-images-idx3-ubyte: magic 2049 (idx1 labels), want 2051 (idx3 images)"},
		{name: "images as labels", labels: ti, want: "train-labels-idx1-ubyte: magic 2051 (idx3 images), want 2049 (idx1 labels)"},
		{name: "png", images: png, want: "train-images-idx3-ubyte: not an idx file: magic 0x89504e47 (a PNG image)"},
		{name: "element type", images: wrongType, want: "idx element type 0x0d, want 0x08"},
		{name: "label range", labels: withLabel(5, 10), want: "train-labels-idx1-ubyte: label 10 of image 5 is outside 0..9"},
		{name: "count mismatch", labels: idxBytes(2049, []int{19}, tl[8:27]),
			want: "train-images-idx3-ubyte has 20 images but train-labels-idx1-ubyte has 19 labels"},
		{name: "zero-width images", images: idxBytes(2051, []int{20, 28, 0}, nil), want: "images have dimensions [20 28 0], want [N rows cols]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := mnistCopy(t)
			if c.images != nil {
				name := "train-images-idx3-ubyte"
				if c.gzip {
					os.Remove(filepath.Join(dir, name))
					name += ".gz"
				}
				if err := os.WriteFile(filepath.Join(dir, name), c.images, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if c.labels != nil {
				if err := os.WriteFile(filepath.Join(dir, "train-labels-idx1-ubyte"), c.labels, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ds, err := Load("mnist", "train", Options{Dir: dir})
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if ds.Len() != mnistTrainN || !bytes.Equal(ds.Images, ti[16:]) {
					t.Error("decoded images differ")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v\nwant it to contain %q", err, c.want)
			}
		})
	}
}

func TestMNISTMissingFiles(t *testing.T) {
	dir := t.TempDir()
	_, err := Load("mnist", "test", Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "neither t10k-images-idx3-ubyte nor t10k-images-idx3-ubyte.gz is in "+dir) {
		t.Errorf("error %v", err)
	}
	if _, err := Load("mnist", "valid", Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), `unknown split "valid"`) {
		t.Errorf("error %v", err)
	}
}
