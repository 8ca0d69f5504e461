package models

import (
	"strings"
)

// The canonical reader. One "key: value" per line, keys in any order, each
// at most once; # starts a comment; blank lines are ignored:
//
//	# gonas genotype
//	name: DARTS_V2                          (optional)
//	op_set: darts                           (optional)
//	space: s2                               (optional; s0 when absent)
//	normal: sep_conv_3x3 0, sep_conv_3x3 1 | sep_conv_3x3 0, sep_conv_3x3 1 | ...
//	normal_concat: 2 3 4 5
//	reduce: max_pool_3x3 0, max_pool_3x3 1 | ...   (or "reduce: none")
//	reduce_concat: 2 3 4 5
//
// A cell lists its nodes separated by '|', each node two "op input" pairs
// separated by ','. Comment lines before the first key (other than the
// "# gonas genotype" header) become GenoFile.Comment.

// genoCanonicalHeader is the first line Canonical prints.
const genoCanonicalHeader = "gonas genotype"

var genoCanonicalKeys = []string{"name", "op_set", "space", "normal", "normal_concat", "reduce", "reduce_concat"}

type genoCanonParser struct {
	lx        *genoLexer
	buf       []genoToken
	raw       rawGenotype
	seen      map[string]genoPos
	sawKey    bool
	lineStart bool
	// sawComment: a leading comment line was read; only the first may be
	// the header, which is dropped.
	sawComment bool
	comments   []string
}

func readGenoCanonical(src string) (*rawGenotype, *ParseError) {
	p := &genoCanonParser{lx: newGenoLexer(src), seen: map[string]genoPos{}, lineStart: true}
	if err := p.parse(); err != nil {
		return nil, err
	}
	p.raw.comment = strings.Join(p.comments, "\n")
	return &p.raw, nil
}

// lexNext returns the next token that is not a comment, collecting the
// leading comment lines on the way.
func (p *genoCanonParser) lexNext() (genoToken, *ParseError) {
	for {
		t, err := p.lx.next()
		if err != nil {
			return t, err
		}
		if t.kind == genoComment {
			if !p.sawKey && p.lineStart {
				text := strings.TrimPrefix(t.text, " ")
				if p.sawComment || strings.TrimSpace(text) != genoCanonicalHeader {
					p.comments = append(p.comments, strings.TrimRight(text, " \t\r"))
				}
				p.sawComment = true
			}
			continue
		}
		p.lineStart = t.kind == genoNewline
		return t, nil
	}
}

func (p *genoCanonParser) peek(k int) (genoToken, *ParseError) {
	for len(p.buf) <= k {
		if n := len(p.buf); n > 0 && p.buf[n-1].kind == genoEOF {
			p.buf = append(p.buf, p.buf[n-1])
			continue
		}
		t, err := p.lexNext()
		if err != nil {
			return t, err
		}
		p.buf = append(p.buf, t)
	}
	return p.buf[k], nil
}

func (p *genoCanonParser) next() (genoToken, *ParseError) {
	t, err := p.peek(0)
	if err == nil {
		p.buf = p.buf[1:]
	}
	return t, err
}

func isGenoEOL(t genoToken) bool { return t.kind == genoNewline || t.kind == genoEOF }

