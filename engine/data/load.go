package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Options tune Load.
type Options struct {
	// Dir is the data directory. For MNIST it holds the four idx files
	// (gzipped or not); empty means the copy that comes with the GoMNIST
	// module in the Go module cache. CIFAR needs it: the folder holding the
	// binary batches, or the folder the official archive extracted into.
	Dir string
	// H and W are the size image folders are resized to (default 32x32).
	H, W int
	// Gray loads image folders as one luma channel instead of RGB.
	Gray bool
	// TestFraction is the share of each class an image folder without
	// train/ and test/ sub-folders holds out as "test" (default 0.2).
	TestFraction float64
}

// Names lists the dataset names Load understands.
var Names = []string{"mnist", "fashion-mnist", "cifar10", "cifar100", "folder:PATH"}

// Load reads the split ("train" or "test") of a dataset by name: "mnist",
// "cifar10", "cifar100" or "folder:PATH". The result has passed Validate.
func Load(name, split string, opt Options) (*Dataset, error) {
	var (
		ds  *Dataset
		err error
	)
	if err := checkDir(opt.Dir); err != nil {
		return nil, fmt.Errorf("dataset %s: %w", name, err)
	}
	switch n := strings.ToLower(name); {
	case n == "mnist":
		ds, err = mnist.load(opt.Dir, split)
	case n == "fashion-mnist" || n == "fashionmnist" || n == "fashion_mnist":
		ds, err = fashionMNIST.load(opt.Dir, split)
	case n == "cifar10" || n == "cifar-10":
		ds, err = cifar10.load(opt.Dir, split)
	case n == "cifar100" || n == "cifar-100":
		ds, err = cifar100.load(opt.Dir, split)
	case strings.HasPrefix(n, "folder:"):
		root := name[len("folder:"):]
		if root == "" {
			return nil, fmt.Errorf("dataset %q: no folder after \"folder:\"", name)
		}
		ds, err = loadFolder(root, split, opt)
	default:
		return nil, fmt.Errorf("unknown dataset %q (want one of %s)", name, strings.Join(Names, ", "))
	}
	if err != nil {
		return nil, err
	}
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	return ds, nil
}

// checkDir tells a data directory that is missing or is a file apart from
// one that lacks the dataset's files.
func checkDir(dir string) error {
	if dir == "" {
		return nil
	}
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("data directory %s does not exist", dir)
	case err != nil:
		return fmt.Errorf("data directory %s: %w", dir, err)
	case !st.IsDir():
		return fmt.Errorf("data directory %s is a file, not a folder", dir)
	}
	return nil
}
