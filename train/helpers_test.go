package train

import (
	"math/rand/v2"
	"testing"

	"gonas/derive"
	"gonas/engine/data"
	"gonas/internal/spec"
	"gonas/models"
)

// synthData makes a learnable dataset of n images of c x h x w in k classes:
// class j lights a 3x3 square in the j-th of k spots along the diagonal,
// over uniform noise. It mimics a real dataset's fields (MNIST-like
// normalisation and 2-pixel crop padding, no flips).
func synthData(t testing.TB, split string, n, c, h, w, k int, seed uint64) *data.Dataset {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	ds := &data.Dataset{
		Name: "synthetic", Split: split, C: c, H: h, W: w, Classes: k,
		Images: make([]uint8, n*c*h*w), Labels: make([]int, n),
		Mean: make([]float32, c), Std: make([]float32, c), Pad: 2,
	}
	for i := range c {
		ds.Mean[i], ds.Std[i] = 0.3, 0.3
	}
	size := c * h * w
	for i := range n {
		lab := r.IntN(k)
		ds.Labels[i] = lab
		img := ds.Images[i*size : (i+1)*size]
		for j := range img {
			img[j] = uint8(r.IntN(90))
		}
		y0 := 1 + lab*(h-4)/max(k-1, 1)
		x0 := 1 + lab*(w-4)/max(k-1, 1)
		for ch := range c {
			for y := y0; y < y0+3; y++ {
				for x := x0; x < x0+3; x++ {
					img[ch*h*w+y*w+x] = 255
				}
			}
		}
	}
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	return ds
}

// tinyNet derives DARTS_V2 at C=4 with the given cells for an input shape.
func tinyNet(t testing.TB, in spec.Shape, classes, layers int, aux bool) *spec.Net {
	t.Helper()
	e, ok := models.LookupZoo("DARTS_V2")
	if !ok {
		t.Fatal("DARTS_V2 is not in the zoo")
	}
	set, err := models.LookupOpSet(e.OpSet)
	if err != nil {
		t.Fatal(err)
	}
	net, err := derive.Build(e.Genotype, set, derive.Config{Dataset: "mnist", Input: in, Classes: classes, Channels: 4, Layers: layers, Auxiliary: aux})
	if err != nil {
		t.Fatal(err)
	}
	net.Meta.Extra["genotype_name"] = "DARTS_V2"
	return net
}

// tinyConfig is a short run on the synthetic data: drop-path and
// augmentation on so that every random stream is exercised.
func tinyConfig() Config {
	return Config{
		Dataset: "synthetic", Augment: true, Epochs: 2, Batch: 16, EvalBatch: 32,
		Schedule: SchedCosine, LR: 0.05, Momentum: 0.9, WeightDecay: 3e-4, GradClip: 5,
		AuxWeight: 0.4, DropPath: 0.3, Seed: 11,
	}
}

// tinySetup is the network and data of the in-process runs: 12x12 gray
// images, 4 classes, 96 training images (6 steps of 16), 32 test images.
type tinySetup struct {
	net         *spec.Net
	train, test *data.Dataset
}

func newTiny(t testing.TB) tinySetup {
	in := spec.Shape{C: 1, H: 12, W: 12}
	return tinySetup{
		net:   tinyNet(t, in, 4, 3, false),
		train: synthData(t, "train", 96, 1, 12, 12, 4, 1),
		test:  synthData(t, "test", 32, 1, 12, 12, 4, 2),
	}
}

func (s tinySetup) options(out string) Options {
	return Options{Out: out, Threads: 2, Train: s.train, Test: s.test, NoPlot: true}
}
