package npy

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// WriteFloat32 writes data with the given shape as a version 1.0 '<f4' array.
func WriteFloat32(w io.Writer, data []float32, shape []int) error {
	if err := checkLen(len(data), shape); err != nil {
		return err
	}
	if err := writeHeader(w, Float32, shape); err != nil {
		return err
	}
	buf := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
	}
	_, err := w.Write(buf)
	return err
}

// WriteInt64 writes data with the given shape as a version 1.0 '<i8' array.
func WriteInt64(w io.Writer, data []int64, shape []int) error {
	if err := checkLen(len(data), shape); err != nil {
		return err
	}
	if err := writeHeader(w, Int64, shape); err != nil {
		return err
	}
	buf := make([]byte, 8*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(buf[8*i:], uint64(v))
	}
	_, err := w.Write(buf)
	return err
}

// Write writes a (float32 or int64 as a.Dtype says).
func Write(w io.Writer, a *Array) error {
	switch a.Dtype {
	case Float32:
		return WriteFloat32(w, a.F32, a.Shape)
	case Int64:
		return WriteInt64(w, a.I64, a.Shape)
	}
	return fmt.Errorf("npy: cannot write dtype %q", a.Dtype)
}

// WriteFile writes a to a new file at path.
func WriteFile(path string, a *Array) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	err = Write(bw, a)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func checkLen(n int, shape []int) error {
	want, err := numel(shape)
	if err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	if want != n {
		return fmt.Errorf("npy: shape %v holds %d elements, data has %d", shape, want, n)
	}
	return nil
}

// writeHeader writes magic, version 1.0 and the header dict, padded with
// spaces and a newline so the data starts at a multiple of 64 bytes, as
// NumPy does.
func writeHeader(w io.Writer, dt Dtype, shape []int) error {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	tuple := "(" + strings.Join(dims, ", ") + ")"
	if len(shape) == 1 {
		tuple = "(" + dims[0] + ",)"
	}
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", dt, tuple)
	total := len(magic) + 2 + 2 + len(h) + 1
	h += strings.Repeat(" ", (64-total%64)%64) + "\n"
	if len(h) > math.MaxUint16 {
		return fmt.Errorf("npy: header of %d bytes too long for version 1.0", len(h))
	}
	pre := []byte(magic + "\x01\x00")
	pre = binary.LittleEndian.AppendUint16(pre, uint16(len(h)))
	if _, err := w.Write(append(pre, h...)); err != nil {
		return err
	}
	return nil
}
