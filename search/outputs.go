package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonas/derive"
	"gonas/internal/atomicfile"
	"gonas/models"
)

// writeOutputs writes the genotype so far, alphas.jsonl and the plots.
func (s *Searcher) writeOutputs() error {
	dir := s.opt.Out
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("search output: %w", err)
	}
	g, err := s.Strategy.Genotype()
	if err != nil {
		return fmt.Errorf("search output: %w", err)
	}
	gf := &models.GenoFile{Name: s.genoName(), OpSet: s.OpSet.Name, Space: s.spaceName(), Comment: s.provenance(), Genotype: *g}
	if err := models.WriteGenoFile(filepath.Join(dir, GenotypeFile), gf); err != nil {
		return err
	}
	if err := WriteAlphas(filepath.Join(dir, AlphasFile), s.State.History); err != nil {
		return err
	}
	if s.opt.NoPlots {
		return nil
	}
	if err := WriteAlphaPlots(dir, s.State.History); err != nil {
		return err
	}
	if _, err := derive.WriteCellPlots(dir, g); err != nil {
		return fmt.Errorf("search output: %w", err)
	}
	return nil
}

// spaceName is the space a genotype file records: empty for s0, which is
// what a genotype without a space line means.
func (s *Searcher) spaceName() string {
	if n := s.Net.Space().Name; n != models.SpaceS0 {
		return n
	}
	return ""
}

// genoName names the searched genotype, e.g. darts_mnist_seed2 (an image
// folder by its base name: darts_folder_cifar10_seed2), within the 64
// characters a genotype name may have.
func (s *Searcher) genoName() string {
	ds := s.Config.Dataset
	if dir, ok := strings.CutPrefix(ds, "folder:"); ok {
		ds = "folder_" + filepath.Base(dir)
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s.Config.Method + "_" + ds) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	seed := "_seed" + strconv.FormatUint(s.Config.Seed, 10)
	name := b.String()
	if len(name)+len(seed) > 64 {
		name = name[:64-len(seed)]
	}
	return name + seed
}

// provenance is the .geno comment: how the genotype was made.
func (s *Searcher) provenance() string {
	c := s.Config
	done := len(s.State.History) - 1
	lines := []string{
		fmt.Sprintf("searched by gonas %s: method %s, op set %s, space %s, weighting %s, dataset %s",
			orUnknown(s.opt.Version), c.Method, s.OpSet.Name, s.Net.Space().Name, c.Weighting, c.Dataset),
		fmt.Sprintf("epochs %d of %d, iteration %d, batch %d, layers %d, channels %d, seed %d, threads %d",
			done, c.Epochs, s.State.Step, c.Batch, c.Layers, c.Channels, c.Seed, s.ctx.Threads()),
	}
	if c.Subset > 0 {
		lines = append(lines, fmt.Sprintf("subset: the first %d training images", c.Subset))
	}
	if s.opt.Command != "" {
		lines = append(lines, "command: "+s.opt.Command)
	}
	return strings.Join(lines, "\n")
}

func orUnknown(v string) string {
	if v == "" {
		return "(unknown version)"
	}
	return v
}

// WriteAlphas writes the records, one JSON object per line, atomically.
func WriteAlphas(path string, hist []EpochRecord) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range hist {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := atomicfile.Write(path, buf.Bytes()); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadAlphas reads an alphas.jsonl file.
func ReadAlphas(path string) ([]EpochRecord, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read alphas: %w", err)
	}
	var out []EpochRecord
	dec := json.NewDecoder(bytes.NewReader(b))
	for dec.More() {
		var r EpochRecord
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("read %s: record %d: %w", path, len(out)+1, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// checkOut makes sure the output folder (if any) can be written before the
// search computes anything it would then lose.
func checkOut(dir string) error {
	if dir == "" {
		return nil
	}
	if err := atomicfile.CheckDir(dir); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	return nil
}
