package ckpt

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"sort"
)

// WeightsSHA256 fingerprints a set of tensors independently of their order:
// the hex SHA-256 over the tensors sorted by name, each contributing
//
//	uint64 LE len(name), name, uint64 LE len(shape), each dim as uint64 LE,
//	the data as little-endian float32 bit patterns
//
// so equal names, shapes and bit-identical values give equal fingerprints.
func WeightsSHA256(tensors []Tensor) string {
	idx := make([]int, len(tensors))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return tensors[idx[a]].Name < tensors[idx[b]].Name })
	h := sha256.New()
	var buf []byte
	for _, i := range idx {
		t := tensors[i]
		buf = buf[:0]
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(t.Name)))
		buf = append(buf, t.Name...)
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(t.Shape)))
		for _, d := range t.Shape {
			buf = binary.LittleEndian.AppendUint64(buf, uint64(d))
		}
		for _, v := range t.Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}
