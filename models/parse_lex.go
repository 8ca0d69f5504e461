package models

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The tokenizer shared by the Python-repr and canonical readers.

type genoTokKind uint8

const (
	genoEOF     genoTokKind = iota
	genoNewline             // '\n'; the canonical reader is line based
	genoComment             // '#' to the end of the line; text excludes '#'
	genoIdent               // [A-Za-z_][A-Za-z0-9_]*
	genoInt                 // [+-]?digits
	genoFloat               // [+-]?digits.digits[e[+-]digits] and the like
	genoString              // '...' or "..." (optional u prefix); text is the decoded value
	genoPunct               // one of ()[]{},=:|.;
)

type genoToken struct {
	kind genoTokKind
	text string
	at   genoPos
}

// describe names a token for "expected X, found Y" messages.
func (t genoToken) describe() string {
	switch t.kind {
	case genoEOF:
		return "end of input"
	case genoNewline:
		return "end of line"
	case genoComment:
		return "comment"
	case genoIdent:
		return fmt.Sprintf("identifier %s", t.text)
	case genoInt, genoFloat:
		return fmt.Sprintf("number %s", t.text)
	case genoString:
		return fmt.Sprintf("string %q", t.text)
	default:
		return fmt.Sprintf("'%s'", t.text)
	}
}

func (t genoToken) is(punct string) bool { return t.kind == genoPunct && t.text == punct }

type genoLexer struct {
	src            string
	off            int
	line, lineBase int
}

func newGenoLexer(src string) *genoLexer { return &genoLexer{src: src, line: 1} }

func (lx *genoLexer) pos(off int) genoPos { return genoPos{lx.line, off - lx.lineBase + 1} }

func isGenoIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isGenoDigit(c byte) bool { return '0' <= c && c <= '9' }

func isGenoIdentChar(c byte) bool { return isGenoIdentStart(c) || isGenoDigit(c) }

// next returns the next token. Input must be valid UTF-8 (Parse checks).
func (lx *genoLexer) next() (genoToken, *ParseError) {
	src := lx.src
	for lx.off < len(src) {
		c := src[lx.off]
		if c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' {
			lx.off++
			continue
		}
		break
	}
	if lx.off >= len(src) {
		return genoToken{kind: genoEOF, at: lx.pos(lx.off)}, nil
	}
	start := lx.off
	at := lx.pos(start)
	c := src[start]
	switch {
	case c == '\n':
		lx.off++
		lx.line++
		lx.lineBase = lx.off
		return genoToken{kind: genoNewline, text: "\n", at: at}, nil
	case c == '#':
		end := strings.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src) - start
		}
		lx.off = start + end
		return genoToken{kind: genoComment, text: src[start+1 : lx.off], at: at}, nil
	case c == '\'' || c == '"':
		return lx.lexString(start, start)
	case (c == 'u' || c == 'U') && start+1 < len(src) && (src[start+1] == '\'' || src[start+1] == '"'):
		return lx.lexString(start, start+1) // Python 2 unicode literal
	case isGenoIdentStart(c):
		lx.off++
		for lx.off < len(src) && isGenoIdentChar(src[lx.off]) {
			lx.off++
		}
		return genoToken{kind: genoIdent, text: src[start:lx.off], at: at}, nil
	case isGenoDigit(c) || (c == '-' || c == '+' || c == '.') && start+1 < len(src) && isGenoDigit(src[start+1]):
		return lx.lexNumber(start)
	case strings.IndexByte("()[]{},=:|.;", c) >= 0:
		lx.off++
		return genoToken{kind: genoPunct, text: src[start:lx.off], at: at}, nil
	}
	r, _ := utf8.DecodeRuneInString(src[start:])
	return genoToken{}, genoErrorf(at, "unexpected character %q", r)
}

func (lx *genoLexer) lexNumber(start int) (genoToken, *ParseError) {
	src := lx.src
	i := start
	if src[i] == '-' || src[i] == '+' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(src) && isGenoDigit(src[i]) {
			i++
			n++
		}
		return n
	}
	kind := genoInt
	intDigits := digits()
	if i < len(src) && src[i] == '.' {
		kind = genoFloat
		i++
		if digits() == 0 && intDigits == 0 {
			return genoToken{}, genoErrorf(lx.pos(start), "malformed number %q", src[start:i])
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		kind = genoFloat
		i++
		if i < len(src) && (src[i] == '-' || src[i] == '+') {
			i++
		}
		if digits() == 0 {
			return genoToken{}, genoErrorf(lx.pos(start), "malformed number %q", src[start:i])
		}
	}
	if i < len(src) && (isGenoIdentChar(src[i]) || src[i] == '.') {
		j := i
		for j < len(src) && (isGenoIdentChar(src[j]) || src[j] == '.') {
			j++
		}
		return genoToken{}, genoErrorf(lx.pos(start), "malformed number %q", src[start:j])
	}
	lx.off = i
	return genoToken{kind: kind, text: src[start:i], at: lx.pos(start)}, nil
}

// lexString reads a Python string literal whose opening quote is at q.
func (lx *genoLexer) lexString(start, q int) (genoToken, *ParseError) {
	src := lx.src
	quote := src[q]
	var b strings.Builder
	for i := q + 1; i < len(src); i++ {
		c := src[i]
		switch c {
		case quote:
			lx.off = i + 1
			return genoToken{kind: genoString, text: b.String(), at: lx.pos(start)}, nil
		case '\n':
			return genoToken{}, genoErrorf(lx.pos(start), "unterminated string (missing closing %c)", quote)
		case '\\':
			if i+1 >= len(src) {
				break
			}
			i++
			switch e := src[i]; e {
			case '\\', '\'', '"':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				return genoToken{}, genoErrorf(lx.pos(i-1), "unsupported escape sequence in string")
			}
		default:
			b.WriteByte(c)
		}
	}
	return genoToken{}, genoErrorf(lx.pos(start), "unterminated string (missing closing %c)", quote)
}
