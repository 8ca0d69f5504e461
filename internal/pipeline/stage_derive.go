package pipeline

import (
	"fmt"
	"path/filepath"

	"gonas/derive"
	"gonas/internal/atomicfile"
	"gonas/internal/spec"
	"gonas/models"
)

// Files the derive stage writes into the run folder.
const (
	GenotypeFile = "genotype.geno"
	NetFile      = "net.json"
)

// runDerive picks the genotype (the search's, or the selection's choice),
// writes it with its cell plots and network spec, and counts the network.
func (r *Runner) runDerive(s *Stage) error {
	gf, seed, err := r.chosenGenotype()
	if err != nil {
		return err
	}
	setup, err := r.st.Config.TrainConfig()
	if err != nil {
		return err
	}
	net, set, err := buildNet(gf, setup.Net, r.opt.Version, r.opt.Command)
	if err != nil {
		return err
	}
	if gf.Comment != "" {
		gf.Comment += "\n"
	}
	gf.Comment += fmt.Sprintf("chosen by gonas run from the search of seed %d", seed)
	if err := models.WriteGenoFile(r.path(GenotypeFile), gf); err != nil {
		return err
	}
	if err := writeCellPlots(r.dir, &gf.Genotype); err != nil {
		return err
	}
	if err := spec.Write(r.path(NetFile), net); err != nil {
		return err
	}
	c, err := derive.Count(net)
	if err != nil {
		return err
	}
	r.st.Net = &NetResult{GenotypeFile: GenotypeFile, Name: gf.Name, Genotype: gf.Genotype.String(), OpSet: set.Name, Seed: seed,
		Layers: setup.Net.Layers, Channels: setup.Net.Channels, Classes: setup.Net.Classes,
		Input: fmt.Sprintf("%dx%dx%d", setup.Net.Input.C, setup.Net.Input.H, setup.Net.Input.W), Counts: c}
	s.Summary = fmt.Sprintf("%s: %d cells, C=%d: %s params, %s multiply-adds per image", GenotypeFile, setup.Net.Layers,
		setup.Net.Channels, thousands(c.Params), humanCount(c.MACs))
	r.logf("genotype %s\n%s", gf.Genotype.String(), s.Summary)
	return nil
}

// chosenGenotype is the genotype to retrain and the seed of its search.
func (r *Runner) chosenGenotype() (*models.GenoFile, uint64, error) {
	seed := r.st.Config.Seed
	for _, c := range r.st.Selection {
		if c.Chosen {
			seed = c.Seed
		}
	}
	for i := range r.st.Stages {
		s := &r.st.Stages[i]
		if s.Kind == StageSearch && s.Seed == seed {
			gf, err := r.searchGenotype(s)
			return gf, seed, err
		}
	}
	return nil, 0, fmt.Errorf("no search of seed %d in the run", seed)
}

// buildNet derives the network of a genotype file as `gonas train` does,
// recording the version, the command and the genotype's name.
func buildNet(gf *models.GenoFile, dc derive.Config, version, command string) (*spec.Net, *models.OpSet, error) {
	name := gf.OpSet
	if name == "" {
		name = "darts"
	}
	set, err := models.LookupOpSet(name)
	if err != nil {
		return nil, nil, err
	}
	net, err := derive.Build(&gf.Genotype, set, dc)
	if err != nil {
		return nil, nil, err
	}
	if net.Meta.Extra == nil {
		net.Meta.Extra = map[string]string{}
	}
	net.Meta.Extra["gonas_version"] = version
	net.Meta.Extra["command"] = command
	if gf.Name != "" {
		net.Meta.Extra["genotype_name"] = gf.Name
	}
	return net, set, nil
}

// writeCellPlots writes normal/reduce .svg and .dot into dir, as `gonas
// plot` does.
func writeCellPlots(dir string, g *models.Genotype) error {
	for _, which := range []string{"normal", "reduce"} {
		if which == "reduce" && len(g.Reduce) == 0 {
			continue
		}
		svg, err := derive.CellSVG(g, which)
		if err != nil {
			return err
		}
		dot, err := derive.CellDOT(g, which)
		if err != nil {
			return err
		}
		for name, text := range map[string]string{which + ".svg": svg, which + ".dot": dot} {
			if err := atomicfile.Write(filepath.Join(dir, name), []byte(text)); err != nil {
				return err
			}
		}
	}
	return nil
}

// thousands writes n with thousands separators: 1,234,567.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return neg + s
}

// humanCount writes a count as 12.3M or 456.7K.
func humanCount(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fG", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fK", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}
