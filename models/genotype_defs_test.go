package models

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenotypeCollection: FILE:NAME picks one definition of a
// genotypes.py-style file (multi-line definitions, aliases, Python lines
// around them); the picked genotypes equal the zoo's, parsed from zoo.txt.
func TestGenotypeCollection(t *testing.T) {
	const file = "testdata/genotypes_py.txt"
	for _, tc := range []struct{ name, zoo string }{
		{"DARTS_V2", "DARTS_V2"}, {"DARTS_V1", "DARTS_V1"}, {"NASNet", "NASNet"}, {"DARTS", "DARTS_V2"},
	} {
		gf, err := GenotypeFromArg(file + ":" + tc.name)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		z, ok := LookupZoo(tc.zoo)
		if !ok {
			t.Fatalf("zoo has no %s", tc.zoo)
		}
		if !gf.Genotype.Equal(&z.GenoFile().Genotype) || gf.Name != tc.name {
			t.Errorf("%s: got %q %s, want the zoo's %s", tc.name, gf.Name, gf.Canonical(), tc.zoo)
		}
	}
}

// TestGenotypeCollectionErrors: the messages name the file, the entry, the
// known names and, for a bad entry, its line and column in the file.
func TestGenotypeCollectionErrors(t *testing.T) {
	const file = "testdata/genotypes_py.txt"
	dir := t.TempDir()
	one := filepath.Join(dir, "one.py")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var v2 string
	for _, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, "DARTS_V2 = ") {
			v2 = l
		}
	}
	if err := os.WriteFile(one, []byte("from collections import namedtuple\n"+v2+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gf, err := GenotypeFromArg(one)
	if err != nil || gf.Name != "DARTS_V2" {
		t.Fatalf("a file with one definition: %v, %+v", err, gf)
	}
	empty := filepath.Join(dir, "empty.py")
	if err := os.WriteFile(empty, []byte("X = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	loops := filepath.Join(dir, "loops.py")
	loopSrc := v2 + "\nLOOP = LOOP2\nLOOP2 = LOOP\nSELF = SELF\nOPEN = Genotype(normal=[('sep_conv_3x3', 0),\n  ('skip_connect', 1)],\n"
	if err := os.WriteFile(loops, []byte(loopSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ arg, want string }{
		{file, "defines 5 genotypes (NASNet, DARTS_V1, DARTS_V2, BROKEN, DARTS); pick one with " + file + ":NAME"},
		{file + ":NOPE", `no genotype "NOPE" (the file defines NASNet, DARTS_V1, DARTS_V2, BROKEN, DARTS)`},
		{file + ":BROKEN", file + ":BROKEN: genotype:30:84: normal_concat"},
		{empty + ":X", "no NAME = Genotype(...) definitions"},
		{loops + ":LOOP", "alias cycle LOOP = LOOP2 = LOOP: no genotype at its end"},
		{loops + ":SELF", "alias cycle SELF = SELF"},
		{loops + ":OPEN", "genotype:5:8: OPEN = Genotype( is never closed"},
	} {
		_, err := GenotypeFromArg(tc.arg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.arg, err, tc.want)
		}
	}
}

// TestScanGenotypeDefs: positions, unclosed definitions and quoted
// parentheses.
func TestScanGenotypeDefs(t *testing.T) {
	src := "A = Genotype(normal=[('x)', 0)])\n  B=Genotype(\n)\nC = Genotype(normal=[\nD = A\n"
	defs, aliases := scanGenotypeDefs(src)
	if len(defs) != 2 || defs[0].name != "A" || defs[0].text != "Genotype(normal=[('x)', 0)])" || defs[0].line != 1 || defs[0].col != 5 ||
		defs[1].name != "B" || defs[1].line != 2 || defs[1].col != 5 {
		t.Errorf("defs %+v", defs)
	}
	if aliases["D"] != "A" || len(aliases) != 1 {
		t.Errorf("aliases %v", aliases)
	}
}

// FuzzGenotypeDefs: scanning any text never panics, every definition is a
// balanced Genotype(...) call at the position recorded, and parsing one
// either fails or gives a valid genotype.
func FuzzGenotypeDefs(f *testing.F) {
	if src, err := os.ReadFile("testdata/genotypes_py.txt"); err == nil {
		f.Add(string(src))
	}
	f.Add("A = Genotype(normal=[('x)', 0)])\nB = A\n")
	f.Fuzz(func(t *testing.T, src string) {
		defs, _ := scanGenotypeDefs(src)
		lines := strings.Split(src, "\n")
		for _, d := range defs {
			if !strings.HasPrefix(d.text, "Genotype") || !strings.HasSuffix(d.text, ")") {
				t.Fatalf("definition %q", d.text)
			}
			if d.line < 1 || d.line > len(lines) || !strings.HasPrefix(lines[d.line-1][d.col-1:], "Genotype") {
				t.Fatalf("definition %s at %d:%d does not start there", d.name, d.line, d.col)
			}
			if gf, err := parseDef(d); err == nil {
				if verr := gf.Validate(ParseOptions{}); verr != nil {
					t.Fatalf("parsed %s but invalid: %v", d.name, verr)
				}
			}
		}
	})
}
