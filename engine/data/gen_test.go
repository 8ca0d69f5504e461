package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// The files under testdata/ are small datasets in the real formats, written
// by writeTestdata from the pixel formulas below (go test -run
// TestTestdata -update). The tests check decoded pixels against the
// formulas, not against the readers' own output.

var update = flag.Bool("update", false, "rewrite testdata/ from the generators")

const testdataDir = "testdata"

// Sizes of the generated sets.
const (
	mnistTrainN = 20
	mnistTestN  = 10
	cifarPer    = 2 // records per CIFAR-10 training batch file (5 files)
	cifarTestN  = 3
	c100TrainN  = 4
	c100TestN   = 2
	folderH     = 6
	folderW     = 8
)

func mnistPixel(split string, i, r, c int) uint8 {
	off := 0
	if split == "test" {
		off = 101
	}
	return uint8(off + i*37 + r*11 + c*5)
}

func mnistLabel(split string, i int) int {
	if split == "test" {
		return (i*7 + 1) % 10
	}
	return (i * 3) % 10
}

// cifarPixel is pixel (ch, y, x) of record g (global index in the split).
func cifarPixel(split string, g, ch, y, x int) uint8 {
	off := 0
	if split == "test" {
		off = 17
	}
	return uint8(off + g*53 + ch*101 + y*7 + x*3)
}

func cifar10Label(split string, g int) int {
	if split == "test" {
		return (g*3 + 2) % 10
	}
	return (g * 7) % 10
}

func cifar100Fine(split string, g int) int {
	if split == "test" {
		return (g*41 + 5) % 100
	}
	return (g * 37) % 100
}

// folderPixel is the RGB colour of pixel (x, y) of folder image k.
func folderPixel(k, x, y int) (r, g, b uint8) {
	return uint8(k*40 + x*10), uint8(y * 30), uint8(255 - x*20 - y)
}

// folderImages lists the explicit-split folder: path under testdata/folder
// and image number k (the colour formula's parameter).
var folderImages = []struct {
	path string
	k    int
}{
	{"train/cat/a.png", 0}, {"train/cat/b.png", 1}, {"train/dog/c.png", 2},
	{"train/dog/d.png", 3}, {"train/dog/e.png", 4},
	{"test/cat/f.png", 5}, {"test/dog/g.png", 6},
}

func idxBytes(magic uint32, dims []int, payload []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, magic)
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, payload...)
}

func gz(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mnistFilesFor(split string, n int) (images, labels []byte) {
	px := make([]byte, 0, n*28*28)
	lb := make([]byte, n)
	for i := 0; i < n; i++ {
		for r := 0; r < 28; r++ {
			for c := 0; c < 28; c++ {
				px = append(px, mnistPixel(split, i, r, c))
			}
		}
		lb[i] = byte(mnistLabel(split, i))
	}
	return idxBytes(2051, []int{n, 28, 28}, px), idxBytes(2049, []int{n}, lb)
}

func cifarRecords(split string, from, n int, hundred bool) []byte {
	var b []byte
	for g := from; g < from+n; g++ {
		if hundred {
			fine := cifar100Fine(split, g)
			b = append(b, byte(fine/5), byte(fine))
		} else {
			b = append(b, byte(cifar10Label(split, g)))
		}
		for ch := 0; ch < 3; ch++ {
			for y := 0; y < 32; y++ {
				for x := 0; x < 32; x++ {
					b = append(b, cifarPixel(split, g, ch, y, x))
				}
			}
		}
	}
	return b
}

func pngBytes(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func folderPNG(t testing.TB, k int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, folderW, folderH))
	for y := 0; y < folderH; y++ {
		for x := 0; x < folderW; x++ {
			r, g, b := folderPixel(k, x, y)
			img.SetRGBA(x, y, color.RGBA{r, g, b, 255})
		}
	}
	return pngBytes(t, img)
}

// uniformImage is a w x h image of one colour.
func uniformImage(w, h int, c color.Color) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, c)
		}
	}
	return img
}

// writeTestdata writes every generated file under dir.
func writeTestdata(t testing.TB, dir string) {
	files := map[string][]byte{}
	ti, tl := mnistFilesFor("train", mnistTrainN)
	files["mnist/train-images-idx3-ubyte.gz"] = gz(t, ti)
	files["mnist/train-labels-idx1-ubyte.gz"] = gz(t, tl)
	files["mnist/t10k-images-idx3-ubyte"], files["mnist/t10k-labels-idx1-ubyte"] = mnistFilesFor("test", mnistTestN)
	for f := 0; f < 5; f++ {
		files[fmt.Sprintf("cifar10/data_batch_%d.bin", f+1)] = cifarRecords("train", f*cifarPer, cifarPer, false)
	}
	files["cifar10/test_batch.bin"] = cifarRecords("test", 0, cifarTestN, false)
	files["cifar10/batches.meta.txt"] = []byte("plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n")
	files["cifar100/cifar-100-binary/train.bin"] = cifarRecords("train", 0, c100TrainN, true)
	files["cifar100/cifar-100-binary/test.bin"] = cifarRecords("test", 0, c100TestN, true)
	for _, fi := range folderImages {
		files["folder/"+fi.path] = folderPNG(t, fi.k)
	}
	files["folder/train/cat/notes.txt"] = []byte("not an image: skipped\n")
	// A flat folder (no train/test): 5 images per class, split 4/1.
	for k := 0; k < 10; k++ {
		files[fmt.Sprintf("flat/%s/%02d.png", []string{"ant", "bee"}[k/5], k)] = folderPNG(t, k)
	}
	// Special images: grey, translucent, JPEG.
	gray := image.NewGray(image.Rect(0, 0, 4, 3))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 20)
	}
	files["special/train/g/gray.png"] = pngBytes(t, gray)
	files["special/train/t/alpha.png"] = pngBytes(t, uniformImage(4, 3, color.NRGBA{200, 100, 50, 128}))
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, uniformImage(16, 16, color.RGBA{90, 160, 220, 255}), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	files["special/train/u/uniform.JPG"] = jb.Bytes()
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTestdata regenerates testdata/ with -update and otherwise checks that
// the committed files decode to what the generator writes.
func TestTestdata(t *testing.T) {
	if *update {
		if err := os.RemoveAll(testdataDir); err != nil {
			t.Fatal(err)
		}
		writeTestdata(t, testdataDir)
		return
	}
	fresh := t.TempDir()
	writeTestdata(t, fresh)
	for _, c := range []struct{ name, sub string }{
		{"mnist", "mnist"}, {"cifar10", "cifar10"}, {"cifar100", "cifar100"},
	} {
		for _, split := range []string{"train", "test"} {
			a, err := Load(c.name, split, Options{Dir: filepath.Join(testdataDir, c.sub)})
			if err != nil {
				t.Fatalf("%v (regenerate with go test -run TestTestdata -update)", err)
			}
			b, err := Load(c.name, split, Options{Dir: filepath.Join(fresh, c.sub)})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Images, b.Images) || fmt.Sprint(a.Labels) != fmt.Sprint(b.Labels) {
				t.Errorf("testdata/%s %s is stale: go test -run TestTestdata -update", c.sub, split)
			}
		}
	}
}
