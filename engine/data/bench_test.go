package data

import (
	"fmt"
	"testing"
)

// BenchmarkLoader measures loader throughput on CIFAR-shaped images with the
// full DARTS augmentation (crop pad 4, flip, cutout 16), batch 96.
func BenchmarkLoader(b *testing.B) {
	ds := synthSet(4800)
	for _, workers := range []int{0, 1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			l := newLoader(b, ds, LoaderConfig{Batch: 96, Shuffle: true, Seed: 1, Workers: workers,
				Augment: Augment{Crop: true, Flip: true, Cutout: 16}})
			it := l.Stream(Position{})
			defer it.Close()
			b.ResetTimer()
			images := 0
			for range b.N {
				bt, _ := it.Next()
				images += bt.N
			}
			b.ReportMetric(float64(images)/b.Elapsed().Seconds(), "images/s")
			b.SetBytes(int64(96 * ds.ImageSize() * 4))
		})
	}
}

// BenchmarkLoadMNIST measures reading the real MNIST training set.
func BenchmarkLoadMNIST(b *testing.B) {
	if _, err := MNISTDir(); err != nil {
		b.Skip(err)
	}
	for range b.N {
		if _, err := Load("mnist", "train", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
