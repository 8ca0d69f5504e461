package data

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func loadFolderT(t *testing.T, root, split string, opt Options) *Dataset {
	t.Helper()
	ds, err := Load("folder:"+root, split, opt)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// checkFolderImage compares image i of ds (RGB, folderH x folderW) with
// formula image k.
func checkFolderImage(t *testing.T, ds *Dataset, i, k int) {
	t.Helper()
	img := ds.Image(i)
	hw := folderH * folderW
	for y := 0; y < folderH; y++ {
		for x := 0; x < folderW; x++ {
			r, g, b := folderPixel(k, x, y)
			p := y*folderW + x
			if img[p] != r || img[hw+p] != g || img[2*hw+p] != b {
				t.Fatalf("image %d pixel (%d,%d) = %d,%d,%d, want %d,%d,%d", i, x, y, img[p], img[hw+p], img[2*hw+p], r, g, b)
			}
		}
	}
}

func TestFolderExplicitSplit(t *testing.T) {
	root := filepath.Join(testdataDir, "folder")
	opt := Options{H: folderH, W: folderW}
	train := loadFolderT(t, root, "train", opt)
	if train.Len() != 5 || train.C != 3 || train.H != folderH || train.W != folderW || !slices.Equal(train.ClassNames, []string{"cat", "dog"}) {
		t.Fatalf("train: %d images %dx%dx%d classes %v", train.Len(), train.C, train.H, train.W, train.ClassNames)
	}
	// Interleaved: cat's 2 images at 1/4 and 3/4, dog's 3 at 1/6, 3/6, 5/6.
	if !slices.Equal(train.Labels, []int{1, 0, 1, 0, 1}) {
		t.Errorf("labels %v", train.Labels)
	}
	for i, src := range []int{2, 0, 3, 1, 4} {
		checkFolderImage(t, train, i, folderImages[src].k)
	}
	// Mean and std from the formula, computed here in float64.
	for ch := 0; ch < 3; ch++ {
		var s, q, n float64
		for k := 0; k < 5; k++ {
			for y := 0; y < folderH; y++ {
				for x := 0; x < folderW; x++ {
					r, g, b := folderPixel(k, x, y)
					v := float64([]uint8{r, g, b}[ch]) / 255
					s, q, n = s+v, q+v*v, n+1
				}
			}
		}
		m := s / n
		sd := math.Sqrt(q/n - m*m)
		if math.Abs(float64(train.Mean[ch])-m) > 1e-6 || math.Abs(float64(train.Std[ch])-sd) > 1e-6 {
			t.Errorf("channel %d: mean %v std %v, want %v %v", ch, train.Mean[ch], train.Std[ch], m, sd)
		}
	}
	test := loadFolderT(t, root, "test", opt)
	if test.Len() != 2 || !slices.Equal(test.Labels, []int{0, 1}) || !slices.Equal(test.Mean, train.Mean) || !slices.Equal(test.Std, train.Std) {
		t.Errorf("test: %d images labels %v, mean %v (train %v)", test.Len(), test.Labels, test.Mean, train.Mean)
	}
	checkFolderImage(t, test, 0, 5)
	checkFolderImage(t, test, 1, 6)
	if train.Pad != 1 || !train.Flip || train.Name != "folder:"+root {
		t.Errorf("pad %d flip %v name %s", train.Pad, train.Flip, train.Name)
	}
}

func TestFolderRatioSplit(t *testing.T) {
	root := filepath.Join(testdataDir, "flat")
	opt := Options{H: folderH, W: folderW}
	train := loadFolderT(t, root, "train", opt)
	test := loadFolderT(t, root, "test", opt)
	// 5 files per class, 0.2 held out: the last file of each class.
	if !slices.Equal(train.Labels, []int{0, 1, 0, 1, 0, 1, 0, 1}) || !slices.Equal(test.Labels, []int{0, 1}) {
		t.Fatalf("train labels %v, test labels %v", train.Labels, test.Labels)
	}
	checkFolderImage(t, train, 1, 5)
	checkFolderImage(t, test, 0, 4)
	checkFolderImage(t, test, 1, 9)
	opt.TestFraction = 0.4
	if ds := loadFolderT(t, root, "test", opt); ds.Len() != 4 {
		t.Errorf("test fraction 0.4: %d test images", ds.Len())
	}
}

func TestFolderResizeAndColour(t *testing.T) {
	root := filepath.Join(testdataDir, "special")
	ds := loadFolderT(t, root, "train", Options{H: 5, W: 7})
	if !slices.Equal(ds.ClassNames, []string{"g", "t", "u"}) || ds.H != 5 || ds.W != 7 {
		t.Fatalf("classes %v size %dx%d", ds.ClassNames, ds.H, ds.W)
	}
	// Uniform images stay uniform through any resize; the translucent one
	// is composited over black (200,100,50 at alpha 128/255); the JPEG is
	// lossy (tolerance 3).
	cases := []struct {
		i       int
		rgb     [3]float64
		tol     float64
		uniform bool
	}{
		{1, [3]float64{200 * 128 / 255.0, 100 * 128 / 255.0, 50 * 128 / 255.0}, 1, true},
		{2, [3]float64{90, 160, 220}, 3, true},
	}
	hw := 5 * 7
	for _, c := range cases {
		img := ds.Image(c.i)
		for ch := 0; ch < 3; ch++ {
			for p := 0; p < hw; p++ {
				if math.Abs(float64(img[ch*hw+p])-c.rgb[ch]) > c.tol {
					t.Fatalf("image %d channel %d pixel %d = %d, want %.1f±%v", c.i, ch, p, img[ch*hw+p], c.rgb[ch], c.tol)
				}
			}
		}
	}
	// Shrinking a horizontal ramp keeps it non-decreasing left to right.
	gray := loadFolderT(t, root, "train", Options{H: 3, W: 2, Gray: true})
	if gray.C != 1 {
		t.Fatalf("gray: %d channels", gray.C)
	}
	g := gray.Image(0) // 4x3 source with values 0,20,...,220 row-major
	for y := 0; y < 3; y++ {
		if g[y*2] > g[y*2+1] {
			t.Errorf("row %d: %v not increasing", y, g[y*2:y*2+2])
		}
	}
}

func TestFolderGray(t *testing.T) {
	root := filepath.Join(testdataDir, "special")
	ds := loadFolderT(t, root, "train", Options{H: 3, W: 4, Gray: true})
	// The grey PNG at its own size is copied exactly.
	for i, v := range ds.Image(0) {
		if v != uint8(i*20) {
			t.Fatalf("gray pixel %d = %d, want %d", i, v, i*20)
		}
	}
	// Luma of the JPEG's colour: 0.299*90 + 0.587*160 + 0.114*220 = 145.8.
	for _, v := range ds.Image(2) {
		if math.Abs(float64(v)-145.8) > 3 {
			t.Fatalf("luma %d, want about 145.8", v)
		}
	}
}

func TestFolderErrors(t *testing.T) {
	write := func(t *testing.T, files map[string]string) string {
		root := t.TempDir()
		for name, s := range files {
			p := filepath.Join(root, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if strings.HasSuffix(name, "/") {
				continue
			}
			if s == "png" {
				s = string(folderPNG(t, 0))
			}
			if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return root
	}
	cases := []struct {
		name  string
		files map[string]string
		split string
		opt   Options
		want  string
	}{
		{"undecodable", map[string]string{"train/a/x.png": "png", "train/a/y.png": "not a png"}, "train", Options{},
			"y.png: decode: image: unknown format"},
		{"test class unknown", map[string]string{"train/a/x.png": "png", "test/b/x.png": "png"}, "test", Options{},
			`test class "b" has no folder in`},
		{"empty class", map[string]string{"train/a/x.png": "png", "train/b/readme.txt": "hi"}, "train", Options{},
			`class "b" has no .png/.jpg images`},
		{"no classes", map[string]string{"x.png": "png"}, "train", Options{}, "has no class sub-folders"},
		{"empty test class", map[string]string{"train/a/x.png": "png", "train/b/x.png": "png", "test/a/x.png": "png", "test/b/readme.txt": "hi"}, "test", Options{},
			`test class "b" has no .png/.jpg images`},
		{"test lacks a class", map[string]string{"train/a/x.png": "png", "train/b/x.png": "png", "test/a/x.png": "png"}, "train", Options{},
			"lacks the class folder(s) b"},
		{"no test split", map[string]string{"train/a/x.png": "png"}, "test", Options{}, "the test split has no images"},
		{"too few to split", map[string]string{"a/x.png": "png"}, "train", Options{TestFraction: 0.6}, `class "a" has 1 images, too few`},
		{"bad fraction", map[string]string{"a/x.png": "png"}, "train", Options{TestFraction: 1.5}, "test fraction 1.5 is not in (0, 1)"},
		{"bad size", map[string]string{"a/x.png": "png"}, "train", Options{H: -1, W: 3}, "bad image size -1x3"},
		{"bad split", map[string]string{"a/x.png": "png"}, "val", Options{}, `unknown split "val"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := write(t, c.files)
			_, err := Load("folder:"+root, c.split, c.opt)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), root) {
				t.Errorf("error %v\nwant %q and the folder", err, c.want)
			}
		})
	}
}

func TestLoadDataDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "nowhere")
	for _, c := range []struct{ name, dir, want string }{
		{"mnist", missing, "data directory " + missing + " does not exist"},
		{"mnist", file, "data directory " + file + " is a file, not a folder"},
		{"cifar10", missing, "data directory " + missing + " does not exist"},
	} {
		if _, err := Load(c.name, "train", Options{Dir: c.dir}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s in %s: %v, want %q", c.name, c.dir, err, c.want)
		}
	}
}

func TestLoadNames(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"imagenet", `unknown dataset "imagenet" (want one of mnist, fashion-mnist, cifar10, cifar100, folder:PATH)`},
		{"folder:", `no folder after "folder:"`},
	} {
		if _, err := Load(c.name, "train", Options{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v", c.name, err)
		}
	}
}

// TestInterleave: every prefix of the interleaved order holds each class
// within one image of its share, each class keeps its files' order, and
// the order does not depend on how the list came in.
func TestInterleave(t *testing.T) {
	sizes := []int{3, 7, 1, 10, 4}
	var files []folderFile
	total := 0
	for c, n := range sizes {
		for k := range n {
			files = append(files, folderFile{path: fmt.Sprintf("%d/%02d", c, k), label: c})
		}
		total += n
	}
	got := interleave(files, len(sizes))
	if len(got) != total {
		t.Fatalf("%d files, want %d", len(got), total)
	}
	count := make([]int, len(sizes))
	for i, f := range got {
		if want := fmt.Sprintf("%d/%02d", f.label, count[f.label]); f.path != want {
			t.Fatalf("position %d: %s, want %s (class order kept)", i, f.path, want)
		}
		count[f.label]++
		for c, n := range sizes {
			share := float64(i+1) * float64(n) / float64(total)
			if d := float64(count[c]) - share; d > 1 || d < -1 {
				t.Fatalf("prefix %d: class %d has %d images, its share is %.2f", i+1, c, count[c], share)
			}
		}
	}
	// The halves of a 50/50 split hold each class's half, rounded.
	half := make([]int, len(sizes))
	for _, f := range got[:total/2] {
		half[f.label]++
	}
	for c, n := range sizes {
		if d := 2*half[c] - n; d > 2 || d < -2 {
			t.Errorf("first half: class %d has %d of %d", c, half[c], n)
		}
	}
}
