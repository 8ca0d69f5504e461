package ckpt

import (
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math"
)

// Magic opens every checkpoint file.
const Magic = "GONASCKP"

// FormatVersion is the container version this package writes and the newest
// it reads.
const FormatVersion = 1

const (
	prefixLen = len(Magic) + 4 + 4 // magic, version, header length
	crcLen    = 4                  // header CRC after the JSON
	// maxHeaderLen bounds the JSON header so that a corrupt length field
	// cannot make a reader allocate gigabytes.
	maxHeaderLen = 1 << 28
	// maxRawBytes bounds the decompressed tensor data a header may declare.
	maxRawBytes = 1 << 40
	dtypeF32    = "float32"
	codecZstd   = "zstd"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Tensor is a named float32 array with a shape (row-major; NCHW for images).
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// TensorInfo is one row of the tensor table stored in the header.
type TensorInfo struct {
	Name   string `json:"name"`
	Shape  []int  `json:"shape"`
	DType  string `json:"dtype"`
	Offset int64  `json:"offset"` // byte offset in the decompressed stream
	Length int64  `json:"length"` // byte length
	CRC32C uint32 `json:"crc32c"` // CRC-32C (Castagnoli) of the raw little-endian bytes
}

// DataInfo describes the compressed tensor stream.
type DataInfo struct {
	Codec           string `json:"codec"`
	RawBytes        int64  `json:"raw_bytes"`
	CompressedBytes int64  `json:"compressed_bytes"`
}

// header is the JSON document stored after the fixed prefix.
type header struct {
	Meta    json.RawMessage `json:"meta"`
	Tensors []TensorInfo    `json:"tensors"`
	Data    DataInfo        `json:"data"`
}

// numElems is the element count of shape, or an error for negative
// dimensions or a product that overflows the limits of a checkpoint.
func numElems(shape []int) (int64, error) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d != 0 && n > maxRawBytes/4/int64(d) {
			return 0, fmt.Errorf("shape %v is too large", shape)
		}
		n *= int64(d)
	}
	return n, nil
}

// validate checks the table against itself and the data sizes: known dtype
// and codec, unique non-empty names, lengths matching shapes, tensors laid
// out back to back and covering the raw stream exactly.
func (h *header) validate() error {
	if h.Data.Codec != codecZstd {
		return fmt.Errorf("unsupported data codec %q (want %q)", h.Data.Codec, codecZstd)
	}
	if h.Data.RawBytes < 0 || h.Data.RawBytes > maxRawBytes {
		return fmt.Errorf("implausible raw data size %d", h.Data.RawBytes)
	}
	if h.Data.CompressedBytes < 0 {
		return fmt.Errorf("negative compressed data size %d", h.Data.CompressedBytes)
	}
	seen := make(map[string]bool, len(h.Tensors))
	var off int64
	for i, t := range h.Tensors {
		if t.Name == "" {
			return fmt.Errorf("tensor %d has no name", i)
		}
		if seen[t.Name] {
			return fmt.Errorf("tensor %q appears twice", t.Name)
		}
		seen[t.Name] = true
		if t.DType != dtypeF32 {
			return fmt.Errorf("tensor %q: unsupported dtype %q", t.Name, t.DType)
		}
		n, err := numElems(t.Shape)
		if err != nil {
			return fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		if t.Length != 4*n {
			return fmt.Errorf("tensor %q: length %d bytes does not match shape %v (%d bytes)", t.Name, t.Length, t.Shape, 4*n)
		}
		if t.Offset != off {
			return fmt.Errorf("tensor %q: offset %d, want %d (tensors are stored back to back)", t.Name, t.Offset, off)
		}
		off += t.Length
		if off > h.Data.RawBytes {
			return fmt.Errorf("tensor %q ends at byte %d, past the %d bytes of tensor data", t.Name, off, h.Data.RawBytes)
		}
	}
	if off != h.Data.RawBytes {
		return fmt.Errorf("tensor table covers %d bytes but the data holds %d", off, h.Data.RawBytes)
	}
	return nil
}

// putFloats writes data as little-endian float32 bytes into dst (len 4*len(data)).
func putFloats(dst []byte, data []float32) {
	for i, v := range data {
		b := math.Float32bits(v)
		dst[4*i] = byte(b)
		dst[4*i+1] = byte(b >> 8)
		dst[4*i+2] = byte(b >> 16)
		dst[4*i+3] = byte(b >> 24)
	}
}

// getFloats decodes little-endian float32 bytes.
func getFloats(src []byte) []float32 {
	out := make([]float32, len(src)/4)
	for i := range out {
		b := uint32(src[4*i]) | uint32(src[4*i+1])<<8 | uint32(src[4*i+2])<<16 | uint32(src[4*i+3])<<24
		out[i] = math.Float32frombits(b)
	}
	return out
}
