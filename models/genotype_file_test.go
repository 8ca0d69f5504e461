package models

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReadGenoFile(t *testing.T) {
	e, _ := LookupZoo("GDAS_F1")
	want := e.GenoFile()
	want.Comment = "made by a test\nseed 1"
	dir := t.TempDir()
	for _, name := range []string{"a.geno", "a.json", "A.JSON", "noext"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := WriteGenoFile(path, want); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			isJSON := strings.HasSuffix(strings.ToLower(name), ".json")
			if isJSON != strings.HasPrefix(string(data), "{") {
				t.Errorf("%s holds %.20q...", name, data)
			}
			got, err := ReadGenoFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(&want.Genotype) || got.Name != want.Name || got.OpSet != want.OpSet || got.Comment != want.Comment {
				t.Errorf("read back %+v; want %+v", got, want)
			}
			// Overwriting works too.
			if err := WriteGenoFile(path, want); err != nil {
				t.Fatal(err)
			}
		})
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v; want the 4 files and no temporaries", names)
	}
}

func TestWriteGenoFileErrors(t *testing.T) {
	dir := t.TempDir()
	good, _ := LookupZoo("DARTS_V2")
	bad := good.GenoFile()
	bad.Normal[7].Input = 9
	tests := []struct {
		name string
		path string
		gf   *GenoFile
		msg  string
	}{
		{"invalid genotype", filepath.Join(dir, "x.geno"), bad, "normal[7]: input index 9 out of range"},
		{"bad name", filepath.Join(dir, "x.geno"), &GenoFile{Name: "a b", Genotype: *good.Genotype}, `name "a b"`},
		{"bad op set", filepath.Join(dir, "x.geno"), &GenoFile{OpSet: "1x", Genotype: *good.Genotype}, `op_set "1x"`},
		{"missing directory", filepath.Join(dir, "no", "x.geno"), good.GenoFile(), "no such file or directory"},
	}
	for _, tc := range tests {
		err := WriteGenoFile(tc.path, tc.gf)
		if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), tc.path) {
			t.Errorf("%s: err = %v; want the path and %q", tc.name, err, tc.msg)
		}
		if _, serr := os.Stat(tc.path); serr == nil {
			t.Errorf("%s: file written despite the error", tc.name)
		}
	}
}

func TestReadGenoFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, path, msg string
	}{
		{"missing", filepath.Join(dir, "none.geno"), "no such file"},
		{"truncated", write("t.geno", "# gonas genotype\nnormal: sep_conv_3x3 0, sep_conv_3x3 1\nnormal_conc"), `genotype:3:1: unknown key "normal_conc"`},
		{"binary", write("b.geno", "\x00\x01\x02"), "genotype:1:1: unexpected character"},
		{"huge", write("h.geno", strings.Repeat(" ", DefaultMaxGenotypeBytes+1)), "larger than"},
	}
	for _, tc := range tests {
		_, err := ReadGenoFile(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), tc.path) {
			t.Errorf("%s: err = %v; want the path and %q", tc.name, err, tc.msg)
		}
	}
}
