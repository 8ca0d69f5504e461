package data

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCIFARTestdata(t *testing.T) {
	cases := []struct {
		name, dir, split string
		n, classes       int
		label            func(string, int) int
		names            []string
	}{
		{"cifar10", "cifar10", "train", 5 * cifarPer, 10, cifar10Label, strings.Fields("plane car bird cat deer dog frog horse ship truck")},
		{"cifar10", "cifar10", "test", cifarTestN, 10, cifar10Label, nil},
		// CIFAR-100 sits in the folder the official archive extracts to.
		{"cifar100", "cifar100", "train", c100TrainN, 100, cifar100Fine, cifar100Names},
		{"cifar-100", "cifar100", "test", c100TestN, 100, cifar100Fine, nil},
	}
	for _, c := range cases {
		t.Run(c.name+"/"+c.split, func(t *testing.T) {
			ds, err := Load(c.name, c.split, Options{Dir: filepath.Join(testdataDir, c.dir)})
			if err != nil {
				t.Fatal(err)
			}
			if ds.Len() != c.n || ds.C != 3 || ds.H != 32 || ds.W != 32 || ds.Classes != c.classes || !ds.Flip || ds.Pad != 4 {
				t.Fatalf("%d images %dx%dx%d, %d classes, flip %v pad %d", ds.Len(), ds.C, ds.H, ds.W, ds.Classes, ds.Flip, ds.Pad)
			}
			for g := 0; g < c.n; g++ {
				if ds.Labels[g] != c.label(c.split, g) {
					t.Errorf("label %d = %d, want %d", g, ds.Labels[g], c.label(c.split, g))
				}
				img := ds.Image(g)
				for ch := 0; ch < 3; ch++ {
					for y := 0; y < 32; y++ {
						for x := 0; x < 32; x++ {
							if got, want := img[ch*1024+y*32+x], cifarPixel(c.split, g, ch, y, x); got != want {
								t.Fatalf("record %d pixel (%d,%d,%d) = %d, want %d", g, ch, y, x, got, want)
							}
						}
					}
				}
			}
			if c.names != nil && !slices.Equal(ds.ClassNames, c.names) {
				t.Errorf("class names %v", ds.ClassNames)
			}
		})
	}
}

func TestCIFARConstants(t *testing.T) {
	if len(cifar100Names) != 100 || !slices.IsSorted(cifar100Names) || len(slices.Compact(slices.Clone(cifar100Names))) != 100 {
		t.Errorf("CIFAR-100 names: %d, sorted %v", len(cifar100Names), slices.IsSorted(cifar100Names))
	}
	ds, err := Load("cifar10", "test", Options{Dir: filepath.Join(testdataDir, "cifar10")})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0.49139968, 0.48215827, 0.44653124, 0.24703233, 0.24348505, 0.26158768}
	if !slices.Equal(append(slices.Clone(ds.Mean), ds.Std...), want) {
		t.Errorf("CIFAR-10 mean %v std %v", ds.Mean, ds.Std)
	}
}

func TestCIFARErrors(t *testing.T) {
	rec10 := cifarRecords("train", 0, 3, false)
	rec100 := cifarRecords("train", 0, 3, true)
	badLabel := slices.Clone(rec10)
	badLabel[3073] = 10 // record 1
	badFine := slices.Clone(rec100)
	badFine[3074*2+1] = 100
	badCoarse := slices.Clone(rec100)
	badCoarse[0] = 20
	cases := []struct {
		name    string
		dataset string
		file    string
		data    []byte
		want    string
	}{
		{"truncated", "cifar10", "data_batch_3.bin", rec10[:len(rec10)-100],
			"cifar10: data_batch_3.bin: size 9119 bytes is not a multiple of the 3073-byte CIFAR-10 record: truncated or not CIFAR-10 binary data"},
		{"cifar100 as cifar10", "cifar10", "data_batch_1.bin", rec100, "holds 3074-byte records, is it CIFAR-100?"},
		{"cifar10 as cifar100", "cifar100", "train.bin", rec10, "holds 3073-byte records, is it CIFAR-10?"},
		{"pickle", "cifar10", "test_batch.bin", append([]byte{0x80, 0x02}, rec10[:100]...), "looks like a Python pickle"},
		{"empty", "cifar10", "data_batch_5.bin", nil, "data_batch_5.bin: empty file"},
		{"label", "cifar10", "data_batch_2.bin", badLabel, "data_batch_2.bin: record 1: label 10 outside 0..9"},
		{"fine label", "cifar100", "train.bin", badFine, "train.bin: record 2: label 100 outside 0..99"},
		{"coarse label", "cifar100", "train.bin", badCoarse, "train.bin: record 0: coarse label 20 outside 0..19"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string][]byte{}
			if c.dataset == "cifar10" {
				for _, f := range append(slices.Clone(cifar10.train), cifar10.test...) {
					files[f] = rec10
				}
			} else {
				files["train.bin"], files["test.bin"] = rec100, rec100
			}
			files[c.file] = c.data
			for name, b := range files {
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			split := "train"
			if strings.HasPrefix(c.file, "test") {
				split = "test"
			}
			_, err := Load(c.dataset, split, Options{Dir: dir})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v\nwant %q", err, c.want)
			}
		})
	}
}

