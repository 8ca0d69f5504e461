package models

import "strconv"

// The values of the Python-repr reader: cells of pairs and concat lists.

// openSeq consumes '[' or '(' and returns the matching closer.
func (p *genoReprParser) openSeq(what string) (genoToken, string, *ParseError) {
	t, err := p.next()
	if err != nil {
		return t, "", err
	}
	switch {
	case t.is("["):
		return t, "]", nil
	case t.is("("):
		return t, ")", nil
	}
	return t, "", genoErrorf(t.at, "expected %s, found %s", what, t.describe())
}

// seq reads the elements of a sequence whose opener was just consumed,
// calling elem for each, up to and including the closer.
func (p *genoReprParser) seq(open genoToken, closer, what string, elem func() *ParseError) *ParseError {
	for {
		t, err := p.peek(0)
		if err != nil {
			return err
		}
		if t.is(closer) {
			p.next()
			return nil
		}
		if err := elem(); err != nil {
			return err
		}
		t, err = p.next()
		if err != nil {
			return err
		}
		if t.is(closer) {
			return nil
		}
		if !t.is(",") {
			return genoErrorf(t.at, "expected ',' or '%s' after %s in the list opened at %s, found %s", closer, what, open.at, t.describe())
		}
	}
}

func (p *genoReprParser) parseCell(c *rawCell, field string) *ParseError {
	t, err := p.peek(0)
	if err != nil {
		return err
	}
	c.at = t.at
	if t.kind == genoIdent && t.text == "None" {
		p.next()
		c.none = true
		return nil
	}
	open, closer, err := p.openSeq("a list of (op, input) pairs for " + field)
	if err != nil {
		return err
	}
	return p.seq(open, closer, "a pair", func() *ParseError {
		t0, err := p.peek(0)
		if err != nil {
			return err
		}
		t1, err := p.peek(1)
		if err != nil {
			return err
		}
		if (t0.is("(") || t0.is("[")) && (t1.is("(") || t1.is("[")) {
			return p.parseNodeGroup(c)
		}
		return p.parsePair(c)
	})
}

// parseNodeGroup reads AutoDL's per-node group of two pairs.
func (p *genoReprParser) parseNodeGroup(c *rawCell) *ParseError {
	open, closer, err := p.openSeq("a node's pairs")
	if err != nil {
		return err
	}
	before := len(c.pairs)
	if err := p.seq(open, closer, "a pair", func() *ParseError { return p.parsePair(c) }); err != nil {
		return err
	}
	if n := len(c.pairs) - before; n != 2 {
		return genoErrorf(open.at, "a node's group of pairs has %d pairs; want 2", n)
	}
	return nil
}

func (p *genoReprParser) parsePair(c *rawCell) *ParseError {
	open, closer, err := p.openSeq("an (op, input) pair")
	if err != nil {
		return err
	}
	op, err := p.next()
	if err != nil {
		return err
	}
	if op.kind != genoString {
		return genoErrorf(op.at, "expected the op name as a quoted string, found %s", op.describe())
	}
	if _, err := p.expect(",", "after the op name "+strconv.Quote(op.text)); err != nil {
		return err
	}
	idx, err := p.next()
	if err != nil {
		return err
	}
	input, err := genoInteger(idx, "the input index")
	if err != nil {
		return err
	}
	c.pairs = append(c.pairs, rawPair{op: op.text, input: input, opAt: op.at, inAt: idx.at})
	t, err := p.next()
	if err != nil {
		return err
	}
	if t.is(",") {
		if t, err = p.next(); err != nil {
			return err
		}
		if t.kind == genoInt || t.kind == genoFloat || t.kind == genoIdent && (t.text == "inf" || t.text == "nan") {
			// Original GDAS: (op, input, weight); the weight is ignored.
			if t, err = p.next(); err != nil {
				return err
			}
			if t.is(",") {
				if t, err = p.next(); err != nil {
					return err
				}
			}
		}
	}
	if !t.is(closer) {
		return genoErrorf(t.at, "expected '%s' after the input index of the pair opened at %s, found %s", closer, open.at, t.describe())
	}
	return nil
}

// genoInteger converts an integer token.
func genoInteger(t genoToken, what string) (int, *ParseError) {
	if t.kind != genoInt {
		return 0, genoErrorf(t.at, "expected %s (an integer), found %s", what, t.describe())
	}
	v, err := strconv.Atoi(t.text)
	if err != nil {
		return 0, genoErrorf(t.at, "integer %s out of range", t.text)
	}
	return v, nil
}

func (p *genoReprParser) parseConcat(c *rawConcat, field string) *ParseError {
	t, err := p.peek(0)
	if err != nil {
		return err
	}
	c.at = t.at
	if t.kind == genoIdent && t.text == "range" {
		return p.parseRange(c, field)
	}
	open, closer, err := p.openSeq("range(...) or a list of state indices for " + field)
	if err != nil {
		return err
	}
	return p.seq(open, closer, "a state index", func() *ParseError {
		t, err := p.next()
		if err != nil {
			return err
		}
		v, err := genoInteger(t, "a state index")
		if err != nil {
			return err
		}
		c.vals = append(c.vals, v)
		c.valAt = append(c.valAt, t.at)
		return nil
	})
}

func (p *genoReprParser) parseRange(c *rawConcat, field string) *ParseError {
	rng, _ := p.next()
	open, err := p.expect("(", "after range")
	if err != nil {
		return err
	}
	var args []int
	if err := p.seq(open, ")", "a range bound", func() *ParseError {
		t, err := p.next()
		if err != nil {
			return err
		}
		if len(args) == 2 {
			return genoErrorf(t.at, "range takes 1 or 2 arguments (a step is not supported)")
		}
		v, err := genoInteger(t, "a range bound")
		if err != nil {
			return err
		}
		args = append(args, v)
		return nil
	}); err != nil {
		return err
	}
	var lo, hi int
	switch len(args) {
	case 0:
		return genoErrorf(rng.at, "range needs 1 or 2 arguments")
	case 1:
		hi = args[0]
	default:
		lo, hi = args[0], args[1]
	}
	if hi > lo && uint64(hi)-uint64(lo) > maxGenoRange { // unsigned: no overflow
		return genoErrorf(rng.at, "range(%d, %d) for %s has %d entries; the limit is %d", lo, hi, field, uint64(hi)-uint64(lo), maxGenoRange)
	}
	for v := lo; v < hi; v++ {
		c.vals = append(c.vals, v)
		c.valAt = append(c.valAt, rng.at)
	}
	return nil
}
