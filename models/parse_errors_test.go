package models

import (
	"errors"
	"strings"
	"testing"
)

// genoOneNode is a valid 1-node genotype; the columns in the comments of
// TestParseErrors count from it:
//
//	Genotype(normal=[('a', 0), ('b', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])
//	col 17 '[', 18 '(', 19 "'a'", 24 '0', 28 '(', 29 "'b'", 34 '1', 36 ']',
//	53 '[' of normal_concat, 54 '2', 65 None, 85 '[' of reduce_concat, 88 ')'.
const genoOneNode = `Genotype(normal=[('a', 0), ('b', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])`

func TestParseErrors(t *testing.T) {
	onlyAB := ParseOptions{KnownOp: func(op string) bool { return op == "a" || op == "b" }, OpNames: []string{"a", "b"}}
	tests := []struct {
		name      string
		src       string
		opt       ParseOptions
		line, col int
		msg       string
	}{
		// Validation, Python repr.
		{"index out of range", `Genotype(normal=[('a', 0), ('b', 2)], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 34, "input index 2 out of range for node 0 (must be 0..1)"},
		{"index out of range, node 1", `Genotype(normal=[('a', 0), ('b', 1), ('c', 0), ('d', 4)], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 54, "input index 4 out of range for node 1 (must be 0..2)"},
		{"negative index", `Genotype(normal=[('a', -1), ('b', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 24, "input index -1 out of range for node 0"},
		{"odd pair count", `Genotype(normal=[('a', 0), ('b', 1), ('c', 0)], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 17, "normal has 3 pairs; want an even number >= 2"},
		{"no pairs", `Genotype(normal=[], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 17, "normal has 0 pairs"},
		{"cells differ in size", `Genotype(normal=[('a', 0), ('b', 1)], normal_concat=[2], reduce=[('a', 0), ('b', 1), ('a', 0), ('b', 1)], reduce_concat=[2])`, ParseOptions{}, 1, 65, "reduce has 4 pairs but normal has 2"},
		{"normal None", `Genotype(normal=None, normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 17, "normal cannot be None"},
		{"concat out of range", `Genotype(normal=[('a', 0), ('b', 1)], normal_concat=[2, 3], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 57, "normal_concat entry 3 out of range (must be 0..2 for 1 nodes)"},
		{"concat duplicate", `Genotype(normal=[('a', 0), ('b', 1)], normal_concat=[2, 2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 57, "duplicate normal_concat entry 2"},
		{"concat empty", `Genotype(normal=[('a', 0), ('b', 1)], normal_concat=[2], reduce=None, reduce_concat=[])`, ParseOptions{}, 1, 85, "reduce_concat is empty"},
		{"concat empty range", `Genotype(normal=[('a', 0), ('b', 1)], normal_concat=range(6, 2), reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 53, "normal_concat is empty"},
		{"concat range out of range", `Genotype(normal=[('a', 0), ('b', 1)], normal_concat=range(2, 6), reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 53, "normal_concat entry 3 out of range"},
		{"unknown op, names listed", `Genotype(normal=[('a', 0), ('sep_conv_9x9', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])`, onlyAB, 1, 29, `unknown op "sep_conv_9x9"; valid ops: a, b`},
		{"unknown op, no list", `Genotype(normal=[('a', 0), ('x', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{KnownOp: func(string) bool { return false }}, 1, 19, `unknown op "a"`},
		{"op name not an identifier", `Genotype(normal=[('a', 0), ('sep conv', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 29, `invalid op name "sep conv"`},
		{"empty op name", `Genotype(normal=[('', 0), ('b', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 19, `invalid op name ""`},
		{"first error in text order", `Genotype(reduce_concat=[9], normal=[('a', 0), ('b', 7)], normal_concat=[2], reduce=None)`, ParseOptions{}, 1, 25, "reduce_concat entry 9 out of range"},

		// Syntax, Python repr.
		{"empty input", "", ParseOptions{}, 1, 1, "expected Genotype(...) or normal=..., found end of input"},
		{"wrong callee", `Foo(normal=[])`, ParseOptions{}, 1, 1, "expected Genotype(...) or normal=..., found identifier Foo"},
		{"positional without wrapper", `[('a', 0)]`, ParseOptions{}, 1, 1, "expected Genotype(...) or normal=..., found '['"},
		{"unclosed call", `Genotype(`, ParseOptions{}, 1, 10, "expected ')' to close Genotype( at 1:9, found end of input"},
		{"missing comma between pairs", `Genotype(normal=[('a', 0) ('b', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 27, "expected ',' or ']' after a pair in the list opened at 1:17, found '('"},
		{"pair closed by wrong bracket", `Genotype(normal=[('a', 0], ('b', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 25, "expected ')' after the input index of the pair opened at 1:18, found ']'"},
		{"op not quoted", `Genotype(normal=[(a, 0), ('b', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 19, "expected the op name as a quoted string, found identifier a"},
		{"comma missing in pair", `Genotype(normal=[('a' 0), ('b', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 23, `expected ',' after the op name "a", found number 0`},
		{"float index", `Genotype(normal=[('a', 1.5), ('b', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 24, "expected the input index (an integer), found number 1.5"},
		{"huge index", `Genotype(normal=[('a', 99999999999999999999), ('b', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 24, "integer 99999999999999999999 out of range"},
		{"unterminated string", `Genotype(normal=[('a, 0), ('b', 1)], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 29, `expected ',' after the op name "a, 0), (", found identifier b`},
		{"unterminated string at end", `Genotype(normal=[('a`, ParseOptions{}, 1, 19, "unterminated string (missing closing ')"},
		{"string across lines", "Genotype(normal=[('a\n', 0)])", ParseOptions{}, 1, 19, "unterminated string"},
		{"bad escape", `Genotype(normal=[('a\q', 0)])`, ParseOptions{}, 1, 21, "unsupported escape sequence"},
		{"unknown field", `Genotype(normal=[('a', 0), ('b', 1)], foo=1)`, ParseOptions{}, 1, 39, `unknown field "foo"; expected one of normal, normal_concat, reduce, reduce_concat, layout`},
		{"duplicate field", `Genotype(normal=[('a', 0), ('b', 1)], normal=[('a', 0), ('b', 1)])`, ParseOptions{}, 1, 39, "normal given twice (first at 1:17)"},
		{"positional after keyword", `Genotype(normal=[('a', 0), ('b', 1)], [2])`, ParseOptions{}, 1, 39, "positional argument follows keyword arguments"},
		{"too many positional", `Genotype([('a', 0), ('b', 1)], [2], None, [2], 'cell', 1)`, ParseOptions{}, 1, 56, "too many positional arguments"},
		{"missing field", `Genotype(normal=[('a', 0), ('b', 1)], normal_concat=[2], reduce=None)`, ParseOptions{}, 1, 9, "missing reduce_concat in Genotype(...)"},
		{"missing field without wrapper", `normal=[('a', 0), ('b', 1)], reduce=None, reduce_concat=[2]`, ParseOptions{}, 1, 60, "missing normal_concat in the arguments"},
		{"garbage after call", genoOneNode + ` x`, ParseOptions{}, 1, 90, "unexpected identifier x after the closing ')' of Genotype(...)"},
		{"missing comma between fields", `Genotype(normal=[('a', 0), ('b', 1)] normal_concat=[2])`, ParseOptions{}, 1, 38, "expected ',' or ')' after the value of normal, found identifier normal_concat"},
		{"concat of strings", `Genotype(normal=[('a', 0), ('b', 1)], normal_concat=['2'])`, ParseOptions{}, 1, 54, `expected a state index (an integer), found string "2"`},
		{"concat not a list", `Genotype(normal=[('a', 0), ('b', 1)], normal_concat=2)`, ParseOptions{}, 1, 53, "expected range(...) or a list of state indices for normal_concat, found number 2"},
		{"range with a step", `Genotype(normal=[('a', 0), ('b', 1)], normal_concat=range(2, 3, 1))`, ParseOptions{}, 1, 65, "range takes 1 or 2 arguments"},
		{"range empty call", `Genotype(normal=[('a', 0), ('b', 1)], normal_concat=range())`, ParseOptions{}, 1, 53, "range needs 1 or 2 arguments"},
		{"range too long", `Genotype(normal=[('a', 0), ('b', 1)], normal_concat=range(-9223372036854775808, 9223372036854775807))`, ParseOptions{}, 1, 53, "the limit is 4096"},
		{"layout not a string", genoOneNode[:len(genoOneNode)-1] + `, layout=cell)`, ParseOptions{}, 1, 97, "expected a string for layout"},
		{"connects not None", genoOneNode[:len(genoOneNode)-1] + `, connects=[1])`, ParseOptions{}, 1, 99, "connects is not supported; only connects=None"},
		{"AutoDL group of three", `Genotype(normal=[(('a', 0), ('b', 1), ('b', 1))], normal_concat=[2], reduce=None, reduce_concat=[2])`, ParseOptions{}, 1, 18, "a node's group of pairs has 3 pairs; want 2"},
		{"unexpected character", `Genotype(normal=[('a', 0) @`, ParseOptions{}, 1, 27, "unexpected character '@'"},
		{"unexpected non-ASCII", "Genotype(normal=[('a', 0) \u00e9", ParseOptions{}, 1, 27, "unexpected character '\u00e9'"},
		{"invalid UTF-8", "Genotype(\n  normal=[('a\xff", ParseOptions{}, 2, 14, "invalid UTF-8 (byte 0xff)"},
		{"malformed number", `Genotype(normal=[('a', 0x1)])`, ParseOptions{}, 1, 24, `malformed number "0x1"`},
		{"malformed exponent", `Genotype(normal=[('a', 0, 1e)])`, ParseOptions{}, 1, 27, `malformed number "1e"`},
		{"input too large", genoOneNode, ParseOptions{MaxBytes: 10}, 1, 1, "input is 88 bytes; the limit is 10"},
		{"multi-line position", "G = Genotype(\n    normal=[('a', 0),\n            ('b', 5)],\n    normal_concat=[2], reduce=None, reduce_concat=[2])", ParseOptions{}, 3, 19, "input index 5 out of range for node 0"},

		// Canonical form.
		{"canonical unknown key", "normal: a 0, b 1\nnormals: x", ParseOptions{}, 2, 1, `unknown key "normals"; expected one of name, op_set, space, normal, normal_concat, reduce, reduce_concat`},
		{"canonical node of three", "normal: a 0, b 1, a 0 | b 1\n", ParseOptions{}, 1, 9, "node 0 of normal has 3 inputs; want 2 (separate nodes with '|')"},
		{"canonical second node short", "normal: a 0, b 1 | a 0\n", ParseOptions{}, 1, 20, "node 1 of normal has 1 inputs; want 2"},
		{"canonical index missing", "normal: a 0, b\n", ParseOptions{}, 1, 15, "expected the input index after b (an integer), found end of line"},
		{"canonical missing line", "normal: a 0, b 1\nnormal_concat: 2\nreduce: none\n", ParseOptions{}, 4, 1, `missing "reduce_concat:" line`},
		{"canonical duplicate key", "normal: a 0, b 1\nnormal: a 0, b 1\n", ParseOptions{}, 2, 1, "normal given twice (first at 1:1)"},
		{"canonical junk after value", "name: X Y\n", ParseOptions{}, 1, 9, "expected end of line after the value of name, found identifier Y"},
		{"canonical bad separator", "normal: a 0; b 1\n", ParseOptions{}, 1, 12, "expected ',', '|' or end of line after a 0, found ';'"},
		{"canonical line without key", "normal: a 0, b 1\n2 3\n", ParseOptions{}, 2, 1, "expected a key (name, op_set, space, normal, normal_concat, reduce, reduce_concat) at the start of the line, found number 2"},
		{"canonical validation", "normal: a 0, b 1\nnormal_concat: 2\nreduce: a 0, b 3\nreduce_concat: 2\n", ParseOptions{}, 3, 16, "input index 3 out of range for node 0 (must be 0..1)"},
		{"canonical unknown op", "normal: a 0, c 1\nnormal_concat: 2\nreduce: none\nreduce_concat: 2\n", onlyAB, 1, 14, `unknown op "c"; valid ops: a, b`},
		{"canonical bad concat", "normal: a 0, b 1\nnormal_concat: 2 x\n", ParseOptions{}, 2, 18, "expected a state index (an integer), found identifier x"},

		// JSON.
		{"JSON syntax", "{\"normal\": [}", ParseOptions{}, 1, 13, "invalid JSON: invalid character '}'"},
		{"JSON truncated", `{"normal": [`, ParseOptions{}, 1, 13, "unexpected end of JSON input"},
		{"JSON unknown field", `{"normal": [], "foo": 1}`, ParseOptions{}, 1, 16, `unknown field "foo"`},
		{"JSON index out of range", "{\"normal\": [[\"a\", 0],\n  {\"op\": \"b\", \"input\": 3}], \"normal_concat\": [2], \"reduce\": null, \"reduce_concat\": [2]}", ParseOptions{}, 2, 24, "input index 3 out of range for node 0 (must be 0..1)"},
		{"JSON missing field", `{"normal": [["a", 0], ["b", 1]], "reduce": null, "reduce_concat": [2]}`, ParseOptions{}, 1, 1, `missing field "normal_concat"`},
		{"JSON float index", `{"normal": [["a", 0.5]]}`, ParseOptions{}, 1, 19, "expected the input index (an integer), found number 0.5"},
		{"JSON pair without input", `{"normal": [{"op": "a"}]}`, ParseOptions{}, 1, 23, `missing "input" in the pair opened at 1:13`},
		{"JSON pair unknown key", `{"normal": [{"op": "a", "idx": 1}]}`, ParseOptions{}, 1, 25, `unknown field "idx" in a pair`},
		{"JSON pair not a pair", `{"normal": ["a"]}`, ParseOptions{}, 1, 13, `expected a pair ({"op": ..., "input": ...} or [op, input]), found string "a"`},
		{"JSON trailing data", `{"normal": [["a", 0], ["b", 1]], "normal_concat": [2], "reduce": null, "reduce_concat": [2]} {}`, ParseOptions{}, 1, 94, "unexpected data after the genotype object"},
		{"JSON duplicate key", `{"normal": [], "normal": []}`, ParseOptions{}, 1, 16, "normal given twice (first at 1:2)"},
		{"JSON bad name", `{"name": "a b"}`, ParseOptions{}, 1, 10, `expected name to be a string of letters, digits and '_', found string "a b"`},
		{"JSON concat null", `{"normal_concat": null}`, ParseOptions{}, 1, 19, "expected '[' (an array of state indices) for normal_concat, found null"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := Parse(tc.src, tc.opt)
			if err == nil {
				t.Fatalf("Parse succeeded: %v", g)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not a *ParseError", err, err)
			}
			if pe.Line != tc.line || pe.Col != tc.col || !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("got  %v\nwant genotype:%d:%d: ...%s...", err, tc.line, tc.col, tc.msg)
			}
		})
	}
}

func TestParseErrorString(t *testing.T) {
	e := &ParseError{Line: 1, Col: 45, Msg: "input index 4 out of range for node 1 (must be 0..2)"}
	if got, want := e.Error(), "genotype:1:45: input index 4 out of range for node 1 (must be 0..2)"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	if got, want := (&ParseError{Msg: "x"}).Error(), "genotype: x"; got != want {
		t.Errorf("Error() without position = %q; want %q", got, want)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		g    Genotype
		opt  ParseOptions
		msg  string // "" for valid
	}{
		{"valid", genoSmall, ParseOptions{}, ""},
		{"valid without reduce", genoSmallWith(func(g *Genotype) { g.Reduce = nil }), ParseOptions{}, ""},
		{"index", genoSmallWith(func(g *Genotype) { g.Normal[3].Input = 3 }), ParseOptions{}, "genotype: normal[3]: input index 3 out of range for node 1 (must be 0..2)"},
		{"odd", genoSmallWith(func(g *Genotype) { g.Reduce = g.Reduce[:3] }), ParseOptions{}, "genotype: reduce: reduce has 3 pairs"},
		{"empty reduce is not None", genoSmallWith(func(g *Genotype) { g.Reduce = []Pair{} }), ParseOptions{}, "genotype: reduce: reduce has 0 pairs"},
		{"concat", genoSmallWith(func(g *Genotype) { g.ReduceConcat = []int{2, 4} }), ParseOptions{}, "genotype: reduce_concat[1]: reduce_concat entry 4 out of range (must be 0..3 for 2 nodes)"},
		{"op", genoSmallWith(func(g *Genotype) { g.Normal[1].Op = "b-1" }), ParseOptions{}, `genotype: normal[1]: invalid op name "b-1"`},
		{"unknown op", genoSmall, ParseOptions{KnownOp: func(op string) bool { return op != "h" }}, `genotype: reduce[3]: unknown op "h"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.g.Validate(tc.opt)
			switch {
			case tc.msg == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tc.msg != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.msg)):
				t.Errorf("Validate = %v; want %s...", err, tc.msg)
			}
		})
	}
	var nilG *Genotype
	if nilG.Validate(ParseOptions{}) == nil {
		t.Error("nil genotype validated")
	}
}
