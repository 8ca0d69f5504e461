package models

import (
	"fmt"
	"sort"
)

// DefaultMaxGenotypeBytes caps the size of genotype text that Parse accepts
// when ParseOptions.MaxBytes is zero. Published genotypes are under 1 KiB.
const DefaultMaxGenotypeBytes = 1 << 20

// ParseOptions controls Parse and Validate.
type ParseOptions struct {
	// KnownOp, when non-nil, rejects op names for which it returns false
	// (usually the membership test of an op set).
	KnownOp func(name string) bool
	// OpNames, when set, is listed in the error message for an unknown op.
	OpNames []string
	// MaxBytes caps the input size; 0 means DefaultMaxGenotypeBytes.
	MaxBytes int
}

// ParseError is a syntax or validation error at a 1-based line and byte
// column of the genotype text. Line and Col are 0 for errors of a Genotype
// built in code (see Genotype.Validate).
type ParseError struct {
	Line, Col int
	Msg       string
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return "genotype: " + e.Msg
	}
	return fmt.Sprintf("genotype:%d:%d: %s", e.Line, e.Col, e.Msg)
}

// genoPos is a 1-based line and byte column.
type genoPos struct{ Line, Col int }

func (p genoPos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

func (p genoPos) before(q genoPos) bool {
	return p.Line < q.Line || p.Line == q.Line && p.Col < q.Col
}

func genoErrorf(at genoPos, format string, args ...any) *ParseError {
	return &ParseError{Line: at.Line, Col: at.Col, Msg: fmt.Sprintf(format, args...)}
}

// firstGenoError returns the error that comes first in the text, or nil.
func firstGenoError(errs []*ParseError) *ParseError {
	if len(errs) == 0 {
		return nil
	}
	sort.SliceStable(errs, func(i, j int) bool {
		return genoPos{errs[i].Line, errs[i].Col}.before(genoPos{errs[j].Line, errs[j].Col})
	})
	return errs[0]
}

// genoPosTracker turns byte offsets into line:col; offsets must not decrease
// between calls (they may repeat).
type genoPosTracker struct {
	src             string
	off, line, base int // base: offset of the current line's first byte
}

func newGenoPosTracker(src string) *genoPosTracker {
	return &genoPosTracker{src: src, line: 1}
}

func (t *genoPosTracker) at(off int) genoPos {
	if off > len(t.src) {
		off = len(t.src)
	}
	if off < t.off { // restart; never expected, but stay correct
		t.off, t.line, t.base = 0, 1, 0
	}
	for ; t.off < off; t.off++ {
		if t.src[t.off] == '\n' {
			t.line++
			t.base = t.off + 1
		}
	}
	return genoPos{t.line, off - t.base + 1}
}
