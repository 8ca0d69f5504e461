package ckpt

import (
	"bytes"
	"strconv"
)

// foreign describes what a file that is not a gonas checkpoint looks like,
// from its first bytes, so that a wrong --checkpoint gets a useful error.
// It returns "" when it has no guess.
func foreign(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "a zip archive (a PyTorch .pt/.pth checkpoint?)"
	case len(b) >= 2 && b[0] == 0x80 && b[1] >= 2 && b[1] <= 5:
		return "a Python pickle (a legacy PyTorch checkpoint?)"
	case bytes.HasPrefix(b, []byte("\x93NUMPY")):
		return "a NumPy .npy array"
	case bytes.HasPrefix(b, []byte("\x89HDF\r\n\x1a\n")):
		return "an HDF5 file (a Keras .h5 model?)"
	case bytes.HasPrefix(b, []byte("\x28\xb5\x2f\xfd")):
		return "a bare zstd stream"
	case bytes.HasPrefix(b, []byte("\x1f\x8b")):
		return "a gzip file"
	case bytes.HasPrefix(b, []byte("\x89PNG")):
		return "a PNG image"
	}
	t := bytes.TrimLeft(b, " \t\r\n")
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return "JSON text (a .net.json spec or a config?)"
	}
	if len(b) > 0 && b[0] == 0x08 {
		// An ONNX ModelProto starts with field 1 (ir_version), a varint: tag 0x08.
		return "a protobuf message (an ONNX model?)"
	}
	if bytes.HasPrefix(b, []byte("GONAS")) {
		return "another gonas file type (" + strconv.Quote(string(b[:min(len(b), 8)])) + ")"
	}
	return ""
}
