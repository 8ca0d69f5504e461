package data

import (
	"bufio"
	"fmt"
	"image"
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/image/draw"
)

// defaultTestFraction is the share of each class held out as "test" when a
// folder has no train/ and test/ sub-folders.
const defaultTestFraction = 0.2

type folderFile struct {
	path  string
	label int
}

// loadFolder reads an image-folder dataset. Two layouts are understood:
//
//	root/train/<class>/*.png|jpg and root/test/<class>/*   (explicit split)
//	root/<class>/*                                          (split by opt.TestFraction)
//
// Classes are the sorted sub-folder names of root/train (or root); in the
// second layout the last round(TestFraction*n) files of each class, in name
// order, form the test split. Each split's images are interleaved across
// the classes in a fixed order (interleave), so that its first N images,
// and both halves of a search split, hold every class in proportion. Every image is resized to opt.H x opt.W
// (bilinear, antialiased when shrinking) and converted to RGB or, with
// opt.Gray, to luma (ITU-R 601 weights); transparent pixels are composited
// over black. Mean and Std are computed from the training images.
func loadFolder(root, split string, opt Options) (*Dataset, error) {
	return readFolder(root, split, opt, true)
}

// readFolder is loadFolder; without stats, the test split does not decode
// the training images for the mean and std (left nil for the caller).
func readFolder(root, split string, opt Options, stats bool) (*Dataset, error) {
	name := "folder:" + root
	if split != "train" && split != "test" {
		return nil, fmt.Errorf("%s: unknown split %q (want train or test)", name, split)
	}
	h, w := opt.H, opt.W
	if h == 0 && w == 0 {
		h, w = 32, 32
	}
	if h <= 0 || w <= 0 {
		return nil, fmt.Errorf("%s: bad image size %dx%d", name, h, w)
	}
	c := 3
	if opt.Gray {
		c = 1
	}
	trainFiles, testFiles, classes, err := listFolder(root, opt.TestFraction)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	ds := &Dataset{
		Name: name, Split: split, C: c, H: h, W: w,
		Classes: len(classes), ClassNames: classes,
		Pad: max(h, w) / 8, Flip: true,
	}
	if split == "train" || stats {
		train, trainLabels, err := decodeAll(trainFiles, c, h, w)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ds.Mean, ds.Std = channelStats(train, c, h*w)
		if split == "train" {
			ds.Images, ds.Labels = train, trainLabels
			return ds, nil
		}
	}
	if len(testFiles) == 0 {
		return nil, fmt.Errorf("%s: the test split has no images", name)
	}
	if ds.Images, ds.Labels, err = decodeAll(testFiles, c, h, w); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return ds, nil
}

// listFolder finds the classes and the files of both splits, each split
// interleaved (interleave).
func listFolder(root string, testFraction float64) (train, test []folderFile, classes []string, err error) {
	train, test, classes, err = listFolderByClass(root, testFraction)
	return interleave(train, len(classes)), interleave(test, len(classes)), classes, err
}

// interleave orders files so that every prefix holds each class in
// proportion to its size: the k-th of a class's n files (in name order)
// goes to position (k+1/2)/n of the sequence, ties to the lower class. The
// order is fixed (no seed), so the first N images of --subset and the two
// halves of the search split hold every class in proportion.
func interleave(files []folderFile, classes int) []folderFile {
	n := make([]int64, classes)
	for _, f := range files {
		n[f.label]++
	}
	type slot struct {
		f folderFile
		k int64 // the file's rank within its class
	}
	seen := make([]int64, classes)
	slots := make([]slot, len(files))
	for i, f := range files {
		slots[i] = slot{f, seen[f.label]}
		seen[f.label]++
	}
	// (2a+1)/n_a < (2b+1)/n_b, compared without rounding.
	slices.SortStableFunc(slots, func(a, b slot) int {
		l, r := (2*a.k+1)*n[b.f.label], (2*b.k+1)*n[a.f.label]
		switch {
		case l < r:
			return -1
		case l > r:
			return 1
		}
		return a.f.label - b.f.label
	})
	out := make([]folderFile, len(files))
	for i, s := range slots {
		out[i] = s.f
	}
	return out
}

