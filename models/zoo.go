package models

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

// zooText is the zoo: published genotypes with their op sets and sources
// (format described at the top of the file).
//
//go:embed zoo.txt
var zooText string

// ZooEntry is a published genotype: its name as the reference code spells
// it, the op set it must be built with, and where it was published.
type ZooEntry struct {
	Name     string
	OpSet    string
	Source   string
	Genotype *Genotype
}

// GenoFile returns the entry as a GenoFile (a copy).
func (e ZooEntry) GenoFile() *GenoFile {
	gf := &GenoFile{Name: e.Name, OpSet: e.OpSet, Comment: "from the gonas zoo; source: " + e.Source}
	if e.Genotype != nil {
		gf.Genotype = *e.Genotype.Clone()
	}
	return gf
}

type zooIndex struct {
	entries []ZooEntry
	byName  map[string]int // lower-case name or alias -> index
}

var loadZoo = sync.OnceValue(func() *zooIndex {
	z, err := parseZoo(zooText)
	if err != nil {
		panic(err) // the embedded file is checked by the tests
	}
	return z
})

// Zoo lists the published genotypes in file order. The genotypes are copies:
// changing them does not change the zoo.
func Zoo() []ZooEntry {
	z := loadZoo()
	out := make([]ZooEntry, len(z.entries))
	for i, e := range z.entries {
		e.Genotype = e.Genotype.Clone()
		out[i] = e
	}
	return out
}

// LookupZoo finds a zoo entry by name, ignoring case; the reference code's
// aliases DARTS (= DARTS_V2) and PCDARTS (= PC_DARTS_cifar) work too. The
// genotype is a copy.
func LookupZoo(name string) (ZooEntry, bool) {
	z := loadZoo()
	i, ok := z.byName[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return ZooEntry{}, false
	}
	e := z.entries[i]
	e.Genotype = e.Genotype.Clone()
	return e, true
}

// ZooNames lists the entry names in file order (aliases excluded).
func ZooNames() []string {
	z := loadZoo()
	names := make([]string, len(z.entries))
	for i, e := range z.entries {
		names[i] = e.Name
	}
	return names
}

// parseZoo reads the zoo format: '#' comments and blank lines, "source TEXT",
// "alias NAME = TARGET" and "OPSET NAME = Genotype(...)" lines.
func parseZoo(text string) (*zooIndex, error) {
	z := &zooIndex{byName: map[string]int{}}
	source := ""
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		errorf := func(format string, args ...any) error {
			return fmt.Errorf("zoo.txt:%d: %s", n+1, fmt.Sprintf(format, args...))
		}
		word, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch word {
		case "source":
			source = rest
		case "alias":
			alias, target, ok := strings.Cut(rest, "=")
			alias, target = strings.TrimSpace(alias), strings.TrimSpace(target)
			i, found := z.byName[strings.ToLower(target)]
			if !ok || alias == "" || !found {
				return nil, errorf("want alias NAME = TARGET with TARGET an entry above")
			}
			if _, dup := z.byName[strings.ToLower(alias)]; dup {
				return nil, errorf("name %s defined twice", alias)
			}
			z.byName[strings.ToLower(alias)] = i
		default:
			if !validGenoOpName(word) {
				return nil, errorf("bad op set %q", word)
			}
			gf, err := ParseGenoFile(rest, ParseOptions{})
			if err != nil {
				return nil, errorf("%v", err)
			}
			if gf.Name == "" {
				return nil, errorf("want OPSET NAME = Genotype(...)")
			}
			if _, dup := z.byName[strings.ToLower(gf.Name)]; dup {
				return nil, errorf("name %s defined twice", gf.Name)
			}
			if source == "" {
				return nil, errorf("entry %s has no source line before it", gf.Name)
			}
			z.byName[strings.ToLower(gf.Name)] = len(z.entries)
			z.entries = append(z.entries, ZooEntry{Name: gf.Name, OpSet: word, Source: source, Genotype: &gf.Genotype})
		}
	}
	return z, nil
}
