package train

import (
	"fmt"
	"strings"

	"gonas/engine/data"
	"gonas/internal/spec"
)

// LoadData reads the training and test splits the config names, images
// sized for the network input in: "mnist", "cifar10", "cifar100",
// "folder:PATH" (resized to in's height and width, gray when in has one
// channel) and "imagenet", an image folder at DataDir with train/ and test/
// sub-folders. Subset and TestSubset keep the first images of each split.
func LoadData(cfg *Config, in spec.Shape, classes int) (trainSet, testSet *data.Dataset, err error) {
	if trainSet, err = LoadSplit(cfg, "train", in, classes); err != nil {
		return nil, nil, err
	}
	if testSet, err = LoadSplit(cfg, "test", in, classes); err != nil {
		return nil, nil, err
	}
	return trainSet, testSet, nil
}

// LoadSplit reads one split ("train" or "test") as LoadData does.
func LoadSplit(cfg *Config, split string, in spec.Shape, classes int) (*data.Dataset, error) {
	name, opt := cfg.Dataset, data.Options{Dir: cfg.DataDir}
	lower := strings.ToLower(name)
	if lower == "imagenet" {
		if cfg.DataDir == "" {
			return nil, fmt.Errorf("dataset imagenet: give the image folder (train/ and test/ sub-folders, one folder per class) as the data directory")
		}
		name, opt.Dir = "folder:"+cfg.DataDir, ""
		lower = "folder:"
	}
	if strings.HasPrefix(lower, "folder:") {
		opt.H, opt.W, opt.Gray = in.H, in.W, in.C == 1
	}
	ds, err := data.Load(name, split, opt)
	if err != nil {
		return nil, err
	}
	n := cfg.Subset
	if split == "test" {
		n = cfg.TestSubset
	}
	if ds, err = firstN(ds, n); err != nil {
		return nil, err
	}
	if err := ds.CheckClasses(); err != nil {
		return nil, err
	}
	if err := checkFits(ds, in, classes); err != nil {
		return nil, err
	}
	return ds, nil
}

// firstN keeps the first n images of ds (all when n is 0 or at least the
// size).
func firstN(ds *data.Dataset, n int) (*data.Dataset, error) {
	if n <= 0 || n >= ds.Len() {
		return ds, nil
	}
	return ds.Subset(0, n)
}

// checkFits tells whether the dataset's images and labels suit a network
// with input in and the given number of classes.
func checkFits(ds *data.Dataset, in spec.Shape, classes int) error {
	if ds.C != in.C || ds.H != in.H || ds.W != in.W {
		return fmt.Errorf("dataset %s (%s): images are %dx%dx%d, the network takes %v", ds.Name, ds.Split, ds.C, ds.H, ds.W, in)
	}
	if ds.Classes > classes {
		return fmt.Errorf("dataset %s (%s): %d classes, the network has %d outputs", ds.Name, ds.Split, ds.Classes, classes)
	}
	if ds.Len() == 0 {
		return fmt.Errorf("dataset %s (%s): no images", ds.Name, ds.Split)
	}
	return nil
}
