package models

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// genoReferenceLines reads testdata/genotypes.txt (a verbatim copy of
// the reference genotypes.txt (docs/papers.md)): name -> the text right of " = ".
func genoReferenceLines(t *testing.T) (names []string, text map[string]string) {
	t.Helper()
	f, err := os.Open("testdata/genotypes.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	text = map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, rhs, ok := strings.Cut(line, " = ")
		if !ok {
			t.Fatalf("testdata/genotypes.txt: bad line %q", line)
		}
		names = append(names, name)
		text[name] = rhs
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return names, text
}

// TestStringMatchesReference checks String against the reference code's
// own printing. The reference spells a contiguous concat either way; String
// prints range(a, b), so lists that are contiguous runs are rewritten by hand.
func TestStringMatchesReference(t *testing.T) {
	contiguous := strings.NewReplacer(
		"=[2, 3, 4, 5]", "=range(2, 6)",
		"=[2, 3, 4, 5, 6]", "=range(2, 7)",
		"=[4, 5, 6]", "=range(4, 7)",
	)
	names, text := genoReferenceLines(t)
	for _, name := range names {
		g, err := Parse(text[name], ParseOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, want := g.String(), contiguous.Replace(text[name]); got != want {
			t.Errorf("%s:\ngot  %s\nwant %s", name, got, want)
		}
	}
}

func TestStringConcat(t *testing.T) {
	tests := []struct {
		concat []int
		want   string
	}{
		{[]int{2, 3, 4, 5}, "range(2, 6)"},
		{[]int{0, 1}, "range(0, 2)"},
		{[]int{5}, "[5]"},
		{[]int{3, 4, 6}, "[3, 4, 6]"},
		{[]int{3, 2}, "[3, 2]"},
		{nil, "[]"},
	}
	for _, tc := range tests {
		g := &Genotype{Normal: []Pair{{"x", 0}}, NormalConcat: tc.concat, ReduceConcat: []int{2}}
		want := "Genotype(normal=[('x', 0)], normal_concat=" + tc.want + ", reduce=None, reduce_concat=[2])"
		if got := g.String(); got != want {
			t.Errorf("concat %v:\ngot  %s\nwant %s", tc.concat, got, want)
		}
	}
	named := &GenoFile{Name: "N", Genotype: Genotype{Normal: []Pair{{"x", 0}}, NormalConcat: []int{2}, ReduceConcat: []int{2}}}
	if got, want := named.String(), "N = Genotype(normal=[('x', 0)], normal_concat=[2], reduce=None, reduce_concat=[2])"; got != want {
		t.Errorf("GenoFile.String = %q; want %q", got, want)
	}
	if got := (*Genotype)(nil).String(); got != "<nil>" {
		t.Errorf("nil String = %q", got)
	}
	odd := &Genotype{Normal: []Pair{{`it's`, 0}, {`a\b`, 1}}}
	if got, want := odd.String(), `Genotype(normal=[("it's", 0), ('a\\b', 1)], normal_concat=[], reduce=None, reduce_concat=[])`; got != want {
		t.Errorf("quoting:\ngot  %s\nwant %s", got, want)
	}
}

// TestCanonical compares with text written by hand from docs/papers.md §2.
func TestCanonical(t *testing.T) {
	_, text := genoReferenceLines(t)
	tests := []struct {
		name string
		gf   func(g *Genotype) *GenoFile
		want string
	}{
		{"DARTS_V2", func(g *Genotype) *GenoFile { return &GenoFile{Genotype: *g} }, `# gonas genotype
normal: sep_conv_3x3 0, sep_conv_3x3 1 | sep_conv_3x3 0, sep_conv_3x3 1 | sep_conv_3x3 1, skip_connect 0 | skip_connect 0, dil_conv_3x3 2
normal_concat: 2 3 4 5
reduce: max_pool_3x3 0, max_pool_3x3 1 | skip_connect 2, max_pool_3x3 1 | max_pool_3x3 0, skip_connect 2 | skip_connect 2, max_pool_3x3 1
reduce_concat: 2 3 4 5
`},
		{"GDAS_F1", func(g *Genotype) *GenoFile {
			return &GenoFile{Name: "GDAS_F1", OpSet: "gdas", Comment: "GDAS (FRC)\n\nfixed reduction cell", Genotype: *g}
		}, `# gonas genotype
# GDAS (FRC)
#
# fixed reduction cell
name: GDAS_F1
op_set: gdas
normal: skip_connect 0, skip_connect 1 | skip_connect 0, sep_conv_3x3 2 | skip_connect 0, sep_conv_3x3 2 | skip_connect 0, sep_conv_3x3 2
normal_concat: 2 3 4 5
reduce: none
reduce_concat: 2 3 4 5
`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := Parse(text[tc.name], ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			gf := tc.gf(g)
			got := gf.Canonical()
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
			back, err := ParseGenoFile(got, ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !back.Equal(g) || back.Name != gf.Name || back.OpSet != gf.OpSet || back.Comment != gf.Comment {
				t.Errorf("round trip: got %+v; want %+v", back, gf)
			}
		})
	}
	if g := (&GenoFile{Genotype: genoSmall}); g.Genotype.Canonical() != g.Canonical() {
		t.Error("Genotype.Canonical differs from GenoFile.Canonical without name and op set")
	}
}

func TestJSON(t *testing.T) {
	_, text := genoReferenceLines(t)
	g, err := Parse(text["GDAS_F1"], ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"reduce":null`) || !strings.HasPrefix(string(data), `{"normal":[{"op":"skip_connect","input":0},`) {
		t.Errorf("JSON = %s; want pairs as objects and reduce null", data)
	}
	var back Genotype
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Reduce != nil || !back.Equal(g) {
		t.Errorf("encoding/json round trip: %v", &back)
	}
	parsed, err := Parse(string(data), ParseOptions{})
	if err != nil || parsed.Reduce != nil || !parsed.Equal(g) {
		t.Errorf("Parse(JSON) = %v, %v", parsed, err)
	}
	gf := &GenoFile{Name: "GDAS_F1", OpSet: "gdas", Genotype: *g}
	data, err = json.Marshal(gf)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), `{"name":"GDAS_F1","op_set":"gdas","normal":[`) {
		t.Errorf("GenoFile JSON = %s", data)
	}
	back2, err := ParseGenoFile(string(data), ParseOptions{})
	if err != nil || back2.Name != "GDAS_F1" || back2.OpSet != "gdas" || !back2.Equal(g) {
		t.Errorf("ParseGenoFile(JSON) = %+v, %v", back2, err)
	}
}

func TestEqualAndClone(t *testing.T) {
	tests := []struct {
		name  string
		other Genotype
		equal bool
	}{
		{"same", genoSmallWith(func(*Genotype) {}), true},
		{"op", genoSmallWith(func(g *Genotype) { g.Reduce[2].Op = "z" }), false},
		{"input", genoSmallWith(func(g *Genotype) { g.Normal[0].Input = 1 }), false},
		{"pair order", genoSmallWith(func(g *Genotype) { g.Normal[0], g.Normal[1] = g.Normal[1], g.Normal[0] }), false},
		{"concat order", genoSmallWith(func(g *Genotype) { g.NormalConcat = []int{3, 2} }), false},
		{"reduce concat", genoSmallWith(func(g *Genotype) { g.ReduceConcat = []int{2} }), false},
		{"reduce nil", genoSmallWith(func(g *Genotype) { g.Reduce = nil }), false},
		{"fewer pairs", genoSmallWith(func(g *Genotype) { g.Normal = g.Normal[:2] }), false},
	}
	for _, tc := range tests {
		if got := genoSmall.Equal(&tc.other); got != tc.equal {
			t.Errorf("%s: Equal = %v", tc.name, got)
		}
		if got := tc.other.Equal(&genoSmall); got != tc.equal {
			t.Errorf("%s: Equal (swapped) = %v", tc.name, got)
		}
	}
	nilReduce := &Genotype{Normal: []Pair{{"a", 0}}}
	if !nilReduce.Equal(&Genotype{Normal: []Pair{{"a", 0}}}) || nilReduce.Equal(&Genotype{Normal: []Pair{{"a", 0}}, Reduce: []Pair{}}) {
		t.Error("reduce nil vs empty")
	}
	var a, b *Genotype
	if !a.Equal(b) || a.Equal(&genoSmall) || genoSmall.Equal(nil) {
		t.Error("nil handling")
	}
	c := genoSmall.Clone()
	if !c.Equal(&genoSmall) {
		t.Fatal("clone differs")
	}
	c.Normal[0].Op, c.NormalConcat[0], c.Reduce[0].Input = "zz", 9, 0
	if genoSmall.Normal[0].Op != "a" || genoSmall.NormalConcat[0] != 2 || genoSmall.Reduce[0].Input != 1 {
		t.Error("clone shares memory with the original")
	}
	if nilReduce.Clone().Reduce != nil || (*Genotype)(nil).Clone() != nil {
		t.Error("clone of nil reduce or nil genotype")
	}
}