func TestCIFARMissing(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		opt  Options
		want string
	}{
		{"no dir", Options{}, "cifar10: no data directory: pass --data-dir"},
		{"empty dir", Options{Dir: dir}, "cifar10: data_batch_1.bin is not in " + dir + " or " + filepath.Join(dir, "cifar-10-batches-bin")},
	}
	for _, c := range cases {
		if _, err := Load("cifar10", "train", c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v", c.name, err)
		}
	}
	// One batch of five missing.
	for _, f := range []string{"data_batch_1.bin", "data_batch_2.bin"} {
		os.WriteFile(filepath.Join(dir, f), cifarRecords("train", 0, 1, false), 0o644)
	}
	if _, err := Load("cifar10", "train", Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "data_batch_3.bin") {
		t.Errorf("error %v", err)
	}
}

// sharedCIFAR10 is the CIFAR-10 JPEG folders of ../shared (CI has them).
const sharedCIFAR10 = "../../../shared/datasets/cifar10-jpeg"

// TestCIFAR10Folders: --dataset cifar10 on train/<class>/ and
// test/<class>/ image folders gives CIFAR-10's classes in label order, its
// normalisation and augmentation, and the classes interleaved.
func TestCIFAR10Folders(t *testing.T) {
	if !isDir(sharedCIFAR10) {
		if os.Getenv("CI") != "" {
			t.Fatalf("no %s", sharedCIFAR10)
		}
		t.Skipf("no %s", sharedCIFAR10)
	}
	ds, err := Load("cifar10", "test", Options{Dir: sharedCIFAR10})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 10000 || ds.Name != "cifar10" || !slices.Equal(ds.ClassNames, cifar10.names) ||
		!slices.Equal(ds.Mean, cifar10Mean) || !slices.Equal(ds.Std, cifar10Std) || ds.Pad != 4 || !ds.Flip {
		t.Fatalf("%s: %d images, classes %v, mean %v std %v, pad %d flip %v", ds.Name, ds.Len(), ds.ClassNames, ds.Mean, ds.Std, ds.Pad, ds.Flip)
	}
	for c, n := range ds.LabelCounts() {
		if n != 1000 {
			t.Errorf("class %s: %d test images, want 1000", ds.ClassName(c), n)
		}
	}
	if !slices.Equal(ds.Labels[:10], []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("first labels %v: the classes are not interleaved", ds.Labels[:10])
	}
	// --subset 2048 and the search's 50/50 halves of it (the same Subset and
	// Split the search calls) hold every class in proportion.
	sub, err := ds.Subset(0, 2048)
	if err != nil {
		t.Fatal(err)
	}
	a, b, err := Split(sub, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []*Dataset{sub, a, b} {
		for c, n := range part.LabelCounts() {
			if want := part.Len() / 10; n < want || n > want+1 {
				t.Errorf("%d images: class %s has %d, want %d or %d", part.Len(), ds.ClassName(c), n, want, want+1)
			}
		}
		if err := part.CheckClasses(); err != nil {
			t.Error(err)
		}
	}
}

// TestCIFAR10FoldersOtherClasses: image folders whose classes are not
// CIFAR-10's are refused with both lists and the way out.
func TestCIFAR10FoldersOtherClasses(t *testing.T) {
	root := filepath.Join(testdataDir, "folder") // classes cat, dog
	_, err := Load("cifar10", "train", Options{Dir: root})
	want := "cifar10: the class folders of " + filepath.Join(root, "train") + " are cat, dog; CIFAR-10's are airplane, automobile"
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--dataset folder:"+root) {
		t.Fatalf("error %v\nwant one containing %q", err, want)
	}
}
