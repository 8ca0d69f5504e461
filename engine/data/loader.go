package data

import (
	"fmt"
)

// LoaderConfig configures a Loader.
type LoaderConfig struct {
	Batch    int     // images per batch (> 0)
	Shuffle  bool    // a fresh random order every epoch
	DropLast bool    // drop the last, smaller batch of an epoch
	Augment  Augment // zero value: none
	Seed     uint64  // all of the loader's randomness derives from Seed
	// Workers is the number of goroutines preparing batches ahead of the
	// consumer; 0 prepares each batch inside Next. Results do not depend on
	// it.
	Workers int
	// Prefetch is how many prepared batches may wait for the consumer;
	// 0 means two per worker.
	Prefetch int
}

// Position is where a loader is in its stream: the next batch to produce.
// It is all a checkpoint needs (with the seed) to resume the data exactly.
type Position struct {
	Epoch int `json:"epoch"`
	Batch int `json:"batch"`
}

func (p Position) String() string { return fmt.Sprintf("epoch %d batch %d", p.Epoch, p.Batch) }

// Batch is a batch of normalised, augmented images.
type Batch struct {
	X       []float32 // N*C*H*W, NCHW
	Y       []int     // N labels
	N       int       // images in this batch
	C, H, W int
	Index   []int    // the dataset index of each image
	Pos     Position // which batch this is
}

// Loader turns a Dataset into batches, epoch by epoch. The order of epoch e
// is a function of (Seed, e), the augmentation of an image in epoch e a
// function of (Seed, e, image index): batch (e, i) is the same whenever and
// however it is produced, so resuming from a Position and preparing batches
// in parallel change nothing. A Loader is safe for concurrent use.
type Loader struct {
	ds      *Dataset
	cfg     LoaderConfig
	pad     int
	lut     [][256]float32
	batches int
}

// NewLoader checks ds and cfg and returns a loader.
func NewLoader(ds *Dataset, cfg LoaderConfig) (*Loader, error) {
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	if cfg.Batch <= 0 {
		return nil, fmt.Errorf("loader for %s: batch size %d", ds.Name, cfg.Batch)
	}
	if cfg.Workers < 0 || cfg.Prefetch < 0 {
		return nil, fmt.Errorf("loader for %s: negative workers (%d) or prefetch (%d)", ds.Name, cfg.Workers, cfg.Prefetch)
	}
	a := cfg.Augment
	if a.Pad < 0 || a.Cutout < 0 {
		return nil, fmt.Errorf("loader for %s: negative padding (%d) or cutout (%d)", ds.Name, a.Pad, a.Cutout)
	}
	l := &Loader{ds: ds, cfg: cfg, lut: normLUT(ds.Mean, ds.Std)}
	if a.Crop {
		l.pad = a.Pad
		if l.pad == 0 {
			l.pad = ds.Pad
		}
	}
	n := ds.Len()
	if cfg.DropLast {
		l.batches = n / cfg.Batch
	} else {
		l.batches = (n + cfg.Batch - 1) / cfg.Batch
	}
	if l.batches == 0 {
		return nil, fmt.Errorf("loader for %s: %d images make no batch of %d (drop last)", ds.Name, n, cfg.Batch)
	}
	return l, nil
}

// Dataset is the dataset the loader reads.
func (l *Loader) Dataset() *Dataset { return l.ds }

// Config is the loader's configuration.
func (l *Loader) Config() LoaderConfig { return l.cfg }

// BatchesPerEpoch is the number of batches in every epoch.
func (l *Loader) BatchesPerEpoch() int { return l.batches }

// Normalize carries a position past the end of an epoch into the next one.
func (l *Loader) Normalize(p Position) Position {
	if p.Batch >= l.batches {
		p.Epoch += p.Batch / l.batches
		p.Batch %= l.batches
	}
	return p
}

// Order is the sequence of dataset indices that epoch e visits.
func (l *Loader) Order(epoch int) []int {
	if !l.cfg.Shuffle {
		p := make([]int, l.ds.Len())
		for i := range p {
			p[i] = i
		}
		return p
	}
	return permutation(derive(l.cfg.Seed, tagShuffle, uint64(epoch), 0), l.ds.Len())
}

// Fill makes batch pos into b, reusing b's memory. It is the random-access
// form of the iterators: Fill(b, p) gives what an iterator yields at p.
func (l *Loader) Fill(b *Batch, pos Position) error {
	if pos.Epoch < 0 || pos.Batch < 0 || pos.Batch >= l.batches {
		return fmt.Errorf("loader for %s: position %v outside the %d batches of an epoch", l.ds.Name, pos, l.batches)
	}
	l.fill(b, pos, l.Order(pos.Epoch))
	return nil
}

// fill makes batch pos of an epoch whose order is given.
func (l *Loader) fill(b *Batch, pos Position, order []int) {
	ds := l.ds
	lo := pos.Batch * l.cfg.Batch
	hi := min(lo+l.cfg.Batch, len(order))
	n, size := hi-lo, ds.ImageSize()
	b.N, b.C, b.H, b.W, b.Pos = n, ds.C, ds.H, ds.W, pos
	b.X = resize(b.X, n*size)
	b.Y = resize(b.Y, n)
	b.Index = resize(b.Index, n)
	a := l.cfg.Augment
	var img8, scratch []uint8 // the 8-bit image AutoAugment works on, reused
	if a.AutoAugment {
		img8, scratch = make([]uint8, size), make([]uint8, size)
	}
	for k := 0; k < n; k++ {
		idx := order[lo+k]
		b.Index[k], b.Y[k] = idx, ds.Labels[idx]
		var d draws
		if a.Crop || a.Flip || a.Cutout > 0 {
			d = a.draw(derive(l.cfg.Seed, tagAugment, uint64(pos.Epoch), uint64(idx)), ds.H, ds.W, l.pad)
		} else {
			d.dy, d.dx = l.pad, l.pad
		}
		dst := b.X[k*size : (k+1)*size]
		if !a.AutoAugment {
			render(dst, ds.Image(idx), ds.C, ds.H, ds.W, l.lut, l.pad, d, a.Cutout)
			continue
		}
		crop8(img8, ds.Image(idx), ds.C, ds.H, ds.W, l.pad, d, aaFill)
		drawAutoAugment(derive(l.cfg.Seed, tagAutoAug, uint64(pos.Epoch), uint64(idx))).apply(img8, scratch, ds.C, ds.H, ds.W)
		render(dst, img8, ds.C, ds.H, ds.W, l.lut, 0, draws{cy: d.cy, cx: d.cx}, a.Cutout)
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
