package ckpt

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "regenerate testdata/fuzz/FuzzParse seed corpus")

const corpusDir = "testdata/fuzz/FuzzParse"

// seeds is the seed corpus: a valid file and damaged or foreign variants.
func seeds(t testing.TB) map[string][]byte {
	valid, err := Marshal(map[string]any{"kind": "seed", "epoch": 2}, sampleTensors())
	if err != nil {
		t.Fatal(err)
	}
	empty, err := Marshal(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	flip := append([]byte{}, valid...)
	flip[len(flip)-10] ^= 0x55
	return map[string][]byte{
		"valid":          valid,
		"empty_tensors":  empty,
		"truncated_head": valid[:30],
		"truncated_data": valid[:len(valid)-5],
		"flipped_data":   flip,
		"zip":            []byte("PK\x03\x04\x14\x00\x00\x00"),
		"magic_only":     []byte(Magic),
	}
}

// TestFuzzCorpus keeps the committed seed corpus in step with the encoder
// (regenerate with -update) and checks each seed's verdict.
func TestFuzzCorpus(t *testing.T) {
	for name, b := range seeds(t) {
		path := filepath.Join(corpusDir, name)
		enc := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(b)))
		if *update {
			if err := os.MkdirAll(corpusDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(enc), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestFuzzCorpus -update)", err)
		}
		if !bytes.Equal(got, []byte(enc)) {
			t.Errorf("%s is stale: run go test -run TestFuzzCorpus -update", path)
		}
		_, err = Parse(name, b)
		if ok := name == "valid" || name == "empty_tensors"; ok != (err == nil) {
			t.Errorf("seed %s: error %v", name, err)
		}
	}
}

// FuzzParse checks that Parse never panics and that whatever it accepts
// survives a re-encode unchanged.
func FuzzParse(f *testing.F) {
	for _, b := range seeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Parse("fuzz.ckpt", b)
		if err != nil {
			return
		}
		again, err := Marshal(file.Header, file.Tensors)
		if err != nil {
			t.Fatalf("accepted file does not re-encode: %v", err)
		}
		g, err := Parse("again.ckpt", again)
		if err != nil {
			t.Fatalf("re-encoded file does not parse: %v", err)
		}
		var h1, h2 any
		if json.Unmarshal(file.Header, &h1) != nil || json.Unmarshal(g.Header, &h2) != nil {
			t.Fatal("accepted header is not valid JSON")
		}
		if WeightsSHA256(g.Tensors) != WeightsSHA256(file.Tensors) || !reflect.DeepEqual(h1, h2) {
			t.Fatal("re-encode changed the checkpoint")
		}
	})
}
