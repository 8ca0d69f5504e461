package pipeline

import (
	"fmt"

	"gonas/derive"
	"gonas/internal/spec"
	"gonas/internal/stage"
	"gonas/internal/units"
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
	net, set, err := stage.DeriveFile(gf, setup.Net, r.opt.Version, r.opt.Command)
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
	if _, err := derive.WriteCellPlots(r.dir, &gf.Genotype); err != nil {
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
		setup.Net.Channels, units.Thousands(c.Params), units.Count(c.MACs))
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
