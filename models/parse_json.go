package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The JSON reader walks encoding/json's token stream so that every value
// keeps its position for validation errors. It accepts the fields of
// GenoFile's JSON encoding: name, op_set, space, comment, normal, normal_concat,
// reduce (null for None) and reduce_concat; a pair is {"op": ..., "input": ...}
// or, as Python's json.dumps writes a tuple, ["op", input].

type genoJSONReader struct {
	src string
	dec *json.Decoder
	pos *genoPosTracker
	raw rawGenotype
}

func readGenoJSON(src string) (*rawGenotype, *ParseError) {
	r := &genoJSONReader{src: src, dec: json.NewDecoder(strings.NewReader(src)), pos: newGenoPosTracker(src)}
	r.dec.UseNumber()
	if err := r.parse(); err != nil {
		return nil, err
	}
	return &r.raw, nil
}

// token returns the next JSON token and where it starts.
func (r *genoJSONReader) token() (json.Token, genoPos, *ParseError) {
	off := int(r.dec.InputOffset())
	for off < len(r.src) && strings.IndexByte(" \t\r\n,:", r.src[off]) >= 0 {
		off++
	}
	at := r.pos.at(off)
	t, err := r.dec.Token()
	if err == nil {
		return t, at, nil
	}
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		bad := max(int(syn.Offset)-1, off)
		return nil, r.pos.at(bad), genoErrorf(r.pos.at(bad), "invalid JSON: %v", syn)
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		end := r.pos.at(len(r.src))
		return nil, end, genoErrorf(end, "unexpected end of JSON input")
	}
	return nil, at, genoErrorf(at, "invalid JSON: %v", err)
}

func describeJSONToken(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		return fmt.Sprintf("'%c'", rune(v))
	case string:
		return fmt.Sprintf("string %q", v)
	case json.Number:
		return "number " + string(v)
	case bool:
		return fmt.Sprintf("%t", v)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", t)
}

func (r *genoJSONReader) expectDelim(d json.Delim, context string) (genoPos, *ParseError) {
	t, at, err := r.token()
	if err != nil {
		return at, err
	}
	if t != d {
		return at, genoErrorf(at, "expected '%c' %s, found %s", rune(d), context, describeJSONToken(t))
	}
	return at, nil
}

func (r *genoJSONReader) parse() *ParseError {
	open, err := r.expectDelim('{', "to start the genotype object")
	if err != nil {
		return err
	}
	seen := map[string]genoPos{}
	for r.dec.More() {
		k, at, err := r.token()
		if err != nil {
			return err
		}
		key, _ := k.(string) // object keys are always strings
		if prev, dup := seen[key]; dup {
			return genoErrorf(at, "%s given twice (first at %s)", key, prev)
		}
		seen[key] = at
		switch key {
		case "name":
			r.raw.name, err = r.parseName(key)
		case "op_set":
			r.raw.opSet, err = r.parseName(key)
		case "space":
			r.raw.space, err = r.parseName(key)
		case "comment":
			r.raw.comment, err = r.parseString(key)
		case "normal":
			err = r.parseCell(&r.raw.normal, key)
		case "reduce":
			err = r.parseCell(&r.raw.reduce, key)
		case "normal_concat":
			err = r.parseConcat(&r.raw.normalConcat, key)
		case "reduce_concat":
			err = r.parseConcat(&r.raw.reduceConcat, key)
		default:
			return genoErrorf(at, "unknown field %q; expected name, op_set, space, comment, normal, normal_concat, reduce or reduce_concat", key)
		}
		if err != nil {
			return err
		}
	}
	if _, err := r.expectDelim('}', "to close the object opened at "+open.String()); err != nil {
		return err
	}
	if err := r.expectEnd(); err != nil {
		return err
	}
	for _, k := range []string{"normal", "normal_concat", "reduce", "reduce_concat"} {
		if _, ok := seen[k]; !ok {
			return genoErrorf(open, "missing field %q in the genotype object", k)
		}
	}
	return nil
}

// expectEnd checks that nothing but white space follows the object.
func (r *genoJSONReader) expectEnd() *ParseError {
	off := int(r.dec.InputOffset())
	for off < len(r.src) && strings.IndexByte(" \t\r\n", r.src[off]) >= 0 {
		off++
	}
	if _, err := r.dec.Token(); err == io.EOF {
		return nil
	}
	return genoErrorf(r.pos.at(off), "unexpected data after the genotype object")
}

