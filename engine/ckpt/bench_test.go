package ckpt

import (
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// dartsSized is 3.3M float32 parameters (the DARTS CIFAR-10 model) in
// tensors of realistic sizes, with trained-looking (random normal) values.
func dartsSized() []Tensor {
	r := rand.New(rand.NewPCG(1, 1))
	var ts []Tensor
	total := 0
	for i := 0; total < 3_300_000; i++ {
		n := 36 * 36 * 9 * (1 + i%4)
		d := make([]float32, n)
		for k := range d {
			d[k] = float32(r.NormFloat64() * 0.05)
		}
		ts = append(ts, Tensor{Name: "cells." + string(rune('a'+i%26)) + "." + string(rune('a'+i/26)), Shape: []int{n}, Data: d})
		total += n
	}
	return ts
}

func BenchmarkWriteRead(b *testing.B) {
	ts := dartsSized()
	path := filepath.Join(b.TempDir(), "m.ckpt")
	raw := 0
	for _, t := range ts {
		raw += 4 * len(t.Data)
	}
	b.Run("write", func(b *testing.B) {
		b.SetBytes(int64(raw))
		for range b.N {
			if err := Write(path, nil, ts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		b.SetBytes(int64(raw))
		for range b.N {
			if _, err := Read(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read-header", func(b *testing.B) {
		for range b.N {
			if _, err := ReadHeader(path); err != nil {
				b.Fatal(err)
			}
		}
	})
}
