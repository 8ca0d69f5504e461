package derive

import (
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gonas/models"
)

// dotEdge matches the labelled op edges CellDOT writes.
var dotEdge = regexp.MustCompile(`"([^"]+)" -> "([^"]+)" \[label="([^"]+)"`)

// wantEdges lists a cell's op edges as "from -> to : op", the state names
// of the DARTS figures, from the genotype alone.
func wantEdges(pairs []models.Pair) []string {
	var out []string
	for e, p := range pairs {
		from := map[int]string{0: "c_{k-2}", 1: "c_{k-1}"}[p.Input]
		if p.Input >= 2 {
			from = strconv.Itoa(p.Input - 2)
		}
		out = append(out, from+" -> "+strconv.Itoa(e/2)+" : "+p.Op)
	}
	sort.Strings(out)
	return out
}

func TestCellDOTEdges(t *testing.T) {
	for name, g := range refGenotypes {
		for which, pairs := range map[string][]models.Pair{CellNormal: g.Normal, CellReduce: g.Reduce} {
			if pairs == nil {
				continue
			}
			dot, err := CellDOT(g, which)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range dotEdge.FindAllStringSubmatch(dot, -1) {
				got = append(got, m[1]+" -> "+m[2]+" : "+m[3])
			}
			sort.Strings(got)
			if strings.Join(got, "\n") != strings.Join(wantEdges(pairs), "\n") {
				t.Errorf("%s %s: edges\n%s\nwant\n%s", name, which, strings.Join(got, "\n"), strings.Join(wantEdges(pairs), "\n"))
			}
			if !strings.HasPrefix(dot, `digraph "`+which+`" {`) || !strings.HasSuffix(dot, "}\n") || !strings.Contains(dot, "rankdir=LR") {
				t.Errorf("%s %s: not a left-to-right digraph:\n%s", name, which, dot)
			}
			concat := g.NormalConcat
			if which == CellReduce {
				concat = g.ReduceConcat
			}
			if n := strings.Count(dot, `-> "c_{k}"`); n != len(concat) {
				t.Errorf("%s %s: %d edges into c_{k}, want %d", name, which, n, len(concat))
			}
		}
	}
}

var svgCurve = regexp.MustCompile(`<path d="M[-0-9.]+,[-0-9.]+ C`)

// svgTexts checks that s is well-formed XML with an svg root and returns
// the character data of its <text> elements (tspans included).
func svgTexts(t *testing.T, s string) []string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	var texts []string
	var stack []string
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tk.Name.Local
				if tk.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root namespace %q", tk.Name.Space)
				}
			}
			stack = append(stack, tk.Name.Local)
			if tk.Name.Local == "text" {
				texts = append(texts, "")
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			for _, el := range stack {
				if el == "text" {
					texts[len(texts)-1] += string(tk)
					break
				}
			}
		}
	}
	if root != "svg" || len(stack) != 0 {
		t.Fatalf("root element %q, %d unclosed", root, len(stack))
	}
	return texts
}

func TestCellSVG(t *testing.T) {
	for name, g := range refGenotypes {
		for which, pairs := range map[string][]models.Pair{CellNormal: g.Normal, CellReduce: g.Reduce} {
			if pairs == nil {
				continue
			}
			svg, err := CellSVG(g, which)
			if err != nil {
				t.Fatal(err)
			}
			texts := svgTexts(t, svg)
			count := map[string]int{}
			for _, x := range texts {
				count[x]++
			}
			want := map[string]int{}
			for _, p := range pairs {
				want[p.Op]++
			}
			for op, n := range want {
				if count[op] != n {
					t.Errorf("%s %s: label %s appears %d times, want %d", name, which, op, count[op], n)
				}
			}
			// Nodes: c_{k-2}, c_{k-1}, 0..steps-1, c_{k}.
			for i := 0; i < len(pairs)/2; i++ {
				if count[strconv.Itoa(i)] != 1 {
					t.Errorf("%s %s: node %d drawn %d times", name, which, i, count[strconv.Itoa(i)])
				}
			}
			for _, l := range []string{"ck-2", "ck-1", "ck"} {
				if count[l] != 1 {
					t.Errorf("%s %s: node %s drawn %d times", name, which, l, count[l])
				}
			}
			if n := len(svgCurve.FindAllString(svg, -1)); n != len(pairs)+len(concatOf(g, which)) {
				t.Errorf("%s %s: %d edges drawn, want %d", name, which, n, len(pairs)+len(concatOf(g, which)))
			}
		}
	}
}

func concatOf(g *models.Genotype, which string) []int {
	if which == CellReduce {
		return g.ReduceConcat
	}
	return g.NormalConcat
}

func TestPlotErrors(t *testing.T) {
	f1 := refGenotypes["GDAS_F1"]
	for _, draw := range []func(*models.Genotype, string) (string, error){CellDOT, CellSVG} {
		if _, err := draw(f1, CellReduce); !errors.Is(err, ErrFixedCell) {
			t.Errorf("reduce=None: %v", err)
		}
		if _, err := draw(f1, "middle"); err == nil || !strings.Contains(err.Error(), `unknown cell "middle"`) {
			t.Errorf("bad cell: %v", err)
		}
		if _, err := draw(nil, CellNormal); err == nil {
			t.Error("nil genotype drew")
		}
		bad := f1.Clone()
		bad.Normal[0].Input = 5
		if _, err := draw(bad, CellNormal); err == nil || !strings.Contains(err.Error(), "input 5 out of range") {
			t.Errorf("bad input: %v", err)
		}
		bad = f1.Clone()
		bad.NormalConcat = []int{9}
		if _, err := draw(bad, CellNormal); err == nil || !strings.Contains(err.Error(), "concat index 9") {
			t.Errorf("bad concat: %v", err)
		}
	}
	// Op names are escaped in the SVG.
	g := &models.Genotype{Normal: []models.Pair{{Op: "a<b&c", Input: 0}, {Op: "x", Input: 1}}, NormalConcat: []int{2}}
	svg, err := CellSVG(g, CellNormal)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range svgTexts(t, svg) {
		found = found || x == "a<b&c"
	}
	if !found {
		t.Error("escaped label not found")
	}
}
