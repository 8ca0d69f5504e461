package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// IDX magic numbers for unsigned-byte data: 0x00 0x00 0x08 ndims.
const (
	idxLabelsMagic = 2049 // 0x00000801: 1-d labels
	idxImagesMagic = 2051 // 0x00000803: 3-d images
)

// idxKind names a magic number in errors.
func idxKind(m uint32) string {
	switch m {
	case idxLabelsMagic:
		return "idx1 labels"
	case idxImagesMagic:
		return "idx3 images"
	}
	return "unknown"
}

// readIDX reads an IDX file of unsigned bytes (gzip-compressed or not) and
// checks its magic against want. It returns the dimensions and the payload.
// Errors begin with the file's base name and say what is wrong.
func readIDX(path string, want uint32) (dims []int, payload []byte, err error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	var r io.Reader = br
	gz := false
	if head, _ := br.Peek(2); bytes.Equal(head, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		defer zr.Close()
		r, gz = zr, true
	}
	readErr := func(what string, err error) error {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			if gz {
				return fmt.Errorf("%s: truncated gzip stream while reading the %s", name, what)
			}
			return fmt.Errorf("%s: truncated: the file ends inside the %s", name, what)
		}
		return fmt.Errorf("%s: reading the %s: %w", name, what, err)
	}
	var magic [4]byte
	if n, err := io.ReadFull(r, magic[:]); err != nil {
		if n == 0 && errors.Is(err, io.EOF) && !gz {
			return nil, nil, fmt.Errorf("%s: empty file", name)
		}
		return nil, nil, readErr("magic number", err)
	}
	m := binary.BigEndian.Uint32(magic[:])
	if magic[0] != 0 || magic[1] != 0 {
		return nil, nil, fmt.Errorf("%s: not an idx file: magic %#08x%s", name, m, looksLike(magic[:]))
	}
	if magic[2] != 0x08 {
		return nil, nil, fmt.Errorf("%s: idx element type %#02x, want 0x08 (unsigned byte)", name, magic[2])
	}
	if m != want {
		return nil, nil, fmt.Errorf("%s: magic %d (%s), want %d (%s)", name, m, idxKind(m), want, idxKind(want))
	}
	nd := int(magic[3])
	hdr := make([]byte, 4*nd)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, nil, readErr("header", err)
	}
	size := int64(1)
	dims = make([]int, nd)
	for i := range dims {
		d := binary.BigEndian.Uint32(hdr[4*i:])
		dims[i] = int(d)
		size *= int64(d)
		if size > 1<<40 {
			return nil, nil, fmt.Errorf("%s: header dimensions %v are implausible", name, dims[:i+1])
		}
	}
	// Read at most one byte more than the header declares: memory follows
	// the real content, and trailing bytes are detected.
	// Preallocate what the header declares, capped by what the file could
	// hold (gzip expands at most about 1032:1).
	hint := size + 1 + bytes.MinRead
	if st, err := f.Stat(); err == nil {
		limit := st.Size()
		if gz {
			limit *= 1032
		}
		hint = min(hint, limit+1+bytes.MinRead)
	}
	buf := bytes.NewBuffer(make([]byte, 0, hint))
	_, err = buf.ReadFrom(io.LimitReader(r, size+1))
	payload = buf.Bytes()
	cut := ""
	if err != nil {
		if !gz || !(errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)) {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		cut = " before the gzip stream breaks off"
	}
	if int64(len(payload)) < size || cut != "" {
		return nil, nil, fmt.Errorf("%s: truncated: %s, file has %d bytes of %s%s", name, describe(want, dims), len(payload), unit(want), cut)
	}
	if int64(len(payload)) > size {
		return nil, nil, fmt.Errorf("%s: more data than the header declares (%s)", name, describe(want, dims))
	}
	return dims, payload, nil
}

// describe renders what an IDX header declares.
func describe(magic uint32, dims []int) string {
	switch {
	case magic == idxImagesMagic && len(dims) == 3:
		return fmt.Sprintf("header says %d images of %dx%d", dims[0], dims[1], dims[2])
	case magic == idxLabelsMagic && len(dims) == 1:
		return fmt.Sprintf("header says %d labels", dims[0])
	}
	return fmt.Sprintf("header says dimensions %v", dims)
}

func unit(magic uint32) string {
	if magic == idxLabelsMagic {
		return "labels"
	}
	return "pixels"
}

// looksLike guesses a foreign file's type from its first bytes, for errors.
func looksLike(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG")):
		return " (a PNG image)"
	case bytes.HasPrefix(b, []byte("\xff\xd8")):
		return " (a JPEG image)"
	case bytes.HasPrefix(b, []byte("PK")):
		return " (a zip archive)"
	case len(b) > 0 && b[0] == 0x80:
		return " (a Python pickle)"
	case bytes.HasPrefix(b, []byte("GONAS")):
		return " (a gonas file)"
	}
	if s := string(b); strings.TrimLeft(s, " \t\r\n{[<") != s {
		return " (text)"
	}
	return ""
}
