package models

import (
	"strconv"
	"strings"
)

// String prints g as the reference code's Python repr, e.g.
//
//	Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ...], normal_concat=range(2, 6), reduce=[...], reduce_concat=range(2, 6))
//
// A concat that is a contiguous ascending run of two or more states prints
// as range(a, b) (as DARTS prints searched genotypes), any other as a list;
// a nil Reduce prints as None. Parse reads it back.
func (g *Genotype) String() string {
	if g == nil {
		return "<nil>"
	}
	var b strings.Builder
	b.WriteString("Genotype(normal=")
	writeReprPairs(&b, g.Normal)
	b.WriteString(", normal_concat=")
	writeReprConcat(&b, g.NormalConcat)
	b.WriteString(", reduce=")
	if g.Reduce == nil {
		b.WriteString("None")
	} else {
		writeReprPairs(&b, g.Reduce)
	}
	b.WriteString(", reduce_concat=")
	writeReprConcat(&b, g.ReduceConcat)
	b.WriteString(")")
	return b.String()
}

func writeReprPairs(b *strings.Builder, ps []Pair) {
	b.WriteByte('[')
	for i, p := range ps {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		b.WriteString(pythonStringRepr(p.Op))
		b.WriteString(", ")
		b.WriteString(strconv.Itoa(p.Input))
		b.WriteByte(')')
	}
	b.WriteByte(']')
}

func writeReprConcat(b *strings.Builder, c []int) {
	if lo, hi, ok := contiguousRun(c); ok {
		b.WriteString("range(" + strconv.Itoa(lo) + ", " + strconv.Itoa(hi) + ")")
		return
	}
	b.WriteByte('[')
	for i, v := range c {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(v))
	}
	b.WriteByte(']')
}

// contiguousRun reports whether c is lo, lo+1, ..., hi-1 with at least two
// entries.
func contiguousRun(c []int) (lo, hi int, ok bool) {
	if len(c) < 2 {
		return 0, 0, false
	}
	for i := 1; i < len(c); i++ {
		if c[i] != c[i-1]+1 {
			return 0, 0, false
		}
	}
	return c[0], c[len(c)-1] + 1, true
}

// pythonStringRepr quotes s as Python's repr does for the strings op names
// are made of: single quotes unless s holds a ' and no ".
func pythonStringRepr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == q || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// String prints gf as the Python assignment NAME = Genotype(...) (just the
// repr when Name is empty); Parse reads it back with the name. The op set and
// comment are not part of this form.
func (gf *GenoFile) String() string {
	if gf == nil {
		return "<nil>"
	}
	if gf.Name == "" {
		return gf.Genotype.String()
	}
	return gf.Name + " = " + gf.Genotype.String()
}
