package models

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzParse: Parse never panics; errors are *ParseError inside the input;
// whatever parses survives every printed form (String, Canonical, JSON) and
// Validate agrees with it. The seed corpus is testdata/fuzz/FuzzParse
// (every line of genotypes.txt plus malformed and unusual inputs).
func FuzzParse(f *testing.F) {
	f.Add(genoSmallRepr)
	f.Fuzz(func(t *testing.T, src string) {
		gf, err := ParseGenoFile(src, ParseOptions{})
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError: %v", err, err)
			}
			checkGenoErrorPos(t, src, pe)
			return
		}
		g := &gf.Genotype
		if err := g.Validate(ParseOptions{}); err != nil {
			t.Fatalf("parsed but Validate fails: %v", err)
		}
		forms := map[string]string{"String": g.String(), "GenoFile.String": gf.String(), "Genotype.Canonical": g.Canonical(), "GenoFile.Canonical": gf.Canonical()}
		for name, v := range map[string]any{"JSON Genotype": g, "JSON GenoFile": gf} {
			data, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			forms[name] = string(data)
		}
		for name, text := range forms {
			back, err := ParseGenoFile(text, ParseOptions{})
			if err != nil {
				t.Fatalf("%s does not parse back: %v\n%s", name, err, text)
			}
			if !back.Equal(g) {
				t.Fatalf("%s round trip:\ngot  %v\nwant %v", name, &back.Genotype, g)
			}
		}
		back, _ := ParseGenoFile(forms["GenoFile.Canonical"], ParseOptions{})
		if back.Name != gf.Name || back.OpSet != gf.OpSet || back.Space != gf.Space {
			t.Fatalf("canonical lost name, op set or space: %q %q %q; want %q %q %q", back.Name, back.OpSet, back.Space, gf.Name, gf.OpSet, gf.Space)
		}
		if back.Comment != gf.Comment && canonicalComment(gf.Comment) == gf.Comment {
			t.Fatalf("canonical comment %q; want %q", back.Comment, gf.Comment)
		}
		back, _ = ParseGenoFile(forms["JSON GenoFile"], ParseOptions{})
		if back.Name != gf.Name || back.OpSet != gf.OpSet || back.Space != gf.Space || back.Comment != gf.Comment {
			t.Fatalf("JSON lost name, op set, space or comment: %+v; want %+v", back, gf)
		}
		var viaJSON Genotype
		if err := json.Unmarshal([]byte(forms["JSON Genotype"]), &viaJSON); err != nil || !viaJSON.Equal(g) {
			t.Fatalf("encoding/json round trip: %v, %v", &viaJSON, err)
		}
	})
}

// canonicalComment is a comment as the canonical form can carry it: lines
// without trailing white space.
func canonicalComment(c string) string {
	lines := strings.Split(c, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.Join(lines, "\n")
}

// checkGenoErrorPos checks that an error points into the input (or just
// past its end).
func checkGenoErrorPos(t *testing.T, src string, pe *ParseError) {
	t.Helper()
	src = strings.TrimPrefix(src, "\ufeff")
	lines := strings.Split(src, "\n")
	if pe.Line < 1 || pe.Line > len(lines) {
		t.Fatalf("%v: line outside the input's %d lines", pe, len(lines))
	}
	if pe.Col < 1 || pe.Col > len(lines[pe.Line-1])+1 {
		t.Fatalf("%v: column outside line %d of length %d", pe, pe.Line, len(lines[pe.Line-1]))
	}
}
