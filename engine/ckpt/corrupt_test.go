package ckpt

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTruncated cuts a valid file at every offset: each prefix must give a
// "truncated" error naming the file, from Parse, and from Read/ReadHeader
// on disk.
func TestTruncated(t *testing.T) {
	b := mustMarshal(t, sampleHeader{Kind: "t"}, sampleTensors())
	dir := t.TempDir()
	for cut := 0; cut < len(b); cut++ {
		_, err := Parse("cut.ckpt", b[:cut])
		if err == nil || !strings.Contains(err.Error(), "truncated") || !strings.Contains(err.Error(), "cut.ckpt") {
			t.Fatalf("cut at %d/%d: %v", cut, len(b), err)
		}
		if cut%7 != 0 {
			continue
		}
		path := filepath.Join(dir, "cut.ckpt")
		if err := os.WriteFile(path, b[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		for name, read := range map[string]func(string) (*File, error){"Read": Read, "ReadHeader": ReadHeader} {
			if _, err := read(path); err == nil || !strings.Contains(err.Error(), "truncated") || !strings.Contains(err.Error(), path) {
				t.Fatalf("%s, cut at %d: %v", name, cut, err)
			}
		}
	}
}

// TestFlippedBytes inverts every byte of a valid file in turn: each must be
// rejected with an error (never a panic, never silently accepted).
func TestFlippedBytes(t *testing.T) {
	b := mustMarshal(t, sampleHeader{Kind: "f"}, sampleTensors())
	hlen := int(binary.LittleEndian.Uint32(b[12:]))
	for i := range b {
		c := append([]byte{}, b...)
		c[i] ^= 0xff
		_, err := Parse("flip.ckpt", c)
		if err == nil {
			t.Fatalf("flipping byte %d/%d was not detected", i, len(b))
		}
		if i >= 16 && i < 16+hlen && !strings.Contains(err.Error(), "header checksum mismatch") {
			t.Errorf("byte %d (in the JSON header): %v", i, err)
		}
	}
}

// TestCraftedFiles builds files whose checksums are all valid but whose
// content is wrong in one way each, and checks the specific error.
func TestCraftedFiles(t *testing.T) {
	ts := sampleTensors()
	good := splitLayout(t, mustMarshal(t, sampleHeader{Kind: "c"}, ts))
	table := func(m map[string]any, i int) map[string]any {
		return m["tensors"].([]any)[i].(map[string]any)
	}
	cases := []struct {
		name    string
		version uint32
		edit    func(m map[string]any, raw []byte) []byte
		want    string
	}{
		{"valid", 1, func(m map[string]any, raw []byte) []byte { return raw }, ""},
		{"newer version", 2, nil, "format version 2 is newer than this gonas reads (1)"},
		{"version zero", 0, nil, "invalid format version 0"},
		{"tensor data changed", 1, func(m map[string]any, raw []byte) []byte {
			off := int(table(m, 1)["offset"].(float64))
			raw[off] ^= 1
			return raw
		}, `tensor "stem.bn.running_mean": checksum mismatch`},
		{"unknown dtype", 1, func(m map[string]any, raw []byte) []byte {
			table(m, 0)["dtype"] = "bfloat16"
			return raw
		}, `unsupported dtype "bfloat16"`},
		{"length disagrees with shape", 1, func(m map[string]any, raw []byte) []byte {
			table(m, 1)["shape"] = []int{3}
			return raw
		}, "does not match shape [3]"},
		{"gap in offsets", 1, func(m map[string]any, raw []byte) []byte {
			table(m, 1)["offset"] = table(m, 1)["offset"].(float64) + 4
			return raw
		}, "stored back to back"},
		{"raw size too small", 1, func(m map[string]any, raw []byte) []byte {
			m["data"].(map[string]any)["raw_bytes"] = 8
			return raw
		}, "past the 8 bytes"},
		{"raw size too big", 1, func(m map[string]any, raw []byte) []byte {
			m["data"].(map[string]any)["raw_bytes"] = len(raw) + 4
			return raw
		}, "table covers"},
		{"stream shorter than declared", 1, func(m map[string]any, raw []byte) []byte {
			return raw[:len(raw)-4]
		}, "decompressed to"},
		{"stream longer than declared", 1, func(m map[string]any, raw []byte) []byte {
			return append(raw, 0, 0, 0, 0)
		}, "more than the"},
		{"unknown codec", 1, func(m map[string]any, raw []byte) []byte {
			m["data"].(map[string]any)["codec"] = "lz4"
			return raw
		}, `unsupported data codec "lz4"`},
		{"unknown field", 1, func(m map[string]any, raw []byte) []byte {
			m["surprise"] = true
			return raw
		}, `header JSON: json: unknown field "surprise"`},
		{"duplicate name", 1, func(m map[string]any, raw []byte) []byte {
			table(m, 1)["name"] = table(m, 0)["name"]
			return raw
		}, "appears twice"},
		{"trailing bytes", 1, func(m map[string]any, raw []byte) []byte {
			m["data"].(map[string]any)["compressed_bytes"] = 3
			m["data"].(map[string]any)["keep_compressed_bytes"] = true
			return raw
		}, "unexpected bytes after the tensor data"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := headerMap(t, good.json)
			raw := append([]byte{}, good.raw...)
			if c.edit != nil {
				raw = c.edit(m, raw)
			}
			b := build(t, c.version, m, raw)
			f, err := Parse("crafted.ckpt", b)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if WeightsSHA256(f.Tensors) != WeightsSHA256(ts) {
					t.Error("hand-built file decodes to different tensors")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "crafted.ckpt") {
				t.Errorf("error %v, want it to contain %q and the file name", err, c.want)
			}
		})
	}
}

func TestBadJSONWithValidCRC(t *testing.T) {
	b := buildRaw(1, []byte(`{"meta":`), nil)
	if _, err := Parse("j.ckpt", b); err == nil || !strings.Contains(err.Error(), "header JSON") {
		t.Errorf("error %v", err)
	}
}

func TestForeignFiles(t *testing.T) {
	cases := []struct {
		name, data, want string
	}{
		{"model.pt", "PK\x03\x04\x14\x00\x00\x00\x08\x00archive/data.pkl", "zip archive (a PyTorch"},
		{"old.pth", "\x80\x02\x8a\x0alz\xfc\x9cF\xf9 j\xa8", "Python pickle"},
		{"model.onnx", "\x08\x07\x12\x07pytorch\x1a\x032.1:\x8f\x01", "ONNX model"},
		{"net.json", "  {\"nodes\": []}", "JSON text"},
		{"w.npy", "\x93NUMPY\x01\x00v\x00{'descr'", "NumPy"},
		{"x.zst", "\x28\xb5\x2f\xfd\x00\x58", "bare zstd"},
		{"random.bin", "hello, world, this is text", `bad magic "hello, w"`},
		{"empty", "", "truncated: 0 bytes"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name)
			if err := os.WriteFile(path, []byte(c.data), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, read := range []func(string) (*File, error){Read, ReadHeader} {
				_, err := read(path)
				if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
					t.Errorf("error %v, want %q and the path", err, c.want)
				}
			}
		})
	}
}

func TestMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.ckpt")
	for _, read := range []func(string) (*File, error){Read, ReadHeader} {
		if _, err := read(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("error %v", err)
		}
	}
}

func TestTrailingJSON(t *testing.T) {
	good := splitLayout(t, mustMarshal(t, nil, nil))
	e := mustMarshal(t, nil, nil)
	comp := e[20+len(good.json):]
	b := buildRaw(1, append(append([]byte{}, good.json...), ` {}`...), comp)
	if _, err := Parse("tj.ckpt", b); err == nil || !strings.Contains(err.Error(), "unexpected data after the header") {
		t.Errorf("error %v", err)
	}
}
