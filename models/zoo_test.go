package models

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// genoWantOpSet is the op set of every zoo entry, per docs/papers.md §2.
var genoWantOpSet = map[string]string{
	"DARTS_V1": "darts", "DARTS_V2": "darts", "PC_DARTS_cifar": "darts", "PC_DARTS_image": "darts",
	"NASNet": "darts", "AmoebaNet": "darts",
	"GDAS_V1": "gdas", "GDAS_F1": "gdas", "GDAS_GF": "gdas", "GDAS_FG": "gdas",
	"SHARPSEPCONV_DARTS": "sharpdarts", "SHARP_DARTS": "sharpdarts", "SHARPER_MAX_W": "sharpdarts",
	"SHARPSEPCONV_DARTS_MAX_W": "sharpdarts", "SHARP_DARTS_MAX_W": "sharpdarts", "SHARPER_SCALAR": "sharpdarts",
}

func TestZooEntries(t *testing.T) {
	var names []string
	for _, e := range Zoo() {
		names = append(names, e.Name)
		if want, ok := genoWantOpSet[e.Name]; !ok || e.OpSet != want {
			t.Errorf("%s: op set %q; want %q", e.Name, e.OpSet, want)
		}
		if e.Source == "" {
			t.Errorf("%s: no source", e.Name)
		}
		if err := e.Genotype.Validate(ParseOptions{}); err != nil {
			t.Errorf("%s: %v", e.Name, err)
		}
	}
	if len(names) != len(genoWantOpSet) {
		t.Errorf("zoo has %d entries %v; want %d", len(names), names, len(genoWantOpSet))
	}
	if !slices.Equal(names, ZooNames()) {
		t.Errorf("ZooNames = %v; want %v", ZooNames(), names)
	}
}

