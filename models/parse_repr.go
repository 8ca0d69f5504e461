package models

import (
	"slices"
	"strings"
)

// The Python-repr reader. Grammar (whitespace, newlines and # comments
// anywhere between tokens):
//
//	input   = [NAME "="] callee "(" args ")" [";"] | args
//	callee  = IDENT {"." IDENT}            (the last one is Genotype)
//	args    = [arg {"," arg} [","]]
//	arg     = [FIELD "="] value            (positional first, in field order)
//	cell    = "None" | seq(item)           (normal, reduce)
//	item    = pair | seq(pair)             (AutoDL groups pairs per node)
//	pair    = open STRING "," INT ["," NUMBER] [","] close
//	concat  = "range" "(" INT ["," INT] [","] ")" | seq(INT)
//	seq(x)  = open [x {"," x} [","]] close (open/close: "[" "]" or "(" ")")
//
// Positional fields follow the namedtuple order normal, normal_concat,
// reduce, reduce_concat, then sharpDARTS's layout. The third element of a
// pair (original GDAS weight) and layout are ignored; AutoDL's connectN and
// connects are accepted when None.

// genoReprFields lists the fields in positional order.
var genoReprFields = []string{"normal", "normal_concat", "reduce", "reduce_concat", "layout"}

// genoReprExtraFields are keyword-only fields accepted when None.
var genoReprExtraFields = []string{"connectN", "connects"}

// maxGenoRange caps how many entries a range(...) may expand to.
const maxGenoRange = 1 << 12

type genoReprParser struct {
	lx   *genoLexer
	buf  []genoToken
	raw  rawGenotype
	seen map[string]genoPos
}

func readGenoRepr(src string) (*rawGenotype, *ParseError) {
	p := &genoReprParser{lx: newGenoLexer(src), seen: map[string]genoPos{}}
	if err := p.parse(); err != nil {
		return nil, err
	}
	return &p.raw, nil
}

// peek returns the k-th significant token ahead (0 = next).
func (p *genoReprParser) peek(k int) (genoToken, *ParseError) {
	for len(p.buf) <= k {
		t, err := p.lx.next()
		if err != nil {
			return genoToken{}, err
		}
		if t.kind == genoNewline || t.kind == genoComment {
			continue
		}
		p.buf = append(p.buf, t)
		if t.kind == genoEOF {
			for len(p.buf) <= k {
				p.buf = append(p.buf, t)
			}
		}
	}
	return p.buf[k], nil
}

func (p *genoReprParser) next() (genoToken, *ParseError) {
	t, err := p.peek(0)
	if err != nil {
		return t, err
	}
	p.buf = p.buf[1:]
	return t, nil
}

// expect consumes the punctuation punct or fails with "expected punct context".
func (p *genoReprParser) expect(punct, context string) (genoToken, *ParseError) {
	t, err := p.next()
	if err != nil {
		return t, err
	}
	if !t.is(punct) {
		return t, genoErrorf(t.at, "expected '%s' %s, found %s", punct, context, t.describe())
	}
	return t, nil
}

func (p *genoReprParser) parse() *ParseError {
	t0, err := p.peek(0)
	if err != nil {
		return err
	}
	t1, err := p.peek(1)
	if err != nil {
		return err
	}
	if t0.kind == genoIdent && t1.is("=") {
		t2, err := p.peek(2)
		if err != nil {
			return err
		}
		t3, err := p.peek(3)
		if err != nil {
			return err
		}
		isCall := t2.kind == genoIdent && (t3.is("(") || t3.is("."))
		if p.isField(t0.text) && !isCall {
			return p.parseArgs(genoEOF, "", genoPos{})
		}
		p.raw.name = t0.text
		p.next()
		p.next()
	}
	if err := p.parseCallee(); err != nil {
		return err
	}
	open, err := p.expect("(", "after Genotype")
	if err != nil {
		return err
	}
	if err := p.parseArgs(genoPunct, ")", open.at); err != nil {
		return err
	}
	if _, err := p.expect(")", "to close Genotype( at "+open.at.String()); err != nil {
		return err
	}
	t, err := p.next()
	if err != nil {
		return err
	}
	if t.is(";") {
		if t, err = p.next(); err != nil {
			return err
		}
	}
	if t.kind != genoEOF {
		return genoErrorf(t.at, "unexpected %s after the closing ')' of Genotype(...)", t.describe())
	}
	return p.checkMissing(open.at, "Genotype(...)")
}

