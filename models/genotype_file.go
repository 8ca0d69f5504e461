package models

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gonas/internal/atomicfile"
)

// GenoFile is a genotype with what a .geno file records besides it: the
// genotype's name, the op set its op names belong to ("darts", "gdas",
// "sharpdarts", ...) and a free comment (e.g. how it was made). Name and
// OpSet are identifiers or empty. Its JSON encoding is the Genotype's fields
// plus name, op_set and comment.
type GenoFile struct {
	Name  string `json:"name,omitempty"`
	OpSet string `json:"op_set,omitempty"`
	// Space is the search space the genotype was searched in (s0-s4,
	// SpaceNames); empty means s0, the op set's own primitives.
	Space   string `json:"space,omitempty"`
	Comment string `json:"comment,omitempty"`
	Genotype
}

// ReadGenoFile reads a genotype file in any form Parse accepts (canonical
// .geno, JSON, or the Python repr); the content decides, not the extension.
// A collection (genotypes.py: NAME = Genotype(...) lines) with a single
// definition gives that one; with several, the error lists their names for
// ReadGenoFileEntry ("FILE:NAME" on the command line).
func ReadGenoFile(path string) (*GenoFile, error) {
	src, err := readGenoText(path)
	if err != nil {
		return nil, err
	}
	gf, err := ParseGenoFile(src, ParseOptions{})
	if err != nil {
		if cgf, cerr, ok := collectionError(path, src); ok {
			return cgf, cerr
		}
		return nil, fmt.Errorf("read genotype %s: %w", path, err)
	}
	return gf, nil
}

// readGenoText reads a genotype file of at most DefaultMaxGenotypeBytes.
func readGenoText(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read genotype: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, DefaultMaxGenotypeBytes+1))
	if err != nil {
		return "", fmt.Errorf("read genotype %s: %w", path, err)
	}
	if len(data) > DefaultMaxGenotypeBytes {
		return "", fmt.Errorf("read genotype %s: file is larger than %d bytes; not a genotype", path, DefaultMaxGenotypeBytes)
	}
	return string(data), nil
}

// check validates gf before it is written.
func (gf *GenoFile) check() error {
	for _, f := range []struct{ key, v string }{{"name", gf.Name}, {"op_set", gf.OpSet}, {"space", gf.Space}} {
		if f.v != "" && !validGenoOpName(f.v) {
			return fmt.Errorf("%s %q: want letters, digits and '_', not starting with a digit", f.key, f.v)
		}
	}
	return gf.Validate(ParseOptions{})
}

// MarshalGenoFile encodes gf for a file named path: JSON (indented) when
// path ends in .json, else the canonical text form.
func MarshalGenoFile(path string, gf *GenoFile) ([]byte, error) {
	if err := gf.check(); err != nil {
		return nil, err
	}
	if strings.EqualFold(filepath.Ext(path), ".json") {
		data, err := json.MarshalIndent(gf, "", "  ")
		if err != nil {
			return nil, err
		}
		return append(data, '\n'), nil
	}
	return []byte(gf.Canonical()), nil
}

// WriteGenoFile validates gf and writes it to path (see MarshalGenoFile for
// the form) atomically: a temporary file in the same directory is written,
// synced and renamed over path, so a crash leaves the old file or the new
// one, never a torn one.
func WriteGenoFile(path string, gf *GenoFile) error {
	data, err := MarshalGenoFile(path, gf)
	if err != nil {
		return fmt.Errorf("write genotype %s: %w", path, err)
	}
	return atomicfile.Write(path, data)
}
