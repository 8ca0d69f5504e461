package models

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenotypeFromArg(t *testing.T) {
	dir := t.TempDir()
	darts, _ := LookupZoo("DARTS_V2")
	reprPath := filepath.Join(dir, "g.txt")
	if err := os.WriteFile(reprPath, []byte("MY = "+darts.Genotype.String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	genoPath := filepath.Join(dir, "g.geno")
	if err := WriteGenoFile(genoPath, &GenoFile{Name: "MINE", OpSet: "darts", Genotype: *darts.Genotype}); err != nil {
		t.Fatal(err)
	}
	jsonPath := filepath.Join(dir, "g.json")
	if err := WriteGenoFile(jsonPath, &GenoFile{Genotype: *darts.Genotype}); err != nil {
		t.Fatal(err)
	}
	// A file named like a zoo entry: the zoo wins.
	shadow := filepath.Join(dir, "DARTS_V1")
	if err := os.WriteFile(shadow, []byte(darts.Genotype.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)

	tests := []struct {
		name, arg, wantName, wantSet string
		want                         *Genotype
	}{
		{"zoo", "darts_v2", "DARTS_V2", "darts", darts.Genotype},
		{"zoo alias", "DARTS", "DARTS_V2", "darts", darts.Genotype},
		{"zoo before file", "DARTS_V1", "DARTS_V1", "darts", nil},
		{"repr file", reprPath, "MY", "", darts.Genotype},
		{"geno file", genoPath, "MINE", "darts", darts.Genotype},
		{"json file, relative", "g.json", "", "", darts.Genotype},
		{"repr text", darts.Genotype.String(), "", "", darts.Genotype},
		{"named repr text", "  X = " + darts.Genotype.String() + "\n", "X", "", darts.Genotype},
		{"canonical text", darts.Genotype.Canonical(), "", "", darts.Genotype},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gf, err := GenotypeFromArg(tc.arg)
			if err != nil {
				t.Fatal(err)
			}
			if gf.Name != tc.wantName || gf.OpSet != tc.wantSet {
				t.Errorf("name, op set = %q, %q; want %q, %q", gf.Name, gf.OpSet, tc.wantName, tc.wantSet)
			}
			if tc.want != nil && !gf.Equal(tc.want) {
				t.Errorf("got %v", &gf.Genotype)
			}
		})
	}

	errTests := []struct{ name, arg, msg string }{
		{"empty", "  ", "empty genotype argument"},
		{"unknown name", "DARTS_V3", `genotype "DARTS_V3": not a zoo name (known: DARTS_V1, DARTS_V2,`},
		{"missing file", "nope.geno", "no such file"},
		{"directory", dir, "is a directory"},
		{"bad text", "Genotype(normal=[('a', 0), ('b', 3)], normal_concat=[2], reduce=None, reduce_concat=[2])", "genotype text (not a zoo name or a file): genotype:1:34: input index 3 out of range"},
		{"bad file", writeGenoTemp(t, dir, "bad.geno", "normal: a 0\n"), "bad.geno: genotype:1:9: node 0 of normal has 1 inputs"},
	}
	for _, tc := range errTests {
		t.Run(tc.name, func(t *testing.T) {
			gf, err := GenotypeFromArg(tc.arg)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("GenotypeFromArg(%q) = %v, %v; want error %q", tc.arg, gf, err, tc.msg)
			}
		})
	}
}

func writeGenoTemp(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