// TestZooMatchesReference: every line of testdata/genotypes.txt (a verbatim
// copy of the reference genotypes.txt (docs/papers.md)) is in the zoo, equal.
func TestZooMatchesReference(t *testing.T) {
	names, text := genoReferenceLines(t)
	if len(names) != 13 {
		t.Fatalf("read %d reference genotypes; want 13", len(names))
	}
	for _, name := range names {
		gf, err := ParseGenoFile(name+" = "+text[name], ParseOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		e, ok := LookupZoo(name)
		if !ok {
			t.Errorf("%s: not in the zoo", name)
			continue
		}
		if gf.Name != name || e.Name != name || !e.Genotype.Equal(&gf.Genotype) {
			t.Errorf("%s: zoo %v\nreference %v", name, e.Genotype, &gf.Genotype)
		}
	}
}

// genoPapersCells reads testdata/papers_genotypes.txt, the N:/R: listings of
// docs/papers.md §2, with a reader of its own: "NAME N: (op,i) (op,i) | ...".
func genoPapersCells(t *testing.T) map[string]map[string][]Pair {
	t.Helper()
	f, err := os.Open("testdata/papers_genotypes.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cells := map[string]map[string][]Pair{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		fields := strings.SplitN(line, " ", 3)
		name, cell, list := fields[0], strings.TrimSuffix(fields[1], ":"), fields[2]
		list = strings.NewReplacer(" ", "", "|", "").Replace(list)
		list = strings.TrimSuffix(strings.TrimPrefix(list, "("), ")")
		var pairs []Pair
		for _, p := range strings.Split(list, ")(") {
			op, idx, _ := strings.Cut(p, ",")
			i, err := strconv.Atoi(idx)
			if err != nil {
				t.Fatalf("papers_genotypes.txt: %q: %v", line, err)
			}
			pairs = append(pairs, Pair{op, i})
		}
		if cells[name] == nil {
			cells[name] = map[string][]Pair{}
		}
		cells[name][cell] = pairs
	}
	return cells
}

// TestZooMatchesPapers compares every zoo entry docs/papers.md lists with that
// listing, including SHARPER_SCALAR, GDAS_GF and GDAS_FG, which
// genotypes.txt lacks.
func TestZooMatchesPapers(t *testing.T) {
	cells := genoPapersCells(t)
	// GDAS_GF and GDAS_FG are described in words in docs/papers.md.
	cells["GDAS_GF"] = map[string][]Pair{"N": cells["GDAS_V1"]["N"]}
	cells["GDAS_FG"] = map[string][]Pair{"N": cells["GDAS_F1"]["N"], "R": cells["GDAS_V1"]["R"]}
	checked := 0
	for _, e := range Zoo() {
		c, ok := cells[e.Name]
		if !ok {
			continue // NASNet, AmoebaNet: spot-checked below
		}
		checked++
		if !slices.Equal(e.Genotype.Normal, c["N"]) {
			t.Errorf("%s normal:\nzoo    %v\npapers %v", e.Name, e.Genotype.Normal, c["N"])
		}
		if c["R"] == nil && e.Genotype.Reduce != nil || !slices.Equal(e.Genotype.Reduce, c["R"]) {
			t.Errorf("%s reduce:\nzoo    %v\npapers %v", e.Name, e.Genotype.Reduce, c["R"])
		}
		want := []int{2, 3, 4, 5}
		if !slices.Equal(e.Genotype.NormalConcat, want) || !slices.Equal(e.Genotype.ReduceConcat, want) {
			t.Errorf("%s concat %v %v; want [2 3 4 5]", e.Name, e.Genotype.NormalConcat, e.Genotype.ReduceConcat)
		}
	}
	if checked != 14 {
		t.Errorf("checked %d zoo entries against docs/papers.md; want 14 (all but NASNet and AmoebaNet)", checked)
	}
}

// TestZooSpotChecks reads single facts off docs/papers.md §2 by hand.
func TestZooSpotChecks(t *testing.T) {
	get := func(name string) *Genotype {
		e, ok := LookupZoo(name)
		if !ok {
			t.Fatalf("%s not in the zoo", name)
		}
		return e.Genotype
	}
	if p := get("DARTS_V2").Normal[7]; p != (Pair{"dil_conv_3x3", 2}) {
		t.Errorf("DARTS_V2 normal[7] = %v", p)
	}
	if p := get("DARTS_V1").Reduce[7]; p != (Pair{"avg_pool_3x3", 0}) {
		t.Errorf("DARTS_V1 reduce[7] = %v", p)
	}
	if g := get("GDAS_F1"); g.Reduce != nil {
		t.Errorf("GDAS_F1 reduce = %v; want nil", g.Reduce)
	}
	if g := get("GDAS_GF"); g.Reduce != nil || g.Normal[7] != (Pair{"sep_conv_3x3", 3}) {
		t.Errorf("GDAS_GF = %v", g)
	}
	if g := get("GDAS_FG"); g.Reduce[4] != (Pair{"dil_conv_5x5", 2}) || g.Normal[3] != (Pair{"sep_conv_3x3", 2}) {
		t.Errorf("GDAS_FG = %v", g)
	}
	nas := get("NASNet")
	if len(nas.Normal) != 10 || len(nas.Reduce) != 10 || !slices.Equal(nas.NormalConcat, []int{2, 3, 4, 5, 6}) || !slices.Equal(nas.ReduceConcat, []int{4, 5, 6}) {
		t.Errorf("NASNet = %v", nas)
	}
	amoeba := get("AmoebaNet")
	if !slices.Equal(amoeba.NormalConcat, []int{4, 5, 6}) || !slices.Equal(amoeba.ReduceConcat, []int{3, 4, 6}) || amoeba.Reduce[8] != (Pair{"conv_7x1_1x7", 0}) {
		t.Errorf("AmoebaNet = %v", amoeba)
	}
	if p := get("SHARPER_SCALAR").Normal[7]; p != (Pair{"dil_conv_3x3", 4}) {
		t.Errorf("SHARPER_SCALAR normal[7] = %v", p)
	}
	if p := get("SHARP_DARTS_MAX_W").Reduce[2]; p != (Pair{"dil_choke_conv_3x3", 0}) {
		t.Errorf("SHARP_DARTS_MAX_W reduce[2] = %v", p)
	}
}

func TestLookupZoo(t *testing.T) {
	tests := []struct{ arg, want string }{
		{"DARTS_V2", "DARTS_V2"},
		{"darts_v2", "DARTS_V2"},
		{" Pc_Darts_Cifar ", "PC_DARTS_cifar"},
		{"DARTS", "DARTS_V2"},
		{"pcdarts", "PC_DARTS_cifar"},
		{"gdas_fg", "GDAS_FG"},
		{"DARTS_V3", ""},
		{"", ""},
	}
	for _, tc := range tests {
		e, ok := LookupZoo(tc.arg)
		if ok != (tc.want != "") || e.Name != tc.want {
			t.Errorf("LookupZoo(%q) = %q, %v; want %q", tc.arg, e.Name, ok, tc.want)
		}
	}
	// Entries are copies.
	e, _ := LookupZoo("DARTS_V2")
	e.Genotype.Normal[0].Op = "changed"
	Zoo()[1].Genotype.Reduce[0].Op = "changed"
	if again, _ := LookupZoo("DARTS_V2"); again.Genotype.Normal[0].Op != "sep_conv_3x3" || again.Genotype.Reduce[0].Op != "max_pool_3x3" {
		t.Error("changing a returned genotype changed the zoo")
	}
}

// TestZooOpsInOpSet checks that every op of an entry is known by the op set
// the entry names.
func TestZooOpsInOpSet(t *testing.T) {
	for _, e := range Zoo() {
		set, err := LookupOpSet(e.OpSet)
		if err != nil {
			t.Errorf("%s: %v", e.Name, err)
			continue
		}
		if err := e.Genotype.Validate(ParseOptions{KnownOp: set.Has, OpNames: set.OpNames()}); err != nil {
			t.Errorf("%s in op set %s: %v", e.Name, e.OpSet, err)
		}
	}
}

func TestParseZooErrors(t *testing.T) {
	const g = "Genotype(normal=[('a', 0), ('b', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])"
	tests := []struct{ text, msg string }{
		{"darts X = " + g, "zoo.txt:1: entry X has no source line"},
		{"source s\ndarts " + g, "zoo.txt:2: want OPSET NAME = Genotype(...)"},
		{"source s\ndarts X = " + g + "\ndarts x = " + g, "zoo.txt:3: name x defined twice"},
		{"source s\nalias Y = X", "zoo.txt:2: want alias NAME = TARGET"},
		{"source s\ndarts X = " + g + "\nalias x = X", "zoo.txt:3: name x defined twice"},
		{"source s\nda-rts X = " + g, `zoo.txt:2: bad op set "da-rts"`},
		{"source s\n\n# c\ndarts X = Genotype(normal=[])", "zoo.txt:4: genotype:1:"},
	}
	for _, tc := range tests {
		if _, err := parseZoo(tc.text); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("parseZoo(%q) = %v; want %s", tc.text, err, tc.msg)
		}
	}
}
