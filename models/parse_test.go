package models

import (
	"strings"
	"testing"
)

// genoSmall is the 2-node genotype most acceptance cases spell.
var genoSmall = Genotype{
	Normal:       []Pair{{"a", 0}, {"b", 1}, {"c", 0}, {"d", 2}},
	NormalConcat: []int{2, 3},
	Reduce:       []Pair{{"e", 1}, {"f", 0}, {"g", 2}, {"h", 1}},
	ReduceConcat: []int{2, 3},
}

func genoSmallWith(edit func(g *Genotype)) Genotype {
	g := *genoSmall.Clone()
	edit(&g)
	return g
}

const genoSmallRepr = `Genotype(normal=[('a', 0), ('b', 1), ('c', 0), ('d', 2)], normal_concat=[2, 3], reduce=[('e', 1), ('f', 0), ('g', 2), ('h', 1)], reduce_concat=[2, 3])`

// TestParseAccepts checks every syntax variant the brief and the reference
// code's printers produce against a hand-written expected genotype.
func TestParseAccepts(t *testing.T) {
	noReduce := genoSmallWith(func(g *Genotype) { g.Reduce = nil })
	range4 := genoSmallWith(func(g *Genotype) { g.NormalConcat = []int{0, 1, 2, 3} })
	tests := []struct {
		name, src   string
		want        Genotype
		wName, wSet string
	}{
		{"reference style", genoSmallRepr, genoSmall, "", ""},
		{"double quotes", `Genotype(normal=[("a", 0), ("b", 1), ("c", 0), ("d", 2)], normal_concat=[2, 3], reduce=[("e", 1), ("f", 0), ("g", 2), ("h", 1)], reduce_concat=[2, 3])`, genoSmall, "", ""},
		{"tuples and ranges", `Genotype(normal=(('a', 0), ('b', 1), ('c', 0), ('d', 2)), normal_concat=range(2, 4), reduce=(('e', 1), ('f', 0), ('g', 2), ('h', 1)), reduce_concat=(2, 3))`, genoSmall, "", ""},
		{"lists as pairs", `Genotype(normal=[['a', 0], ['b', 1], ['c', 0], ['d', 2]], normal_concat=[2, 3], reduce=[['e', 1], ['f', 0], ['g', 2], ['h', 1]], reduce_concat=[2, 3])`, genoSmall, "", ""},
		{"range with one argument", `Genotype(normal=[('a', 0), ('b', 1), ('c', 0), ('d', 2)], normal_concat=range(4), reduce=[('e', 1), ('f', 0), ('g', 2), ('h', 1)], reduce_concat=range(2,4))`, range4, "", ""},
		{"name prefix", `SMALL = ` + genoSmallRepr, genoSmall, "SMALL", ""},
		{"name prefix that is a field name", `normal = ` + genoSmallRepr, genoSmall, "normal", ""},
		{"dotted callee and semicolon", `g = genotypes.Genotype` + strings.TrimPrefix(genoSmallRepr, "Genotype") + ";", genoSmall, "g", ""},
		{"no wrapper", `normal=[('a', 0), ('b', 1), ('c', 0), ('d', 2)], normal_concat=[2, 3], reduce=[('e', 1), ('f', 0), ('g', 2), ('h', 1)], reduce_concat=[2, 3]`, genoSmall, "", ""},
		{"keywords in any order", `Genotype(reduce_concat=[2, 3], reduce=[('e', 1), ('f', 0), ('g', 2), ('h', 1)], normal_concat=[2, 3], normal=[('a', 0), ('b', 1), ('c', 0), ('d', 2)])`, genoSmall, "", ""},
		{"positional", `Genotype([('a', 0), ('b', 1), ('c', 0), ('d', 2)], [2, 3], [('e', 1), ('f', 0), ('g', 2), ('h', 1)], [2, 3])`, genoSmall, "", ""},
		{"positional then keyword", `Genotype([('a', 0), ('b', 1), ('c', 0), ('d', 2)], [2, 3], reduce_concat=[2, 3], reduce=[('e', 1), ('f', 0), ('g', 2), ('h', 1)])`, genoSmall, "", ""},
		{"trailing commas", `Genotype(normal=[('a', 0,), ('b', 1), ('c', 0), ('d', 2),], normal_concat=[2, 3,], reduce=[('e', 1), ('f', 0), ('g', 2), ('h', 1)], reduce_concat=range(2, 4,),)`, genoSmall, "", ""},
		{"newlines and comments", "# from a log\nX = Genotype(\n  normal=[\n    ('a', 0), ('b', 1),  # node 0\n    ('c', 0), ('d', 2),\n  ],\n\tnormal_concat=[2, 3],\r\n  reduce=[('e', 1), ('f', 0), ('g', 2), ('h', 1)],\n  reduce_concat=[2, 3],\n)\n", genoSmall, "X", ""},
		{"GDAS 3-tuples with weights", `Genotype(normal=[('a', 0, 0.5), ('b', 1, 1e-05), ('c', 0, -0.25), ('d', 2, 1)], normal_concat=[2, 3], reduce=[('e', 1, nan), ('f', 0, inf,), ('g', 2, 3.), ('h', 1, .5)], reduce_concat=[2, 3])`, genoSmall, "", ""},
		{"sharpDARTS layout keyword", strings.TrimSuffix(genoSmallRepr, ")") + `, layout='cell')`, genoSmall, "", ""},
		{"sharpDARTS layout positional", `Genotype([('a', 0), ('b', 1), ('c', 0), ('d', 2)], [2, 3], [('e', 1), ('f', 0), ('g', 2), ('h', 1)], [2, 3], 'cell')`, genoSmall, "", ""},
		{"Python 2 unicode strings", `Genotype(normal=[(u'a', 0), (u'b', 1), (U"c", 0), (u'd', 2)], normal_concat=[2, 3], reduce=[('e', 1), ('f', 0), ('g', 2), ('h', 1)], reduce_concat=[2, 3])`, genoSmall, "", ""},
		{"AutoDL node groups", `Genotype(normal=[(('a', 0), ('b', 1)), (('c', 0), ('d', 2))], normal_concat=[2, 3], reduce=[(('e', 1), ('f', 0)), [('g', 2), ('h', 1)]], reduce_concat=[2, 3], connectN=None, connects=None)`, genoSmall, "", ""},
		{"reduce None", `Genotype(normal=[('a', 0), ('b', 1), ('c', 0), ('d', 2)], normal_concat=[2, 3], reduce=None, reduce_concat=[2, 3])`, noReduce, "", ""},
		{"byte order mark", "\ufeff" + genoSmallRepr, genoSmall, "", ""},

		{"JSON objects", `{"normal": [{"op": "a", "input": 0}, {"op": "b", "input": 1}, {"input": 0, "op": "c"}, {"op": "d", "input": 2}], "normal_concat": [2, 3], "reduce": [{"op": "e", "input": 1}, {"op": "f", "input": 0}, {"op": "g", "input": 2}, {"op": "h", "input": 1}], "reduce_concat": [2, 3]}`, genoSmall, "", ""},
		{"JSON arrays, null reduce, name and op set", "  \n{\"name\": \"S\", \"op_set\": \"darts\", \"comment\": \"c\", \"normal\": [[\"a\", 0], [\"b\", 1], [\"c\", 0], [\"d\", 2]],\n \"normal_concat\": [2, 3], \"reduce\": null, \"reduce_concat\": [2, 3]}\n", noReduce, "S", "darts"},

		{"canonical", "# gonas genotype\nnormal: a 0, b 1 | c 0, d 2\nnormal_concat: 2 3\nreduce: e 1, f 0 | g 2, h 1\nreduce_concat: 2 3\n", genoSmall, "", ""},
		{"canonical, keys in any order, comments, commas", "\n# hello\nreduce_concat: 2, 3 # trailing\nop_set: gdas\nreduce: none\n\nname: S\nnormal: a 0,b 1|c 0 , d 2\nnormal_concat:2 3", noReduce, "S", "gdas"},
		{"canonical op named none", "normal: none 0, b 1 | c 0, d 2\nnormal_concat: 2 3\nreduce: none 1, f 0 | g 2, h 1\nreduce_concat: 2 3\n",
			genoSmallWith(func(g *Genotype) { g.Normal[0].Op = "none"; g.Reduce[0].Op = "none" }), "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gf, err := ParseGenoFile(tc.src, ParseOptions{})
			if err != nil {
				t.Fatalf("ParseGenoFile: %v", err)
			}
			if !gf.Equal(&tc.want) {
				t.Errorf("got  %v\nwant %v", &gf.Genotype, &tc.want)
			}
			if gf.Name != tc.wName || gf.OpSet != tc.wSet {
				t.Errorf("name, op set = %q, %q; want %q, %q", gf.Name, gf.OpSet, tc.wName, tc.wSet)
			}
			g, err := Parse(tc.src, ParseOptions{})
			if err != nil || !g.Equal(&tc.want) {
				t.Errorf("Parse = %v, %v; want the same as ParseGenoFile", g, err)
			}
		})
	}
}

