package models

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// A genotype collection is a file of Python definitions such as the
// reference code's genotypes.py: "NAME = Genotype(...)" (possibly over
// several lines) and aliases "NAME = OTHER", among other Python lines
// (imports, PRIMITIVES lists) that are skipped. "FILE:NAME" picks one.

// genotypeDef is one NAME = Genotype(...) definition.
type genotypeDef struct {
	name      string
	text      string // from "Genotype(" to its closing parenthesis
	line, col int    // 1-based position of text in the file
}

var (
	defStart = regexp.MustCompile(`(?m)^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(Genotype[ \t]*\()`)
	defAlias = regexp.MustCompile(`(?m)^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:#.*)?$`)
)

// scanGenotypeDefs finds the definitions and aliases of a collection. A
// definition whose parentheses do not close is left out (the parser will
// report it if it is picked).
func scanGenotypeDefs(src string) (defs []genotypeDef, aliases map[string]string) {
	for _, m := range defStart.FindAllStringSubmatchIndex(src, -1) {
		start := m[4]
		end := closingParen(src, strings.IndexByte(src[start:], '(')+start)
		if end < 0 {
			continue
		}
		line := strings.Count(src[:start], "\n") + 1
		col := start - (strings.LastIndexByte(src[:start], '\n') + 1) + 1
		defs = append(defs, genotypeDef{name: src[m[2]:m[3]], text: src[start : end+1], line: line, col: col})
	}
	aliases = map[string]string{}
	for _, m := range defAlias.FindAllStringSubmatch(src, -1) {
		aliases[m[1]] = m[2]
	}
	return defs, aliases
}

// closingParen is the index of the parenthesis closing the one at open,
// skipping quoted strings; -1 when it never closes.
func closingParen(src string, open int) int {
	depth := 0
	var quote byte
	for i := open; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// defNames lists the names a collection defines, aliases included.
func defNames(defs []genotypeDef, aliases map[string]string) []string {
	var names []string
	for _, d := range defs {
		names = append(names, d.name)
	}
	for a, target := range aliases {
		if _, err := lookupDef(defs, aliases, target); err == nil {
			names = append(names, a)
		}
	}
	sort.Strings(names[len(defs):])
	return names
}

// errNoDef says a collection does not define a name.
var errNoDef = errors.New("not defined")

// lookupDef finds name, following aliases; an alias cycle is an error
// that names it.
func lookupDef(defs []genotypeDef, aliases map[string]string, name string) (genotypeDef, error) {
	seen := map[string]bool{}
	path := []string{name}
	for {
		for i := len(defs) - 1; i >= 0; i-- { // Python: the last assignment wins
			if defs[i].name == name {
				return defs[i], nil
			}
		}
		target, ok := aliases[name]
		if !ok {
			return genotypeDef{}, errNoDef
		}
		seen[name] = true
		path = append(path, target)
		if seen[target] {
			return genotypeDef{}, fmt.Errorf("alias cycle %s: no genotype at its end", strings.Join(path, " = "))
		}
		name = target
	}
}

// unclosedDef finds a NAME = Genotype( definition of name whose
// parenthesis never closes, with its position.
func unclosedDef(src, name string) (line, col int, ok bool) {
	for _, m := range defStart.FindAllStringSubmatchIndex(src, -1) {
		start := m[4]
		if src[m[2]:m[3]] != name || closingParen(src, strings.IndexByte(src[start:], '(')+start) >= 0 {
			continue
		}
		line = strings.Count(src[:start], "\n") + 1
		col = start - (strings.LastIndexByte(src[:start], '\n') + 1) + 1
		return line, col, true
	}
	return 0, 0, false
}

// parseDef parses one definition; errors carry positions in the file.
func parseDef(d genotypeDef) (*GenoFile, error) {
	gf, err := ParseGenoFile(d.text, ParseOptions{})
	var pe *ParseError
	if errors.As(err, &pe) && pe.Line > 0 {
		shifted := *pe
		if shifted.Line == 1 {
			shifted.Col += d.col - 1
		}
		shifted.Line += d.line - 1
		return nil, &shifted
	}
	if err != nil {
		return nil, err
	}
	if gf.Name == "" {
		gf.Name = d.name
	}
	return gf, nil
}

// ReadGenoFileEntry reads the genotype called name from a collection file
// (name may be an alias).
func ReadGenoFileEntry(path, name string) (*GenoFile, error) {
	src, err := readGenoText(path)
	if err != nil {
		return nil, err
	}
	defs, aliases := scanGenotypeDefs(src)
	d, err := lookupDef(defs, aliases, name)
	if err != nil {
		if line, col, ok := unclosedDef(src, name); ok {
			return nil, fmt.Errorf("read genotype %s:%s: %w", path, name,
				&ParseError{Line: line, Col: col, Msg: name + " = Genotype( is never closed: the file ends inside the definition (unbalanced parentheses)"})
		}
		if !errors.Is(err, errNoDef) {
			return nil, fmt.Errorf("read genotype %s:%s: %w", path, name, err)
		}
		if len(defs) == 0 {
			return nil, fmt.Errorf("read genotype %s:%s: the file has no NAME = Genotype(...) definitions", path, name)
		}
		return nil, fmt.Errorf("read genotype %s:%s: no genotype %q (the file defines %s)", path, name, name, strings.Join(defNames(defs, aliases), ", "))
	}
	gf, err := parseDef(d)
	if err != nil {
		return nil, fmt.Errorf("read genotype %s:%s: %w", path, name, err)
	}
	gf.Name = name
	return gf, nil
}

// collectionError explains a file that failed to parse as one genotype
// but is a collection: several definitions need a NAME; a single one is
// returned parsed.
func collectionError(path, src string) (*GenoFile, error, bool) {
	defs, aliases := scanGenotypeDefs(src)
	switch len(defs) {
	case 0:
		return nil, nil, false
	case 1:
		gf, err := parseDef(defs[0])
		if err != nil {
			return nil, fmt.Errorf("read genotype %s: %w", path, err), true
		}
		return gf, nil, true
	}
	names := defNames(defs, aliases)
	return nil, fmt.Errorf("read genotype %s: the file defines %d genotypes (%s); pick one with %s:NAME",
		path, len(names), strings.Join(names, ", "), path), true
}

// splitEntryArg splits "FILE:NAME" when FILE exists and NAME is an
// identifier.
func splitEntryArg(arg string) (path, name string, ok bool) {
	i := strings.LastIndexByte(arg, ':')
	if i <= 0 || i == len(arg)-1 {
		return "", "", false
	}
	path, name = arg[:i], arg[i+1:]
	if !validGenoOpName(name) {
		return "", "", false
	}
	if fi, err := os.Stat(path); err != nil || fi.IsDir() {
		return "", "", false
	}
	return path, name, true
}