func (p *genoReprParser) isField(name string) bool {
	return slices.Contains(genoReprFields, name) || slices.Contains(genoReprExtraFields, name)
}

func (p *genoReprParser) parseCallee() *ParseError {
	t, err := p.next()
	if err != nil {
		return err
	}
	if t.kind != genoIdent {
		return genoErrorf(t.at, "expected Genotype(...) or normal=..., found %s", t.describe())
	}
	last := t
	for {
		dot, err := p.peek(0)
		if err != nil {
			return err
		}
		if !dot.is(".") {
			break
		}
		p.next()
		if last, err = p.next(); err != nil {
			return err
		}
		if last.kind != genoIdent {
			return genoErrorf(last.at, "expected a name after '.', found %s", last.describe())
		}
	}
	if last.text != "Genotype" {
		return genoErrorf(last.at, "expected Genotype(...) or normal=..., found %s", last.describe())
	}
	return nil
}

// parseArgs reads arguments up to (not including) the closing token.
func (p *genoReprParser) parseArgs(closeKind genoTokKind, closeText string, opened genoPos) *ParseError {
	atClose := func(t genoToken) bool {
		return t.kind == closeKind && (closeKind != genoPunct || t.text == closeText)
	}
	closeDesc := "end of input"
	if closeKind == genoPunct {
		closeDesc = "'" + closeText + "'"
	}
	positional, keywords := 0, false
	for {
		t, err := p.peek(0)
		if err != nil {
			return err
		}
		if atClose(t) {
			break
		}
		if t.kind == genoEOF {
			return genoErrorf(t.at, "expected ')' to close Genotype( at %s, found end of input", opened)
		}
		t1, err := p.peek(1)
		if err != nil {
			return err
		}
		var field string
		if t.kind == genoIdent && t1.is("=") {
			if !p.isField(t.text) {
				return genoErrorf(t.at, "unknown field %q; expected one of %s", t.text, strings.Join(genoReprFields, ", "))
			}
			field, keywords = t.text, true
			p.next()
			p.next()
		} else {
			if keywords {
				return genoErrorf(t.at, "positional argument follows keyword arguments")
			}
			if positional >= len(genoReprFields) {
				return genoErrorf(t.at, "too many positional arguments; Genotype takes at most %d (%s)", len(genoReprFields), strings.Join(genoReprFields, ", "))
			}
			field = genoReprFields[positional]
			positional++
		}
		if prev, dup := p.seen[field]; dup {
			return genoErrorf(t.at, "%s given twice (first at %s)", field, prev)
		}
		v, err := p.peek(0)
		if err != nil {
			return err
		}
		p.seen[field] = v.at
		if err := p.parseField(field); err != nil {
			return err
		}
		t, err = p.peek(0)
		if err != nil {
			return err
		}
		if t.is(",") {
			p.next()
			continue
		}
		if !atClose(t) {
			return genoErrorf(t.at, "expected ',' or %s after the value of %s, found %s", closeDesc, field, t.describe())
		}
	}
	if closeKind == genoEOF {
		t, _ := p.peek(0)
		return p.checkMissing(t.at, "the arguments")
	}
	return nil
}

// checkMissing reports the first of the four required fields not given.
func (p *genoReprParser) checkMissing(at genoPos, where string) *ParseError {
	for _, f := range genoReprFields[:4] {
		if _, ok := p.seen[f]; !ok {
			return genoErrorf(at, "missing %s in %s", f, where)
		}
	}
	return nil
}

func (p *genoReprParser) parseField(field string) *ParseError {
	switch field {
	case "normal":
		return p.parseCell(&p.raw.normal, field)
	case "reduce":
		return p.parseCell(&p.raw.reduce, field)
	case "normal_concat":
		return p.parseConcat(&p.raw.normalConcat, field)
	case "reduce_concat":
		return p.parseConcat(&p.raw.reduceConcat, field)
	case "layout":
		t, err := p.next()
		if err != nil {
			return err
		}
		if t.kind != genoString {
			return genoErrorf(t.at, "expected a string for layout (e.g. 'cell'), found %s", t.describe())
		}
		return nil
	default: // connectN, connects
		t, err := p.next()
		if err != nil {
			return err
		}
		if t.kind != genoIdent || t.text != "None" {
			return genoErrorf(t.at, "%s is not supported; only %s=None", field, field)
		}
		return nil
	}
}
