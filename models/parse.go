package models

import (
	"strings"
	"unicode/utf8"
)

// Parse reads one genotype in any of the three text forms, told apart by the
// first significant character:
//
//   - JSON (starts with '{'): an object with the fields normal,
//     normal_concat, reduce, reduce_concat (and optionally name, op_set, space,
//     comment); pairs are {"op": ..., "input": ...} objects or [op, input]
//     arrays; reduce may be null.
//   - the canonical form that Canonical prints (starts with "key:").
//   - the Python repr that the reference code prints, e.g.
//     Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6), ...).
//
// The result is validated (see Genotype.Validate); every error is a
// *ParseError naming the line and column.
func Parse(src string, opt ParseOptions) (*Genotype, error) {
	gf, err := ParseGenoFile(src, opt)
	if err != nil {
		return nil, err
	}
	return &gf.Genotype, nil
}

// ParseGenoFile is Parse that also returns what the text says besides the
// genotype: the name (NAME = Genotype(...), "name:", "name"), the op set
// ("op_set:", "op_set") and the leading comment of the canonical form.
func ParseGenoFile(src string, opt ParseOptions) (*GenoFile, error) {
	raw, perr := readRawGenotype(src, opt)
	if perr != nil {
		return nil, perr
	}
	gf, perr := raw.validate(opt)
	if perr != nil {
		return nil, perr
	}
	return gf, nil
}

// genoFormat is one of the three text forms.
type genoFormat int

const (
	genoFormatRepr genoFormat = iota
	genoFormatCanonical
	genoFormatJSON
)

func readRawGenotype(src string, opt ParseOptions) (*rawGenotype, *ParseError) {
	limit := opt.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxGenotypeBytes
	}
	if len(src) > limit {
		return nil, genoErrorf(genoPos{1, 1}, "input is %d bytes; the limit is %d", len(src), limit)
	}
	src = strings.TrimPrefix(src, "\ufeff")
	if !utf8.ValidString(src) {
		off := 0
		for off < len(src) {
			r, size := utf8.DecodeRuneInString(src[off:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			off += size
		}
		return nil, genoErrorf(newGenoPosTracker(src).at(off), "invalid UTF-8 (byte 0x%02x)", src[off])
	}
	format, perr := detectGenoFormat(src)
	if perr != nil {
		return nil, perr
	}
	switch format {
	case genoFormatJSON:
		return readGenoJSON(src)
	case genoFormatCanonical:
		return readGenoCanonical(src)
	default:
		return readGenoRepr(src)
	}
}

// detectGenoFormat looks at the first significant tokens: '{' is JSON,
// an identifier followed by ':' is the canonical form, anything else is read
// as a Python repr (whose parser reports what it expected).
func detectGenoFormat(src string) (genoFormat, *ParseError) {
	if strings.HasPrefix(strings.TrimLeft(src, " \t\r\n"), "{") {
		return genoFormatJSON, nil
	}
	lx := newGenoLexer(src)
	var toks []genoToken
	for len(toks) < 2 {
		t, err := lx.next()
		if err != nil {
			return genoFormatRepr, err
		}
		if t.kind == genoNewline || t.kind == genoComment {
			continue
		}
		toks = append(toks, t)
		if t.kind == genoEOF {
			break
		}
	}
	if len(toks) == 2 && toks[0].kind == genoIdent && toks[1].is(":") {
		return genoFormatCanonical, nil
	}
	return genoFormatRepr, nil
}
