package npy

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The golden files in testdata were written by NumPy (testdata/gen.py); the
// expected values below restate what gen.py asked NumPy to store.
func TestReadNumPyFiles(t *testing.T) {
	nchw := make([]float32, 120)
	for i := range nchw {
		nchw[i] = float32(-2 + 4*float64(i)/119)
	}
	tests := []struct {
		file  string
		dtype Dtype
		shape []int
		f32   []float32
		i64   []int64
	}{
		{"f32_2x3.npy", Float32, []int{2, 3}, []float32{-1, -0.5, 0, 0.5, 1, 1.5}, nil},
		{"i64_4.npy", Int64, []int{4}, nil, []int64{-3, 0, 7, 1 << 40}},
		{"f32_scalar.npy", Float32, []int{}, []float32{3.25}, nil},
		{"f32_empty.npy", Float32, []int{0, 3}, []float32{}, nil},
		{"f32_v2.npy", Float32, []int{2}, []float32{1.5, -2.5}, nil},
		{"f32_nchw.npy", Float32, []int{2, 3, 4, 5}, nchw, nil},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			a, err := ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if a.Dtype != tc.dtype || !reflect.DeepEqual(a.Shape, tc.shape) {
				t.Fatalf("got %s %v, want %s %v", a.Dtype, a.Shape, tc.dtype, tc.shape)
			}
			if a.Len() != len(tc.f32)+len(tc.i64) {
				t.Errorf("Len = %d", a.Len())
			}
			if tc.dtype == Float32 {
				if len(a.F32) != len(tc.f32) {
					t.Fatalf("got %d values, want %d", len(a.F32), len(tc.f32))
				}
				for i := range tc.f32 {
					// linspace rounds in float64 then casts; allow one ulp.
					if d := a.F32[i] - tc.f32[i]; d > 1e-6 || d < -1e-6 {
						t.Fatalf("value %d = %v, want %v", i, a.F32[i], tc.f32[i])
					}
				}
			} else if !reflect.DeepEqual(a.I64, tc.i64) {
				t.Fatalf("got %v, want %v", a.I64, tc.i64)
			}
		})
	}
}

// Our writer produces the same bytes as NumPy for the same arrays.
func TestWriteMatchesNumPyBytes(t *testing.T) {
	for _, file := range []string{"f32_2x3.npy", "i64_4.npy", "f32_scalar.npy", "f32_empty.npy", "f32_nchw.npy"} {
		want, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		a, err := Read(bytes.NewReader(want))
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := Write(&got, a); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: written bytes differ from NumPy's\n got %q\nwant %q", file, got.Bytes(), want)
		}
	}
}

func TestReadErrors(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "f32_2x3.npy"))
	if err != nil {
		t.Fatal(err)
	}
	withHeader := func(h string) []byte {
		var b bytes.Buffer
		b.WriteString(magic + "\x01\x00")
		b.Write([]byte{byte(len(h)), byte(len(h) >> 8)})
		b.WriteString(h)
		return b.Bytes()
	}
	file := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "reading magic"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "bad magic"},
		{"version", append([]byte(magic+"\x04\x00"), good[8:]...), "unsupported format version 4.0"},
		{"short header", good[:40], "reading 118-byte header"},
		{"truncated data", good[:len(good)-1], "truncated data"},
		{"float64", file("f64.npy"), `unsupported dtype "<f8"`},
		{"big endian", file("f32_be.npy"), `unsupported dtype ">f4"`},
		{"fortran", file("f32_fortran.npy"), "Fortran-order"},
		{"not a dict", withHeader("[1, 2]\n"), "want '{'"},
		{"missing shape", withHeader("{'descr': '<f4', 'fortran_order': False}\n"), `missing key "shape"`},
		{"unknown key", withHeader("{'descr': '<f4', 'x': 1}\n"), `unexpected key "x"`},
		{"duplicate key", withHeader("{'descr': '<f4', 'descr': '<f4'}\n"), "duplicate key"},
		{"bad shape", withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }\n"), "want a dimension"},
		{"one-dim without comma", withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2), }\n"), "trailing comma"},
		{"huge shape", withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }\n"), "out of range"},
		{"too many elements", withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (9999999, 9999999), }\n"), "too many elements"},
		{"huge but short", withHeader("{'descr': '<i8', 'fortran_order': False, 'shape': (100000000,), }\n"), "truncated data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tc.data))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %v does not wrap ErrFormat", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	var b bytes.Buffer
	if err := WriteFloat32(&b, []float32{1, 2}, []int{3}); err == nil {
		t.Error("length mismatch accepted")
	}
	if err := WriteInt64(&b, nil, []int{-1}); err == nil {
		t.Error("negative dimension accepted")
	}
	if err := Write(&b, &Array{Dtype: "<f8"}); err == nil {
		t.Error("unsupported dtype accepted")
	}
}

func TestFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.npy")
	in := &Array{Dtype: Float32, Shape: []int{2, 1, 2, 2}, F32: []float32{1, -2, 3.5, 0, 1e-30, -1e30, 7, 8}}
	if err := WriteFile(path, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("got %+v, want %+v", out, in)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing.npy")); err == nil {
		t.Error("missing file accepted")
	}
	// More data than the header declares: an error, not the rest ignored.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	long := filepath.Join(t.TempDir(), "long.npy")
	if err := os.WriteFile(long, append(data, 0, 0, 0, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(long); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "4 bytes after the data of shape [2 1 2 2]") {
		t.Errorf("a file longer than its header: %v", err)
	}
}

// NumPy itself reads what we write (skipped without /usr/bin/python3 and numpy).
func TestNumPyReadsOurFiles(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import numpy").Run(); err != nil {
		t.Skip("/usr/bin/python3 with numpy not available")
	}
	dir := t.TempDir()
	if err := WriteFile(filepath.Join(dir, "f.npy"), &Array{Dtype: Float32, Shape: []int{2, 2}, F32: []float32{1, 2.5, -3, 4}}); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(filepath.Join(dir, "i.npy"), &Array{Dtype: Int64, Shape: []int{3}, I64: []int64{-1, 1 << 50, 9}}); err != nil {
		t.Fatal(err)
	}
	script := `import numpy as np, sys
f = np.load(sys.argv[1]); i = np.load(sys.argv[2])
assert f.dtype == np.float32 and f.shape == (2, 2) and f.tolist() == [[1, 2.5], [-3, 4]], f
assert i.dtype == np.int64 and i.shape == (3,) and i.tolist() == [-1, 1 << 50, 9], i
`
	out, err := exec.Command("/usr/bin/python3", "-c", script, filepath.Join(dir, "f.npy"), filepath.Join(dir, "i.npy")).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy rejected our files: %v\n%s", err, out)
	}
}
