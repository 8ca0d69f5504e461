package ckpt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// sampleTensors is a small, varied tensor set.
func sampleTensors() []Tensor {
	r := rand.New(rand.NewPCG(1, 2))
	w := make([]float32, 2*3*3*3)
	for i := range w {
		w[i] = float32(r.NormFloat64())
	}
	return []Tensor{
		{Name: "stem.conv.weight", Shape: []int{2, 3, 3, 3}, Data: w},
		{Name: "stem.bn.running_mean", Shape: []int{2}, Data: []float32{0.5, -0.25}},
		{Name: "scalar", Shape: []int{}, Data: []float32{42}},
		{Name: "empty", Shape: []int{0, 4}, Data: []float32{}},
		{Name: "special", Shape: []int{5}, Data: []float32{
			float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Copysign(0, -1)),
			math.Float32frombits(0x7fc00001), math.SmallestNonzeroFloat32}},
	}
}

type sampleHeader struct {
	Kind  string         `json:"kind"`
	Epoch int            `json:"epoch"`
	Extra map[string]int `json:"extra"`
}

// leBytes encodes floats with encoding/binary, independently of putFloats.
func leBytes(t *testing.T, data []float32) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := binary.Write(&b, binary.LittleEndian, data); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// layout is a checkpoint file split into its parts, decoded by hand from the
// documented layout (not through the package's reader).
type layout struct {
	version uint32
	json    []byte
	raw     []byte // decompressed tensor bytes
}

func splitLayout(t *testing.T, b []byte) layout {
	t.Helper()
	if string(b[:8]) != "GONASCKP" {
		t.Fatalf("magic %q", b[:8])
	}
	v := binary.LittleEndian.Uint32(b[8:])
	h := binary.LittleEndian.Uint32(b[12:])
	js := b[16 : 16+h]
	crc := binary.LittleEndian.Uint32(b[16+h:])
	if got := crc32.Checksum(b[:16+h], crc32.MakeTable(crc32.Castagnoli)); got != crc {
		t.Fatalf("header crc %08x, stored %08x", got, crc)
	}
	d, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	raw, err := d.DecodeAll(b[20+h:], nil)
	if err != nil {
		t.Fatal(err)
	}
	return layout{version: v, json: append([]byte{}, js...), raw: raw}
}

// build assembles a file from parts, recomputing the compressed size and the
// header CRC, so tests can craft files whose checksums are valid but whose
// content is wrong in one chosen way. edit may change the decoded header map.
func build(t *testing.T, version uint32, hdr map[string]any, raw []byte) []byte {
	t.Helper()
	e, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	comp := e.EncodeAll(raw, nil)
	if d, ok := hdr["data"].(map[string]any); ok {
		if _, keep := d["keep_compressed_bytes"]; keep {
			delete(d, "keep_compressed_bytes")
		} else {
			d["compressed_bytes"] = len(comp)
		}
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		t.Fatal(err)
	}
	return buildRaw(version, js, comp)
}

func buildRaw(version uint32, js, comp []byte) []byte {
	out := []byte("GONASCKP")
	out = binary.LittleEndian.AppendUint32(out, version)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(js)))
	out = append(out, js...)
	out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, crc32.MakeTable(crc32.Castagnoli)))
	return append(out, comp...)
}

// headerMap decodes a file's JSON header into a generic map.
func headerMap(t *testing.T, js []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func mustMarshal(t *testing.T, hdr any, ts []Tensor) []byte {
	t.Helper()
	b, err := Marshal(hdr, ts)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}
