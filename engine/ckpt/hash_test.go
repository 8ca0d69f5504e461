package ckpt

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"testing"
)

// TestWeightsSHA256Encoding checks the documented canonical byte string on a
// hand-written example.
func TestWeightsSHA256Encoding(t *testing.T) {
	ts := []Tensor{
		{Name: "b", Shape: []int{1}, Data: []float32{-2}},
		{Name: "a", Shape: []int{2, 1}, Data: []float32{1, 0.5}},
	}
	var want []byte
	want = append(want, 1, 0, 0, 0, 0, 0, 0, 0, 'a') // len("a"), "a"
	want = append(want, 2, 0, 0, 0, 0, 0, 0, 0)      // two dims
	want = append(want, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0)
	want = append(want, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x3f) // 1.0, 0.5
	want = append(want, 1, 0, 0, 0, 0, 0, 0, 0, 'b')
	want = append(want, 1, 0, 0, 0, 0, 0, 0, 0)
	want = append(want, 1, 0, 0, 0, 0, 0, 0, 0)
	want = append(want, 0x00, 0x00, 0x00, 0xc0) // -2.0
	sum := sha256.Sum256(want)
	if got := WeightsSHA256(ts); got != hex.EncodeToString(sum[:]) {
		t.Errorf("got %s, want %x", got, sum)
	}
}

func TestWeightsSHA256Sensitivity(t *testing.T) {
	base := func() []Tensor {
		return []Tensor{
			{Name: "w", Shape: []int{2, 2}, Data: []float32{1, 2, 3, 4}},
			{Name: "b", Shape: []int{2}, Data: []float32{0, 0}},
		}
	}
	ref := WeightsSHA256(base())
	if WeightsSHA256([]Tensor{base()[1], base()[0]}) != ref {
		t.Error("fingerprint depends on tensor order")
	}
	cases := []struct {
		name string
		edit func(ts []Tensor)
	}{
		{"renamed", func(ts []Tensor) { ts[0].Name = "v" }},
		{"reshaped", func(ts []Tensor) { ts[0].Shape = []int{4, 1} }},
		{"flattened", func(ts []Tensor) { ts[0].Shape = []int{4} }},
		{"value", func(ts []Tensor) { ts[0].Data[3] = math.Nextafter32(4, 5) }},
		{"negative zero", func(ts []Tensor) { ts[1].Data[0] = float32(math.Copysign(0, -1)) }},
		{"name/data boundary", func(ts []Tensor) { ts[1].Name = "b\x00" }},
	}
	for _, c := range cases {
		ts := base()
		c.edit(ts)
		if WeightsSHA256(ts) == ref {
			t.Errorf("%s: fingerprint unchanged", c.name)
		}
	}
}
