package ckpt

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"

	"gonas/internal/atomicfile"
)

var (
	encOnce sync.Once
	enc     *zstd.Encoder
	encErr  error
)

// encoder is shared: EncodeAll is safe for concurrent use. One goroutine per
// stream keeps the output a pure function of the input.
func encoder() (*zstd.Encoder, error) {
	encOnce.Do(func() {
		enc, encErr = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(true))
	})
	return enc, encErr
}

// Marshal encodes a checkpoint: hdr is marshalled to JSON and stored under
// "meta"; tensors are stored in the given order. The output depends only on
// the inputs.
func Marshal(hdr any, tensors []Tensor) ([]byte, error) {
	meta, err := json.Marshal(hdr)
	if err != nil {
		return nil, fmt.Errorf("marshal header: %w", err)
	}
	h := header{Meta: meta, Tensors: make([]TensorInfo, len(tensors)), Data: DataInfo{Codec: codecZstd}}
	var raw int64
	for i, t := range tensors {
		n, err := numElems(t.Shape)
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		if int64(len(t.Data)) != n {
			return nil, fmt.Errorf("tensor %q: shape %v holds %d values, data has %d", t.Name, t.Shape, n, len(t.Data))
		}
		h.Tensors[i] = TensorInfo{Name: t.Name, Shape: append([]int{}, t.Shape...), DType: dtypeF32, Offset: raw, Length: 4 * n}
		if h.Tensors[i].Shape == nil {
			h.Tensors[i].Shape = []int{}
		}
		raw += 4 * n
	}
	if raw > maxRawBytes {
		return nil, fmt.Errorf("tensors hold %d bytes, more than a checkpoint may", raw)
	}
	buf := make([]byte, raw)
	for i, t := range tensors {
		ti := &h.Tensors[i]
		b := buf[ti.Offset : ti.Offset+ti.Length]
		putFloats(b, t.Data)
		ti.CRC32C = crc32.Checksum(b, castagnoli)
	}
	e, err := encoder()
	if err != nil {
		return nil, fmt.Errorf("zstd encoder: %w", err)
	}
	comp := e.EncodeAll(buf, nil)
	h.Data.RawBytes, h.Data.CompressedBytes = raw, int64(len(comp))
	// Names and shapes are checked by the same rules the reader applies.
	if err := h.validate(); err != nil {
		return nil, err
	}
	js, err := json.Marshal(&h)
	if err != nil {
		return nil, fmt.Errorf("marshal header: %w", err)
	}
	if len(js) > maxHeaderLen {
		return nil, fmt.Errorf("header is %d bytes, more than the %d a checkpoint may hold", len(js), maxHeaderLen)
	}
	out := make([]byte, 0, prefixLen+len(js)+crcLen+len(comp))
	out = append(out, Magic...)
	out = binary.LittleEndian.AppendUint32(out, FormatVersion)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(js)))
	out = append(out, js...)
	out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
	return append(out, comp...), nil
}

// Write stores a checkpoint at path atomically (see the package comment).
func Write(path string, hdr any, tensors []Tensor) error {
	b, err := Marshal(hdr, tensors)
	if err != nil {
		return fmt.Errorf("write checkpoint %s: %w", path, err)
	}
	if err := atomicfile.WriteFunc(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}); err != nil {
		return fmt.Errorf("write checkpoint %s: %w", path, err)
	}
	return nil
}
