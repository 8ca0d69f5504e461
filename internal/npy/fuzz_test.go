package npy

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzRead feeds arbitrary bytes to the reader: it must never panic, and
// whatever it accepts must survive a write and read back unchanged. The
// NumPy-written files in testdata seed the corpus (plus testdata/fuzz/FuzzRead).
func FuzzRead(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.npy"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files in testdata: %v", err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, a); err != nil {
			t.Fatalf("cannot write what was read: %v", err)
		}
		b, err := Read(&buf)
		if err != nil {
			t.Fatalf("cannot read what was written: %v", err)
		}
		if !reflect.DeepEqual(a.Shape, b.Shape) || a.Dtype != b.Dtype || a.Len() != b.Len() {
			t.Fatalf("round trip changed %s %v into %s %v", a.Dtype, a.Shape, b.Dtype, b.Shape)
		}
		for i := range a.I64 {
			if a.I64[i] != b.I64[i] {
				t.Fatalf("int64 %d changed", i)
			}
		}
		for i := range a.F32 {
			// Compare bits: NaN payloads must survive too.
			if math.Float32bits(a.F32[i]) != math.Float32bits(b.F32[i]) {
				t.Fatalf("float32 %d changed", i)
			}
		}
	})
}
