package search

import (
	"math/rand/v2"
	"testing"

	"gonas/engine/data"
)

// synthData makes a two-half dataset of n images of c x h x w with
// classes labels; each class brightens its own band of rows, so the task
// is learnable.
func synthData(t testing.TB, n, c, h, w, classes int, seed uint64) *Data {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	ds := &data.Dataset{Name: "synth", Split: "train", C: c, H: h, W: w, Classes: classes,
		Images: make([]uint8, n*c*h*w), Labels: make([]int, n)}
	for ch := 0; ch < c; ch++ {
		ds.Mean = append(ds.Mean, 0.5)
		ds.Std = append(ds.Std, 0.25)
	}
	size := c * h * w
	for i := range n {
		l := r.IntN(classes)
		ds.Labels[i] = l
		img := ds.Images[i*size : (i+1)*size]
		for p := range img {
			v := r.IntN(128)
			if (p/w)%h*classes/h == l {
				v += 100
			}
			img[p] = uint8(v)
		}
	}
	a, b, err := data.Split(ds, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	return &Data{Train: a, Val: b}
}

// tinyConfig is method's preset shrunk to a few-millisecond supernet.
func tinyConfig(t testing.TB, method string) Config {
	t.Helper()
	m, err := LookupMethod(method)
	if err != nil {
		t.Fatal(err)
	}
	cfg := m.Preset()
	cfg.Channels, cfg.Layers, cfg.Batch = 4, 3, 4
	if cfg.Partial > 1 {
		cfg.Channels = 2 * cfg.Partial // two channels through the ops of a normal cell
	}
	if cfg.OpSet != "darts" {
		cfg.MidChannels = 4
	}
	cfg.ScaleEpochs(2)
	cfg.Seed = 1
	cfg.Dataset = "synth"
	return cfg
}

// relaxedMethods are the methods of this package's relaxed strategy.
var relaxedMethods = []string{"darts", "darts2", "pcdarts", "sharpdarts"}

// fastConfig is tinyConfig with two intermediate nodes per cell (5 edges
// instead of 14), for tests that only compare runs with each other.
func fastConfig(t testing.TB, method string) Config {
	cfg := tinyConfig(t, method)
	cfg.Steps, cfg.Multiplier = 2, 2
	return cfg
}

// sameOps is rows copies of the op list ops: a uniform space's edges.
func sameOps(ops []string, rows int) [][]string {
	out := make([][]string, rows)
	for r := range out {
		out[r] = ops
	}
	return out
}
