package models

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// GenotypeFromArg resolves a --genotype argument, trying in order: a zoo
// name (case-insensitive, see LookupZoo), a file (a .geno canonical file,
// JSON, or a .txt holding the Python repr; ReadGenoFile), FILE:NAME (one
// definition of a genotypes.py-style collection), and genotype text
// in any form Parse reads (typically the Python repr pasted from a paper or a
// log). Zoo entries come with their name and op set; for files and text they
// are what the input says (possibly empty).
func GenotypeFromArg(arg string) (*GenoFile, error) {
	s := strings.TrimSpace(arg)
	if s == "" {
		return nil, errors.New("empty genotype argument: want a zoo name (see 'gonas zoo'), a genotype file, or genotype text")
	}
	if e, ok := LookupZoo(s); ok {
		return e.GenoFile(), nil
	}
	fi, statErr := os.Stat(arg)
	if statErr == nil {
		if fi.IsDir() {
			return nil, fmt.Errorf("genotype %s: is a directory, not a genotype file", arg)
		}
		return ReadGenoFile(arg)
	}
	if path, name, ok := splitEntryArg(arg); ok {
		return ReadGenoFileEntry(path, name)
	}
	if looksLikeGenotypeText(s) {
		gf, err := ParseGenoFile(s, ParseOptions{})
		if err != nil {
			return nil, fmt.Errorf("genotype text (not a zoo name or a file): %w", err)
		}
		return gf, nil
	}
	if !errors.Is(statErr, fs.ErrNotExist) {
		return nil, fmt.Errorf("genotype %s: %w", arg, statErr)
	}
	return nil, fmt.Errorf("genotype %q: not a zoo name (known: %s), no such file (or FILE:NAME), and not genotype text (e.g. Genotype(normal=[...], ...))",
		arg, strings.Join(ZooNames(), ", "))
}

// looksLikeGenotypeText reports whether s has the punctuation every
// genotype text form needs and no name or file path has.
func looksLikeGenotypeText(s string) bool {
	return strings.ContainsAny(s, "([{\n") || strings.Contains(s, "normal:") || strings.Contains(s, "normal=")
}
