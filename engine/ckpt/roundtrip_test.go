package ckpt

import (
	"bytes"
	"encoding/json"
	"hash/crc32"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	big := make([]float32, 100000)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range big {
		big[i] = float32(r.NormFloat64())
	}
	cases := []struct {
		name    string
		hdr     any
		tensors []Tensor
	}{
		{"no tensors", sampleHeader{Kind: "train", Epoch: 3}, nil},
		{"sample", sampleHeader{Kind: "search", Epoch: 7, Extra: map[string]int{"a": 1}}, sampleTensors()},
		{"big", map[string]any{"step": 12345.0}, []Tensor{{Name: "w", Shape: []int{100, 1000}, Data: big}}},
		{"nil header", nil, []Tensor{{Name: "x", Shape: []int{1}, Data: []float32{1}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.ckpt")
			if err := Write(path, c.hdr, c.tensors); err != nil {
				t.Fatal(err)
			}
			f, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if f.Version != FormatVersion {
				t.Errorf("version %d", f.Version)
			}
			want, _ := json.Marshal(c.hdr)
			if !bytes.Equal(f.Header, want) {
				t.Errorf("header %s, want %s", f.Header, want)
			}
			if len(f.Tensors) != len(c.tensors) {
				t.Fatalf("%d tensors, want %d", len(f.Tensors), len(c.tensors))
			}
			for i, w := range c.tensors {
				g := f.Tensors[i]
				if g.Name != w.Name || !reflect.DeepEqual(append([]int{}, g.Shape...), append([]int{}, w.Shape...)) || !sameBits(g.Data, w.Data) {
					t.Errorf("tensor %d: got %s %v (%d values), want %s %v", i, g.Name, g.Shape, len(g.Data), w.Name, w.Shape)
				}
				if f.Tensor(w.Name) != &f.Tensors[i] {
					t.Errorf("Tensor(%q) lookup failed", w.Name)
				}
			}
			if WeightsSHA256(f.Tensors) != WeightsSHA256(c.tensors) {
				t.Error("fingerprint changed across the round trip")
			}
			h, err := ReadHeader(path)
			if err != nil {
				t.Fatal(err)
			}
			if h.Tensors != nil || !bytes.Equal(h.Header, want) || !reflect.DeepEqual(h.Table, f.Table) {
				t.Errorf("ReadHeader disagrees with Read: %+v", h)
			}
		})
	}
}

// TestLayout decodes a file by hand from the documented layout and checks
// the table against independently encoded bytes and checksums.
func TestLayout(t *testing.T) {
	ts := sampleTensors()
	b := mustMarshal(t, sampleHeader{Kind: "x"}, ts)
	l := splitLayout(t, b)
	if l.version != 1 {
		t.Errorf("version %d", l.version)
	}
	var h struct {
		Meta    sampleHeader `json:"meta"`
		Tensors []struct {
			Name   string `json:"name"`
			Shape  []int  `json:"shape"`
			DType  string `json:"dtype"`
			Offset int    `json:"offset"`
			Length int    `json:"length"`
			CRC32C uint32 `json:"crc32c"`
		} `json:"tensors"`
		Data struct {
			Codec           string `json:"codec"`
			RawBytes        int    `json:"raw_bytes"`
			CompressedBytes int    `json:"compressed_bytes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(l.json, &h); err != nil {
		t.Fatal(err)
	}
	if h.Meta.Kind != "x" || h.Data.Codec != "zstd" || h.Data.RawBytes != len(l.raw) ||
		h.Data.CompressedBytes != len(b)-20-len(l.json) {
		t.Errorf("header %+v", h)
	}
	var want []byte
	for i, tt := range ts {
		le := leBytes(t, tt.Data)
		row := h.Tensors[i]
		if row.Name != tt.Name || row.DType != "float32" || row.Offset != len(want) || row.Length != len(le) ||
			row.CRC32C != crc32.Checksum(le, crc32.MakeTable(crc32.Castagnoli)) {
			t.Errorf("table row %d = %+v", i, row)
		}
		want = append(want, le...)
	}
	if !bytes.Equal(l.raw, want) {
		t.Error("decompressed data differs from the little-endian tensor bytes")
	}
}

func TestMarshalDeterministic(t *testing.T) {
	a := mustMarshal(t, sampleHeader{Epoch: 1}, sampleTensors())
	b := mustMarshal(t, sampleHeader{Epoch: 1}, sampleTensors())
	if !bytes.Equal(a, b) {
		t.Error("two encodings of the same checkpoint differ")
	}
}

func TestWriteRejectsBadInput(t *testing.T) {
	cases := []struct {
		name    string
		hdr     any
		tensors []Tensor
		want    string
	}{
		{"shape mismatch", nil, []Tensor{{Name: "a", Shape: []int{2, 2}, Data: []float32{1, 2, 3}}}, `"a": shape [2 2] holds 4 values, data has 3`},
		{"negative dim", nil, []Tensor{{Name: "a", Shape: []int{-1}, Data: nil}}, "negative dimension"},
		{"duplicate", nil, []Tensor{{Name: "a", Shape: []int{1}, Data: []float32{1}}, {Name: "a", Shape: []int{1}, Data: []float32{2}}}, `"a" appears twice`},
		{"empty name", nil, []Tensor{{Shape: []int{1}, Data: []float32{1}}}, "has no name"},
		{"huge shape", nil, []Tensor{{Name: "a", Shape: []int{1 << 30, 1 << 30}}}, "too large"},
		{"bad header", map[string]any{"c": make(chan int)}, nil, "marshal header"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.ckpt")
			err := Write(path, c.hdr, c.tensors)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %v, want it to name %s and say %q", err, path, c.want)
			}
		})
	}
}
