package models

import (
	"fmt"
	"strings"
)

// rawGenotype is what the readers produce before validation: the values plus
// the position of every element, so that errors point into the text.
type rawGenotype struct {
	name, opSet, space, comment string
	normal, reduce              rawCell
	normalConcat, reduceConcat  rawConcat
	noPos                       bool // built from a Genotype: name elements instead
}

type rawCell struct {
	at    genoPos // the value's first token
	none  bool    // reduce=None / "reduce: none" / null
	pairs []rawPair
}

type rawPair struct {
	op         string
	input      int
	opAt, inAt genoPos
}

type rawConcat struct {
	at    genoPos
	vals  []int
	valAt []genoPos // one per value; range(...) entries share its position
}

// maxGenoOpName caps op name length; the longest published one has 18 bytes.
const maxGenoOpName = 64

// validGenoOpName reports whether name is an identifier: op names are
// printed unquoted in the canonical form.
func validGenoOpName(name string) bool {
	if name == "" || len(name) > maxGenoOpName || !isGenoIdentStart(name[0]) {
		return false
	}
	for i := 1; i < len(name); i++ {
		if !isGenoIdentChar(name[i]) {
			return false
		}
	}
	return true
}

// genoErrs collects validation errors.
type genoErrs struct {
	noPos bool
	list  []*ParseError
}

// add records an error at a position; elem names the element when the
// genotype has no text positions.
func (e *genoErrs) add(at genoPos, elem, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if e.noPos {
		msg = elem + ": " + msg
	}
	e.list = append(e.list, &ParseError{Line: at.Line, Col: at.Col, Msg: msg})
}

// validate checks raw and converts it; the returned error is the one that
// comes first in the text.
func (raw *rawGenotype) validate(opt ParseOptions) (*GenoFile, *ParseError) {
	errs := &genoErrs{noPos: raw.noPos}
	if raw.normal.none {
		errs.add(raw.normal.at, "normal", "normal cannot be None; only reduce may be (a fixed reduction cell)")
	}
	raw.normal.check("normal", opt, errs)
	n := len(raw.normal.pairs)
	steps := n / 2
	if !raw.reduce.none {
		raw.reduce.check("reduce", opt, errs)
		m := len(raw.reduce.pairs)
		if m != n && m >= 2 && m%2 == 0 && n >= 2 && n%2 == 0 {
			errs.add(raw.reduce.at, "reduce", "reduce has %d pairs but normal has %d; both cells must have the same number of nodes", m, n)
		}
		steps = m / 2
	}
	raw.normalConcat.check("normal_concat", n/2, errs)
	raw.reduceConcat.check("reduce_concat", steps, errs)
	if e := firstGenoError(errs.list); e != nil {
		return nil, e
	}
	gf := &GenoFile{Name: raw.name, OpSet: raw.opSet, Space: raw.space, Comment: raw.comment}
	gf.Normal = raw.normal.toPairs()
	if !raw.reduce.none {
		gf.Reduce = raw.reduce.toPairs()
	}
	gf.NormalConcat = append([]int{}, raw.normalConcat.vals...)
	gf.ReduceConcat = append([]int{}, raw.reduceConcat.vals...)
	return gf, nil
}

func (c *rawCell) toPairs() []Pair {
	ps := make([]Pair, len(c.pairs))
	for i, p := range c.pairs {
		ps[i] = Pair{Op: p.op, Input: p.input}
	}
	return ps
}

func (c *rawCell) check(name string, opt ParseOptions, errs *genoErrs) {
	if n := len(c.pairs); n < 2 || n%2 != 0 {
		errs.add(c.at, name, "%s has %d pairs; want an even number >= 2 (two inputs per node)", name, n)
	}
	for p, pr := range c.pairs {
		elem := fmt.Sprintf("%s[%d]", name, p)
		node := p / 2
		switch {
		case !validGenoOpName(pr.op):
			errs.add(pr.opAt, elem, "invalid op name %q (want letters, digits and '_', not starting with a digit, at most %d bytes)", pr.op, maxGenoOpName)
		case opt.KnownOp != nil && !opt.KnownOp(pr.op):
			if len(opt.OpNames) > 0 {
				errs.add(pr.opAt, elem, "unknown op %q; valid ops: %s", pr.op, strings.Join(opt.OpNames, ", "))
			} else {
				errs.add(pr.opAt, elem, "unknown op %q", pr.op)
			}
		}
		if pr.input < 0 || pr.input >= 2+node {
			errs.add(pr.inAt, elem, "input index %d out of range for node %d (must be 0..%d)", pr.input, node, 1+node)
		}
	}
}

func (c *rawConcat) check(name string, steps int, errs *genoErrs) {
	if len(c.vals) == 0 {
		errs.add(c.at, name, "%s is empty; want at least one state index", name)
		return
	}
	seen := make(map[int]bool, len(c.vals))
	for i, v := range c.vals {
		at := c.at
		if i < len(c.valAt) {
			at = c.valAt[i]
		}
		elem := fmt.Sprintf("%s[%d]", name, i)
		switch {
		case v < 0 || v > steps+1:
			errs.add(at, elem, "%s entry %d out of range (must be 0..%d for %d nodes)", name, v, steps+1, steps)
		case seen[v]:
			errs.add(at, elem, "duplicate %s entry %d", name, v)
		}
		seen[v] = true
	}
}

// Validate checks a Genotype built in code by the rules Parse applies: an
// even number (>= 2) of pairs per cell and the same number in both cells,
// input indices within reach of their node, concat entries that are distinct
// existing states, op names that are identifiers and, when opt.KnownOp is
// set, known ops. The error is a *ParseError with Line 0 whose message names
// the element, e.g. "genotype: normal[3]: input index 4 out of range ...".
func (g *Genotype) Validate(opt ParseOptions) error {
	if g == nil {
		return &ParseError{Msg: "nil genotype"}
	}
	raw := rawGenotype{
		noPos:        true,
		normal:       rawCellOf(g.Normal, false),
		reduce:       rawCellOf(g.Reduce, g.Reduce == nil),
		normalConcat: rawConcat{vals: g.NormalConcat},
		reduceConcat: rawConcat{vals: g.ReduceConcat},
	}
	if _, err := raw.validate(opt); err != nil {
		return err
	}
	return nil
}

func rawCellOf(ps []Pair, none bool) rawCell {
	c := rawCell{none: none, pairs: make([]rawPair, len(ps))}
	for i, p := range ps {
		c.pairs[i] = rawPair{op: p.Op, input: p.Input}
	}
	return c
}