// listFolderByClass lists both splits class by class, in name order.
func listFolderByClass(root string, testFraction float64) (train, test []folderFile, classes []string, err error) {
	trainDir := filepath.Join(root, "train")
	if isDir(trainDir) {
		if classes, err = subdirs(trainDir); err != nil {
			return nil, nil, nil, err
		}
		index := make(map[string]int, len(classes))
		for i, cl := range classes {
			index[cl] = i
			files, err := imageFiles(filepath.Join(trainDir, cl))
			if err != nil {
				return nil, nil, nil, err
			}
			if len(files) == 0 {
				return nil, nil, nil, fmt.Errorf("class %q has no .png/.jpg images in %s", cl, filepath.Join(trainDir, cl))
			}
			for _, f := range files {
				train = append(train, folderFile{f, i})
			}
		}
		testDir := filepath.Join(root, "test")
		if !isDir(testDir) {
			return train, nil, classes, nil
		}
		testClasses, err := subdirs(testDir)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, cl := range testClasses {
			i, ok := index[cl]
			if !ok {
				return nil, nil, nil, fmt.Errorf("test class %q has no folder in %s", cl, trainDir)
			}
			files, err := imageFiles(filepath.Join(testDir, cl))
			if err != nil {
				return nil, nil, nil, err
			}
			if len(files) == 0 {
				return nil, nil, nil, fmt.Errorf("test class %q has no .png/.jpg images in %s, while %s has some: every class needs test images", cl, filepath.Join(testDir, cl), filepath.Join(trainDir, cl))
			}
			for _, f := range files {
				test = append(test, folderFile{f, i})
			}
		}
		if missing := missingClasses(classes, testClasses); len(missing) > 0 {
			return nil, nil, nil, fmt.Errorf("%s lacks the class folder(s) %s that %s has: every class needs test images", testDir, strings.Join(missing, ", "), trainDir)
		}
		return train, test, classes, nil
	}
	if testFraction == 0 {
		testFraction = defaultTestFraction
	}
	if !(testFraction > 0 && testFraction < 1) {
		return nil, nil, nil, fmt.Errorf("test fraction %v is not in (0, 1)", testFraction)
	}
	if classes, err = subdirs(root); err != nil {
		return nil, nil, nil, err
	}
	for i, cl := range classes {
		files, err := imageFiles(filepath.Join(root, cl))
		if err != nil {
			return nil, nil, nil, err
		}
		nTest := int(math.Round(testFraction * float64(len(files))))
		if len(files)-nTest < 1 {
			return nil, nil, nil, fmt.Errorf("class %q has %d images, too few to hold out %v for test", cl, len(files), testFraction)
		}
		for k, f := range files {
			if k < len(files)-nTest {
				train = append(train, folderFile{f, i})
			} else {
				test = append(test, folderFile{f, i})
			}
		}
	}
	return train, test, classes, nil
}

// missingClasses lists the classes of all that have lacks, in order.
func missingClasses(all, have []string) []string {
	var out []string
	for _, c := range all {
		if !slices.Contains(have, c) {
			out = append(out, c)
		}
	}
	return out
}

// subdirs lists the non-hidden sub-folders of dir, sorted.
func subdirs(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has no class sub-folders", dir)
	}
	sort.Strings(out)
	return out, nil
}

// imageFiles lists the .png/.jpg/.jpeg files of dir, sorted by name.
func imageFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".png", ".jpg", ".jpeg":
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// decodeAll decodes files in parallel into CHW pixels; the result does not
// depend on the number of goroutines. The first error, in file order, wins.
func decodeAll(files []folderFile, c, h, w int) ([]uint8, []int, error) {
	n := c * h * w
	pixels := make([]uint8, len(files)*n)
	labels := make([]int, len(files))
	errs := make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(files), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rgba := image.NewRGBA(image.Rect(0, 0, w, h))
			for i := range next {
				errs[i] = decodeImage(files[i].path, rgba, c, pixels[i*n:(i+1)*n])
				labels[i] = files[i].label
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return pixels, labels, nil
}

// decodeImage decodes one file, resizes it into rgba and writes its c
// channel planes to dst.
func decodeImage(path string, rgba *image.RGBA, c int, dst []uint8) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	img, _, err := image.Decode(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("%s: decode: %w", path, err)
	}
	sb := img.Bounds()
	if sb.Empty() {
		return fmt.Errorf("%s: empty image", path)
	}
	db := rgba.Bounds()
	clear(rgba.Pix)
	if sb.Dx() == db.Dx() && sb.Dy() == db.Dy() {
		draw.Draw(rgba, db, img, sb.Min, draw.Over)
	} else {
		draw.BiLinear.Scale(rgba, db, img, sb, draw.Over, nil)
	}
	hw := db.Dx() * db.Dy()
	for p := 0; p < hw; p++ {
		r, g, b := rgba.Pix[4*p], rgba.Pix[4*p+1], rgba.Pix[4*p+2]
		if c == 1 {
			dst[p] = uint8((19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b) + 1<<15) >> 16)
		} else {
			dst[p], dst[hw+p], dst[2*hw+p] = r, g, b
		}
	}
	return nil
}
