package ckpt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
)

// File is a decoded checkpoint.
type File struct {
	Version int             // container format version of the file
	Header  json.RawMessage // the caller's header, as written
	Table   []TensorInfo    // the tensor table, in file order
	Data    DataInfo        // sizes of the tensor stream
	Tensors []Tensor        // the tensors in table order; nil from ReadHeader
}

// Tensor returns the tensor with the given name, or nil.
func (f *File) Tensor(name string) *Tensor {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i]
		}
	}
	return nil
}

// Read reads and verifies a whole checkpoint.
func Read(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read checkpoint: %w", err)
	}
	return Parse(path, b)
}

// ReadHeader reads and verifies the header of a checkpoint without reading
// or decompressing the tensor data; it still checks that the file is long
// enough to hold the data the header declares.
func ReadHeader(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read checkpoint: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read checkpoint: %w", err)
	}
	pre := make([]byte, prefixLen)
	n, err := io.ReadFull(f, pre)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read checkpoint %s: %w", path, err)
	}
	pre = pre[:n]
	hlen, err := checkPrefix(pre, st.Size())
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	rest := make([]byte, hlen+crcLen)
	if _, err := io.ReadFull(f, rest); err != nil {
		return nil, fmt.Errorf("read checkpoint %s: %w", path, err)
	}
	out, _, err := parseHeader(append(pre, rest...), st.Size())
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return out, nil
}

// Parse decodes and verifies a checkpoint held in memory; name is used in
// errors. It returns an error, never panics, for any input.
func Parse(name string, b []byte) (*File, error) {
	out, dataStart, err := parseHeader(b, int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", name, err)
	}
	if err := decodeTensors(out, b[dataStart:]); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", name, err)
	}
	return out, nil
}

// checkPrefix validates magic, version and header length against the file
// size and returns the header length.
func checkPrefix(pre []byte, size int64) (int, error) {
	if len(pre) < len(Magic) || string(pre[:len(Magic)]) != Magic {
		if len(pre) < len(Magic) && bytes.HasPrefix([]byte(Magic), pre) {
			return 0, fmt.Errorf("truncated: %d bytes, shorter than the %d-byte prefix", size, prefixLen)
		}
		if what := foreign(pre); what != "" {
			return 0, fmt.Errorf("not a gonas checkpoint: it looks like %s", what)
		}
		return 0, fmt.Errorf("not a gonas checkpoint: bad magic %q (want %q)", pre[:min(len(pre), len(Magic))], Magic)
	}
	if len(pre) < prefixLen {
		return 0, fmt.Errorf("truncated: %d bytes, shorter than the %d-byte prefix", size, prefixLen)
	}
	v := binary.LittleEndian.Uint32(pre[8:])
	if v == 0 {
		return 0, fmt.Errorf("invalid format version 0")
	}
	if v > FormatVersion {
		return 0, fmt.Errorf("format version %d is newer than this gonas reads (%d); use a newer gonas", v, FormatVersion)
	}
	hlen := int64(binary.LittleEndian.Uint32(pre[12:]))
	if hlen > maxHeaderLen {
		return 0, fmt.Errorf("corrupt: header length %d is implausible", hlen)
	}
	if need := int64(prefixLen) + hlen + crcLen; size < need {
		return 0, fmt.Errorf("truncated: the header needs %d bytes, the file has %d", need, size)
	}
	return int(hlen), nil
}

// parseHeader verifies the prefix, header CRC, JSON and table of b (which
// must hold at least the header; size is the full file size) and returns
// the file description and the offset where the compressed data starts.
func parseHeader(b []byte, size int64) (*File, int, error) {
	pre := b[:min(len(b), prefixLen)]
	hlen, err := checkPrefix(pre, size)
	if err != nil {
		return nil, 0, err
	}
	end := prefixLen + hlen
	if len(b) < end+crcLen {
		return nil, 0, fmt.Errorf("truncated: the header needs %d bytes, have %d", end+crcLen, len(b))
	}
	want := binary.LittleEndian.Uint32(b[end:])
	if got := crc32.Checksum(b[:end], castagnoli); got != want {
		return nil, 0, fmt.Errorf("header checksum mismatch (stored %08x, computed %08x): the file is corrupted", want, got)
	}
	var h header
	dec := json.NewDecoder(bytes.NewReader(b[prefixLen:end]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, 0, fmt.Errorf("header JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, 0, fmt.Errorf("header JSON: unexpected data after the header object")
	}
	if err := h.validate(); err != nil {
		return nil, 0, fmt.Errorf("header: %w", err)
	}
	if h.Meta == nil {
		h.Meta = json.RawMessage("null")
	}
	dataStart := end + crcLen
	if have := size - int64(dataStart); have != h.Data.CompressedBytes {
		if have < h.Data.CompressedBytes {
			return nil, 0, fmt.Errorf("truncated: the header declares %d bytes of compressed tensor data, the file has %d", h.Data.CompressedBytes, have)
		}
		return nil, 0, fmt.Errorf("corrupt: %d unexpected bytes after the tensor data", have-h.Data.CompressedBytes)
	}
	v := int(binary.LittleEndian.Uint32(b[8:]))
	return &File{Version: v, Header: h.Meta, Table: h.Tensors, Data: h.Data}, dataStart, nil
}

// decodeTensors decompresses comp, checks its size and every tensor's CRC,
// and fills f.Tensors.
func decodeTensors(f *File, comp []byte) error {
	raw := f.Data.RawBytes
	d, err := zstd.NewReader(bytes.NewReader(comp), zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxMemory(uint64(raw)+1<<20))
	if err != nil {
		return fmt.Errorf("tensor data: %w", err)
	}
	defer d.Close()
	// Read at most raw+1 bytes: a corrupt stream cannot make us allocate
	// more than the header declared.
	buf, err := io.ReadAll(io.LimitReader(d, raw+1))
	if err != nil {
		return fmt.Errorf("tensor data: decompress: %w", err)
	}
	if int64(len(buf)) > raw {
		return fmt.Errorf("tensor data: decompresses to more than the %d bytes the header declares", raw)
	}
	if int64(len(buf)) < raw {
		return fmt.Errorf("tensor data: decompressed to %d bytes, the header declares %d", len(buf), raw)
	}
	f.Tensors = make([]Tensor, len(f.Table))
	for i, t := range f.Table {
		b := buf[t.Offset : t.Offset+t.Length]
		if got := crc32.Checksum(b, castagnoli); got != t.CRC32C {
			return fmt.Errorf("tensor %q: checksum mismatch (stored %08x, computed %08x): the data is corrupted", t.Name, t.CRC32C, got)
		}
		f.Tensors[i] = Tensor{Name: t.Name, Shape: append([]int{}, t.Shape...), Data: getFloats(b)}
	}
	return nil
}