func (r *genoJSONReader) parseString(key string) (string, *ParseError) {
	t, at, err := r.token()
	if err != nil {
		return "", err
	}
	s, ok := t.(string)
	if !ok {
		return "", genoErrorf(at, "expected a string for %s, found %s", key, describeJSONToken(t))
	}
	return s, nil
}

// parseName reads name, op_set or space, which must be identifiers as in the
// canonical form.
func (r *genoJSONReader) parseName(key string) (string, *ParseError) {
	t, at, err := r.token()
	if err != nil {
		return "", err
	}
	s, ok := t.(string)
	if !ok || !validGenoOpName(s) {
		return "", genoErrorf(at, "expected %s to be a string of letters, digits and '_', found %s", key, describeJSONToken(t))
	}
	return s, nil
}

func (r *genoJSONReader) parseInt(what string) (int, genoPos, *ParseError) {
	t, at, err := r.token()
	if err != nil {
		return 0, at, err
	}
	n, ok := t.(json.Number)
	if !ok {
		return 0, at, genoErrorf(at, "expected %s (an integer), found %s", what, describeJSONToken(t))
	}
	v, perr := strconv.Atoi(string(n))
	if perr != nil {
		return 0, at, genoErrorf(at, "expected %s (an integer), found number %s", what, n)
	}
	return v, at, nil
}

func (r *genoJSONReader) parseCell(c *rawCell, key string) *ParseError {
	t, at, err := r.token()
	if err != nil {
		return err
	}
	c.at = at
	if t == nil {
		c.none = true
		return nil
	}
	if t != json.Delim('[') {
		return genoErrorf(at, "expected an array of pairs or null for %s, found %s", key, describeJSONToken(t))
	}
	for r.dec.More() {
		if err := r.parsePair(c); err != nil {
			return err
		}
	}
	_, err = r.expectDelim(']', "to close "+key)
	return err
}

func (r *genoJSONReader) parsePair(c *rawCell) *ParseError {
	t, at, err := r.token()
	if err != nil {
		return err
	}
	var p rawPair
	switch t {
	case json.Delim('['):
		if p.op, err = r.parseString("the op name"); err != nil {
			return err
		}
		p.opAt = at
		if p.input, p.inAt, err = r.parseInt("the input index"); err != nil {
			return err
		}
		if _, err := r.expectDelim(']', "after the input index of the pair opened at "+at.String()); err != nil {
			return err
		}
	case json.Delim('{'):
		seen := map[string]genoPos{}
		for r.dec.More() {
			k, kat, err := r.token()
			if err != nil {
				return err
			}
			key, _ := k.(string)
			if prev, dup := seen[key]; dup {
				return genoErrorf(kat, "%s given twice (first at %s)", key, prev)
			}
			seen[key] = kat
			switch key {
			case "op":
				p.opAt = kat
				if p.op, err = r.parseString("op"); err != nil {
					return err
				}
			case "input":
				if p.input, p.inAt, err = r.parseInt("input"); err != nil {
					return err
				}
			default:
				return genoErrorf(kat, "unknown field %q in a pair; expected op and input", key)
			}
		}
		end, err := r.expectDelim('}', "to close the pair opened at "+at.String())
		if err != nil {
			return err
		}
		for _, k := range []string{"op", "input"} {
			if _, ok := seen[k]; !ok {
				return genoErrorf(end, "missing %q in the pair opened at %s", k, at)
			}
		}
	default:
		return genoErrorf(at, "expected a pair ({\"op\": ..., \"input\": ...} or [op, input]), found %s", describeJSONToken(t))
	}
	c.pairs = append(c.pairs, p)
	return nil
}

func (r *genoJSONReader) parseConcat(c *rawConcat, key string) *ParseError {
	at, err := r.expectDelim('[', "(an array of state indices) for "+key)
	if err != nil {
		return err
	}
	c.at = at
	for r.dec.More() {
		v, vat, err := r.parseInt("a state index")
		if err != nil {
			return err
		}
		c.vals = append(c.vals, v)
		c.valAt = append(c.valAt, vat)
	}
	_, err = r.expectDelim(']', "to close "+key)
	return err
}
