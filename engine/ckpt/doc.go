// Package ckpt is gonas's checkpoint container: a JSON header that the caller
// fills (spec or genotype, config, epoch/step, RNG state, data position,
// metrics) plus a list of named float32 tensors.
//
// On disk a file is
//
//	offset 0      "GONASCKP"                  8-byte magic
//	offset 8      uint32 LE format version    (FormatVersion)
//	offset 12     uint32 LE header length H
//	offset 16     H bytes of JSON header      (the caller's header under "meta",
//	                                           the tensor table, the data sizes)
//	offset 16+H   uint32 LE CRC-32C (Castagnoli) of bytes [0, 16+H)
//	offset 20+H   one zstd stream: the tensors' little-endian float32 bytes,
//	              concatenated in table order
//
// The tensor table gives each tensor's name, shape, dtype, byte offset and
// length in the decompressed stream and the CRC-32C of its raw bytes, so a
// damaged tensor is reported by name. ReadHeader reads the header alone,
// without decompressing anything.
//
// Write is atomic: it writes a temporary file in the target directory,
// fsyncs it, renames it over the target and fsyncs the directory, so a crash
// or a failed write leaves the previous checkpoint intact. Every error from
// Read, ReadHeader and Write names the file and what is wrong with it
// (truncated, foreign format, newer version, checksum mismatch, bad header);
// Parse never panics on any input.
package ckpt