func TestParseKnownOps(t *testing.T) {
	known := map[string]bool{"a": true, "b": true, "c": true, "d": true, "e": true, "f": true, "g": true, "h": true}
	opt := ParseOptions{KnownOp: func(op string) bool { return known[op] }}
	if _, err := Parse(genoSmallRepr, opt); err != nil {
		t.Fatalf("all ops known: %v", err)
	}
	delete(known, "g")
	_, err := Parse(genoSmallRepr, opt)
	if err == nil || !strings.Contains(err.Error(), `unknown op "g"`) {
		t.Fatalf("err = %v; want unknown op \"g\"", err)
	}
	if _, err := Parse(genoSmallRepr, ParseOptions{MaxBytes: len(genoSmallRepr)}); err != nil {
		t.Errorf("input exactly at MaxBytes: %v", err)
	}
}

func TestParseCommentsOfCanonical(t *testing.T) {
	src := "# gonas genotype\n# made by: gonas search\n#\n#   seed 7\nname: X\n# not part of the comment\nnormal: a 0, b 1 | c 0, d 2\nnormal_concat: 2 3\nreduce: none\nreduce_concat: 2 3\n"
	gf, err := ParseGenoFile(src, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "made by: gonas search\n\n  seed 7"; gf.Comment != want {
		t.Errorf("comment = %q; want %q", gf.Comment, want)
	}
}
