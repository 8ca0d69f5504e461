package data

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// synthSet is a CIFAR-shaped dataset of n random-looking images.
func synthSet(n int) *Dataset {
	ds := &Dataset{Name: "synth", Split: "train", C: 3, H: 32, W: 32, Classes: 10,
		Mean: clone(cifar10Mean), Std: clone(cifar10Std), Pad: 4, Flip: true}
	ds.Images = make([]uint8, n*3*32*32)
	x := uint64(12345)
	for i := range ds.Images {
		x = splitmix64(x)
		ds.Images[i] = uint8(x)
	}
	for i := 0; i < n; i++ {
		ds.Labels = append(ds.Labels, i%10)
	}
	return ds
}

func newLoader(t testing.TB, ds *Dataset, cfg LoaderConfig) *Loader {
	t.Helper()
	l, err := NewLoader(ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// collect copies every batch of an iterator.
func collect(it *Iter, max int) []Batch {
	defer it.Close()
	var out []Batch
	for len(out) < max {
		b, ok := it.Next()
		if !ok {
			break
		}
		out = append(out, Batch{X: slices.Clone(b.X), Y: slices.Clone(b.Y), N: b.N, C: b.C, H: b.H, W: b.W,
			Index: slices.Clone(b.Index), Pos: b.Pos})
	}
	return out
}

func sameBatch(a, b Batch) bool {
	if a.Pos != b.Pos || a.N != b.N || !slices.Equal(a.Y, b.Y) || !slices.Equal(a.Index, b.Index) || len(a.X) != len(b.X) {
		return false
	}
	for i := range a.X {
		if math.Float32bits(a.X[i]) != math.Float32bits(b.X[i]) {
			return false
		}
	}
	return true
}

func TestLoaderPlainOrder(t *testing.T) {
	ds := tinySet(10, 3)
	for _, c := range []struct {
		dropLast bool
		sizes    []int
	}{{false, []int{4, 4, 2}}, {true, []int{4, 4}}} {
		l := newLoader(t, ds, LoaderConfig{Batch: 4, DropLast: c.dropLast})
		if l.BatchesPerEpoch() != len(c.sizes) {
			t.Errorf("%d batches per epoch", l.BatchesPerEpoch())
		}
		bs := collect(l.Epoch(0, 0), 100)
		if len(bs) != len(c.sizes) {
			t.Fatalf("drop last %v: %d batches", c.dropLast, len(bs))
		}
		next := 0
		for i, b := range bs {
			if b.N != c.sizes[i] || len(b.X) != b.N*4 || b.Pos != (Position{0, i}) || b.C != 1 || b.H != 2 || b.W != 2 {
				t.Errorf("batch %d: N %d, %d values, pos %v", i, b.N, len(b.X), b.Pos)
			}
			for k := 0; k < b.N; k++ {
				if b.Index[k] != next || b.Y[k] != next%3 {
					t.Errorf("batch %d item %d: index %d label %d", i, k, b.Index[k], b.Y[k])
				}
				for p := 0; p < 4; p++ { // no augmentation: just normalised
					want := (float64(4*next+p)/255 - 0.5) / 0.25
					if math.Abs(float64(b.X[4*k+p])-want) > 1e-6 {
						t.Fatalf("image %d pixel %d = %v, want %v", next, p, b.X[4*k+p], want)
					}
				}
				next++
			}
		}
	}
}

func TestLoaderShuffle(t *testing.T) {
	ds := tinySet(100, 10)
	l := newLoader(t, ds, LoaderConfig{Batch: 7, Shuffle: true, Seed: 1})
	orders := map[int][]int{}
	for e := 0; e < 3; e++ {
		var idx []int
		for _, b := range collect(l.Epoch(e, 0), 100) {
			idx = append(idx, b.Index...)
			for k, i := range b.Index {
				if b.Y[k] != ds.Labels[i] {
					t.Fatal("label does not follow its image")
				}
			}
		}
		sorted := slices.Sorted(slices.Values(idx))
		for i, v := range sorted {
			if v != i {
				t.Fatalf("epoch %d does not visit every image once", e)
			}
		}
		if !slices.Equal(idx, l.Order(e)) {
			t.Errorf("epoch %d: batches disagree with Order", e)
		}
		orders[e] = idx
	}
	if slices.Equal(orders[0], orders[1]) || slices.Equal(orders[1], orders[2]) {
		t.Error("two epochs have the same order")
	}
	other := newLoader(t, ds, LoaderConfig{Batch: 7, Shuffle: true, Seed: 2})
	if slices.Equal(other.Order(0), orders[0]) {
		t.Error("different seeds give the same order")
	}
}

// TestLoaderDeterminism: a batch depends only on (seed, epoch, batch):
// sequential, resumed, random-access, streamed and prefetched batches agree
// bit for bit; another seed changes them.
func TestLoaderDeterminism(t *testing.T) {
	ds := synthSet(50)
	cfg := LoaderConfig{Batch: 8, Shuffle: true, Seed: 42, Augment: Augment{Crop: true, Flip: true, Cutout: 16}}
	ref := newLoader(t, ds, cfg)
	var want []Batch // epochs 0..2
	for e := 0; e < 3; e++ {
		want = append(want, collect(ref.Epoch(e, 0), 100)...)
	}
	per := ref.BatchesPerEpoch()
	check := func(name string, got []Batch, from int) {
		t.Helper()
		if len(got) == 0 {
			t.Fatalf("%s: no batches", name)
		}
		for i, b := range got {
			if !sameBatch(b, want[from+i]) {
				t.Fatalf("%s: batch %d (%v) differs", name, i, b.Pos)
			}
		}
	}
	for _, workers := range []int{0, 1, 3} {
		c := cfg
		c.Workers = workers
		c.Prefetch = workers // small queue: exercises blocking
		l := newLoader(t, ds, c)
		name := fmt.Sprintf("workers=%d", workers)
		check(name+" epoch 1", collect(l.Epoch(1, 0), 100), per)
		check(name+" resumed at 2/3", collect(l.Epoch(2, 3), 100), 2*per+3)
		check(name+" stream from 0/5", collect(l.Stream(Position{0, 5}), 2*per), 5)
		check(name+" stream from end of epoch", collect(l.Stream(Position{0, per}), 3), per)
	}
	var b Batch
	for _, i := range []int{per + 6, 1, 2*per + 0} {
		if err := ref.Fill(&b, Position{i / per, i % per}); err != nil {
			t.Fatal(err)
		}
		if !sameBatch(b, want[i]) {
			t.Errorf("Fill(%v) differs", b.Pos)
		}
	}
	c := cfg
	c.Seed = 43
	other := collect(newLoader(t, ds, c).Epoch(0, 0), 1)[0]
	if slices.Equal(other.X, want[0].X) {
		t.Error("different seeds give the same batch")
	}
	// Same order but different augmentation when only augmentation differs.
	c = cfg
	c.Shuffle = false
	a0 := collect(newLoader(t, ds, c).Epoch(0, 0), 1)[0]
	a1 := collect(newLoader(t, ds, c).Epoch(1, 0), 1)[0]
	if !slices.Equal(a0.Index, a1.Index) || slices.Equal(a0.X, a1.X) {
		t.Error("augmentation does not change between epochs")
	}
}

func TestIterPosAndAll(t *testing.T) {
	l := newLoader(t, tinySet(10, 2), LoaderConfig{Batch: 4, Workers: 2})
	it := l.Epoch(3, 1)
	if it.Pos() != (Position{3, 1}) {
		t.Errorf("pos %v", it.Pos())
	}
	n := 0
	for b := range it.All() {
		if b.Pos != (Position{3, 1 + n}) {
			t.Errorf("batch at %v", b.Pos)
		}
		n++
	}
	if n != 2 || it.Pos() != (Position{4, 0}) {
		t.Errorf("%d batches, then pos %v", n, it.Pos())
	}
	if _, ok := it.Next(); ok {
		t.Error("Next after the end")
	}
	// Breaking out of a range loop closes the iterator.
	s := l.Stream(Position{0, 0})
	for b := range s.All() {
		if b.Pos.Epoch == 2 {
			break
		}
	}
	if _, ok := s.Next(); ok {
		t.Error("stream still running after break")
	}
	if got := l.Normalize(Position{1, 7}); got != (Position{3, 1}) {
		t.Errorf("Normalize = %v", got)
	}
}

// TestIterCloseStopsWorkers checks that closing an iterator early, with
// workers blocked on a full queue, leaves no goroutine behind.
func TestIterCloseStopsWorkers(t *testing.T) {
	before := runtime.NumGoroutine()
	l := newLoader(t, synthSet(64), LoaderConfig{Batch: 4, Workers: 4, Prefetch: 2, Augment: Augment{Crop: true}})
	for i := 0; i < 20; i++ {
		it := l.Stream(Position{i, 0})
		it.Next()
		time.Sleep(time.Millisecond) // let the workers fill the queue
		it.Close()
		it.Close()
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > before {
		t.Errorf("%d goroutines before, %d after", before, g)
	}
}

func TestLoaderErrors(t *testing.T) {
	ds := tinySet(5, 2)
	cases := []struct {
		name string
		ds   *Dataset
		cfg  LoaderConfig
		want string
	}{
		{"batch", ds, LoaderConfig{}, "batch size 0"},
		{"workers", ds, LoaderConfig{Batch: 1, Workers: -1}, "negative workers"},
		{"cutout", ds, LoaderConfig{Batch: 1, Augment: Augment{Cutout: -3}}, "negative padding (0) or cutout (-3)"},
		{"drop last", ds, LoaderConfig{Batch: 6, DropLast: true}, "5 images make no batch of 6"},
		{"invalid dataset", &Dataset{Name: "x"}, LoaderConfig{Batch: 1}, "bad image shape"},
	}
	for _, c := range cases {
		if _, err := NewLoader(c.ds, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v", c.name, err)
		}
	}
	l := newLoader(t, ds, LoaderConfig{Batch: 2})
	var b Batch
	for _, p := range []Position{{0, 3}, {-1, 0}, {0, -1}} {
		if err := l.Fill(&b, p); err == nil {
			t.Errorf("Fill(%v) accepted", p)
		}
	}
}

// TestLoaderPaddingDefault checks that Augment.Pad 0 takes the dataset's
// padding and an explicit Pad overrides it, through the observable range of
// shifts.
func TestLoaderPaddingDefault(t *testing.T) {
	// One 1x1x1 white image on a 1x1 canvas: the crop either keeps it
	// (offset == pad on both axes) or shows padding.
	ds := &Dataset{Name: "dot", Split: "train", C: 1, H: 1, W: 1, Classes: 1,
		Images: []uint8{255}, Labels: []int{0}, Mean: []float32{0}, Std: []float32{1}, Pad: 3}
	for _, c := range []struct {
		pad  int
		keep float64 // probability that the pixel survives: 1/(2p+1)^2
	}{{0, 1.0 / 49}, {1, 1.0 / 9}} {
		l := newLoader(t, ds, LoaderConfig{Batch: 1, Augment: Augment{Crop: true, Pad: c.pad}, Seed: 5})
		kept, n := 0, 4000
		var b Batch
		for e := 0; e < n; e++ {
			l.Fill(&b, Position{e, 0})
			if b.X[0] == 1 {
				kept++
			}
		}
		if got := float64(kept) / float64(n); math.Abs(got-c.keep) > 4*math.Sqrt(c.keep/float64(n)) {
			t.Errorf("pad %d: kept %.4f, want %.4f", c.pad, got, c.keep)
		}
	}
}
