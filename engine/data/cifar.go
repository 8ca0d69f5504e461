package data

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// cifarFormat describes one of the two CIFAR binary layouts.
type cifarFormat struct {
	name       string // dataset name
	title      string // for messages
	sub        string // folder the official archive extracts to
	train      []string
	test       []string
	labelBytes int // bytes before the pixels: 1 (label) or 2 (coarse, fine)
	classes    int // of the label used (fine for CIFAR-100)
	coarse     int // classes of the coarse label (CIFAR-100), else 0
	namesFile  string
	names      []string
	mean, std  []float32
}

const cifarPixels = 3 * 32 * 32

var cifar10 = cifarFormat{
	name: "cifar10", title: "CIFAR-10", sub: "cifar-10-batches-bin",
	train:      []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"},
	test:       []string{"test_batch.bin"},
	labelBytes: 1, classes: 10,
	namesFile: "batches.meta.txt",
	names:     []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"},
	mean:      cifar10Mean, std: cifar10Std,
}

var cifar100 = cifarFormat{
	name: "cifar100", title: "CIFAR-100", sub: "cifar-100-binary",
	train:      []string{"train.bin"},
	test:       []string{"test.bin"},
	labelBytes: 2, classes: 100, coarse: 20,
	namesFile: "fine_label_names.txt",
	names:     cifar100Names,
	mean:      cifar100Mean, std: cifar100Std,
}

// cifar100Names are the fine labels in label order (alphabetical).
var cifar100Names = strings.Fields(`apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle
bowl boy bridge bus butterfly camel can castle caterpillar cattle chair chimpanzee clock cloud
cockroach couch crab crocodile cup dinosaur dolphin elephant flatfish forest fox girl hamster house
kangaroo keyboard lamp lawn_mower leopard lion lizard lobster man maple_tree motorcycle mountain mouse
mushroom oak_tree orange orchid otter palm_tree pear pickup_truck pine_tree plain plate poppy
porcupine possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk skyscraper snail snake
spider squirrel streetcar sunflower sweet_pepper table tank telephone television tiger tractor train
trout tulip turtle wardrobe whale willow_tree wolf woman worm`)

func (f *cifarFormat) recordSize() int { return f.labelBytes + cifarPixels }

// locate finds the folder holding the split's files: dir itself or the
// folder the official archive extracts to inside it.
func (f *cifarFormat) locate(dir string, files []string) (string, error) {
	if dir == "" {
		return "", fmt.Errorf("%s: no data directory: pass --data-dir with the binary version (https://www.cs.toronto.edu/~kriz/cifar.html)", f.name)
	}
	for _, d := range []string{dir, filepath.Join(dir, f.sub)} {
		if _, err := os.Stat(filepath.Join(d, files[0])); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("%s: %s is not in %s or %s (want the %s binary version)",
		f.name, files[0], dir, filepath.Join(dir, f.sub), f.title)
}

// load reads one split.
func (f *cifarFormat) load(dir, split string) (*Dataset, error) {
	var files []string
	switch split {
	case "train":
		files = f.train
	case "test":
		files = f.test
	default:
		return nil, fmt.Errorf("%s: unknown split %q (want train or test)", f.name, split)
	}
	bin, err := f.locate(dir, files)
	if err != nil {
		if dir != "" && isDir(filepath.Join(dir, "train")) {
			return f.loadFolder(dir, split)
		}
		return nil, err
	}
	dir = bin
	ds := &Dataset{
		Name: f.name, Split: split, C: 3, H: 32, W: 32,
		Classes: f.classes, ClassNames: clone(f.names),
		Mean: clone(f.mean), Std: clone(f.std),
		Pad: 4, Flip: true,
	}
	// Size every file first so the images are allocated once.
	total := 0
	for _, name := range files {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		total += int(st.Size()) / f.recordSize()
	}
	ds.Images = make([]uint8, 0, total*cifarPixels)
	ds.Labels = make([]int, 0, total)
	for _, name := range files {
		if err := f.readFile(filepath.Join(dir, name), ds); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	if names, err := readNames(filepath.Join(dir, f.namesFile)); err == nil && len(names) == f.classes {
		ds.ClassNames = names
	}
	return ds, nil
}

// loadFolder reads the split from image folders, dir/train/<class>/ and
// dir/test/<class>/, whose class folders must be the dataset's class names
// (for CIFAR-10: airplane ... truck, which sort in label order). The
// images get the dataset's own normalisation and augmentation, as the
// binary version does.
func (f *cifarFormat) loadFolder(dir, split string) (*Dataset, error) {
	ds, err := readFolder(dir, split, Options{H: 32, W: 32}, false)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	if !slices.Equal(ds.ClassNames, f.names) {
		return nil, fmt.Errorf("%s: the class folders of %s are %s; %s's are %s (use --dataset folder:%s for another dataset)",
			f.name, filepath.Join(dir, "train"), strings.Join(ds.ClassNames, ", "), f.title, strings.Join(f.names, ", "), dir)
	}
	ds.Name = f.name
	ds.Mean, ds.Std = clone(f.mean), clone(f.std)
	ds.Pad, ds.Flip = 4, true
	return ds, nil
}

// readFile appends the records of one binary file to ds.
func (f *cifarFormat) readFile(path string, ds *Dataset) error {
	name := filepath.Base(path)
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	rs := f.recordSize()
	switch {
	case len(b) == 0:
		return fmt.Errorf("%s: empty file", name)
	case len(b)%rs != 0:
		hint := ""
		if other := 3073 + 3074 - rs; len(b)%other == 0 {
			hint = fmt.Sprintf(": it holds %d-byte records, is it %s?", other, map[int]string{3073: "CIFAR-10", 3074: "CIFAR-100"}[other])
		} else if b[0] == 0x80 {
			hint = ": it looks like a Python pickle (the python version of CIFAR); use the binary version"
		} else {
			hint = fmt.Sprintf(": truncated or not %s binary data", f.title)
		}
		return fmt.Errorf("%s: size %d bytes is not a multiple of the %d-byte %s record%s", name, len(b), rs, f.title, hint)
	}
	n := len(b) / rs
	for i := 0; i < n; i++ {
		rec := b[i*rs : (i+1)*rs]
		label := int(rec[f.labelBytes-1])
		if f.coarse > 0 && int(rec[0]) >= f.coarse {
			return fmt.Errorf("%s: record %d: coarse label %d outside 0..%d", name, i, rec[0], f.coarse-1)
		}
		if label >= f.classes {
			return fmt.Errorf("%s: record %d: label %d outside 0..%d", name, i, label, f.classes-1)
		}
		ds.Labels = append(ds.Labels, label)
		ds.Images = append(ds.Images, rec[f.labelBytes:]...) // already R, G, B planes
	}
	return nil
}

// readNames reads one class name per non-empty line.
func readNames(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var names []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			names = append(names, s)
		}
	}
	return names, sc.Err()
}
