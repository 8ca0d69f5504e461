// Package npy reads and writes NumPy .npy files holding little-endian
// float32 ('<f4') or int64 ('<i8') arrays in C order. It writes format
// version 1.0 and reads versions 1.0, 2.0 and 3.0. gonas uses it to hand
// tensors to and from other runtimes (ONNX Runtime through Node, Python).
//
// Anything else (big-endian or other dtypes, Fortran order, object arrays)
// is refused with an error rather than misread; so are bad magic, malformed
// headers and truncated data.
package npy
