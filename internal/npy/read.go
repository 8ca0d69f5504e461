package npy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// magic starts every .npy file.
const magic = "\x93NUMPY"

// maxHeader bounds the header length the reader accepts.
const maxHeader = 1 << 20

// ErrFormat is wrapped by every error about the content of a file (as
// opposed to an error of the underlying reader).
var ErrFormat = errors.New("npy: bad file")

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// Read decodes one array from r.
func Read(r io.Reader) (*Array, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, formatErr("reading magic: %v", err)
	}
	if string(pre[:6]) != magic {
		return nil, formatErr("bad magic %q, not a .npy file", pre[:6])
	}
	major, minor := pre[6], pre[7]
	var hlen int
	switch major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, formatErr("reading header length: %v", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, formatErr("reading header length: %v", err)
		}
		if n := binary.LittleEndian.Uint32(b[:]); n <= maxHeader {
			hlen = int(n)
		} else {
			return nil, formatErr("header length %d too large", n)
		}
	default:
		return nil, formatErr("unsupported format version %d.%d", major, minor)
	}
	hb := make([]byte, hlen)
	if _, err := io.ReadFull(r, hb); err != nil {
		return nil, formatErr("reading %d-byte header: %v", hlen, err)
	}
	h, err := parseHeader(string(bytes.TrimRight(hb, " \n\x00")))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	dt := Dtype(h.descr)
	if dt.size() == 0 {
		return nil, formatErr("unsupported dtype %q (want %q or %q)", h.descr, Float32, Int64)
	}
	if h.fortran {
		return nil, formatErr("Fortran-order arrays are not supported")
	}
	n, err := numel(h.shape)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	want := int64(n) * int64(dt.size())
	// ReadAll on a limited reader grows with the data actually present, so a
	// header claiming a huge shape over a short stream fails without a huge
	// allocation.
	data, err := io.ReadAll(io.LimitReader(r, want))
	if err != nil {
		return nil, fmt.Errorf("npy: reading data: %w", err)
	}
	if int64(len(data)) != want {
		return nil, formatErr("truncated data: shape %v of %s needs %d bytes, found %d", h.shape, dt, want, len(data))
	}
	a := &Array{Dtype: dt, Shape: h.shape}
	switch dt {
	case Float32:
		a.F32 = make([]float32, n)
		for i := range a.F32 {
			a.F32[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
	case Int64:
		a.I64 = make([]int64, n)
		for i := range a.I64 {
			a.I64[i] = int64(binary.LittleEndian.Uint64(data[8*i:]))
		}
	}
	return a, nil
}

// ReadFile decodes the array stored in the file at path.
func ReadFile(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	a, err := Read(br)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	// A file holds one array: data past what the header declares means the
	// header's shape is wrong.
	if extra, _ := io.Copy(io.Discard, br); extra > 0 {
		return nil, fmt.Errorf("read %s: %w", path, formatErr("%d bytes after the data of shape %v (%s): the header declares fewer elements than the file holds", extra, a.Shape, a.Dtype))
	}
	return a, nil
}