func (p *genoCanonParser) parse() *ParseError {
	for {
		t, err := p.next()
		if err != nil {
			return err
		}
		switch {
		case t.kind == genoEOF:
			for _, k := range genoCanonicalKeys[3:] {
				if _, ok := p.seen[k]; !ok {
					return genoErrorf(t.at, "missing %q line", k+":")
				}
			}
			return nil
		case t.kind == genoNewline:
			continue
		case t.kind != genoIdent:
			return genoErrorf(t.at, "expected a key (%s) at the start of the line, found %s", strings.Join(genoCanonicalKeys, ", "), t.describe())
		}
		key := t.text
		known := false
		for _, k := range genoCanonicalKeys {
			known = known || k == key
		}
		if !known {
			return genoErrorf(t.at, "unknown key %q; expected one of %s", key, strings.Join(genoCanonicalKeys, ", "))
		}
		if prev, dup := p.seen[key]; dup {
			return genoErrorf(t.at, "%s given twice (first at %s)", key, prev)
		}
		p.seen[key] = t.at
		p.sawKey = true
		if t, err := p.next(); err != nil {
			return err
		} else if !t.is(":") {
			return genoErrorf(t.at, "expected ':' after the key %s, found %s", key, t.describe())
		}
		if err := p.parseValue(key); err != nil {
			return err
		}
		if t, err := p.next(); err != nil {
			return err
		} else if !isGenoEOL(t) {
			return genoErrorf(t.at, "expected end of line after the value of %s, found %s", key, t.describe())
		}
	}
}

// parseValue reads the value of key, leaving the end of line unread.
func (p *genoCanonParser) parseValue(key string) *ParseError {
	switch key {
	case "name", "op_set", "space":
		t, err := p.next()
		if err != nil {
			return err
		}
		if t.kind != genoIdent {
			return genoErrorf(t.at, "expected a %s (letters, digits and '_'), found %s", key, t.describe())
		}
		switch key {
		case "name":
			p.raw.name = t.text
		case "op_set":
			p.raw.opSet = t.text
		default:
			p.raw.space = t.text
		}
		return nil
	case "normal":
		return p.parseCell(&p.raw.normal, key)
	case "reduce":
		return p.parseCell(&p.raw.reduce, key)
	case "normal_concat":
		return p.parseConcat(&p.raw.normalConcat)
	default:
		return p.parseConcat(&p.raw.reduceConcat)
	}
}

func (p *genoCanonParser) parseCell(c *rawCell, key string) *ParseError {
	t0, err := p.peek(0)
	if err != nil {
		return err
	}
	t1, err := p.peek(1)
	if err != nil {
		return err
	}
	c.at = t0.at
	switch {
	case isGenoEOL(t0):
		return nil // no pairs: validation reports it
	case t0.kind == genoIdent && t0.text == "none" && isGenoEOL(t1):
		p.next()
		c.none = true
		return nil
	}
	for node := 0; ; node++ {
		start, _ := p.peek(0)
		count := 0
		for {
			op, err := p.next()
			if err != nil {
				return err
			}
			if op.kind != genoIdent {
				return genoErrorf(op.at, "expected an op name in %s, found %s", key, op.describe())
			}
			idx, err := p.next()
			if err != nil {
				return err
			}
			input, err := genoInteger(idx, "the input index after "+op.text)
			if err != nil {
				return err
			}
			c.pairs = append(c.pairs, rawPair{op: op.text, input: input, opAt: op.at, inAt: idx.at})
			count++
			sep, err := p.peek(0)
			if err != nil {
				return err
			}
			if sep.is(",") {
				p.next()
				continue
			}
			if !sep.is("|") && !isGenoEOL(sep) {
				return genoErrorf(sep.at, "expected ',', '|' or end of line after %s %d, found %s", op.text, input, sep.describe())
			}
			break
		}
		if count != 2 {
			return genoErrorf(start.at, "node %d of %s has %d inputs; want 2 (separate nodes with '|')", node, key, count)
		}
		if sep, _ := p.peek(0); isGenoEOL(sep) {
			return nil
		}
		p.next() // '|'
	}
}

func (p *genoCanonParser) parseConcat(c *rawConcat) *ParseError {
	t, err := p.peek(0)
	if err != nil {
		return err
	}
	c.at = t.at
	for {
		t, err := p.peek(0)
		if err != nil {
			return err
		}
		if isGenoEOL(t) {
			return nil
		}
		p.next()
		if t.is(",") && len(c.vals) > 0 {
			continue
		}
		v, err := genoInteger(t, "a state index")
		if err != nil {
			return err
		}
		c.vals = append(c.vals, v)
		c.valAt = append(c.valAt, t.at)
	}
}
