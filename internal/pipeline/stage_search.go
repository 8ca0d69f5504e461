package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"gonas/models"
	"gonas/search"
)

// runSearch runs (or resumes from its checkpoint) the search of stage s.
func (r *Runner) runSearch(ctx context.Context, s *Stage) error {
	dir := r.path(s.Dir)
	opt := search.Options{Out: dir, Threads: r.threads, MaxMemory: r.opt.MaxMemory, Log: r.log, LogEvery: 10, CkptEvery: r.st.Config.Plan.Search.CkptEvery,
		Infer: true, Command: r.opt.Command, Version: r.opt.Version}
	ckpt := filepath.Join(dir, search.CheckpointFile)
	var (
		sr  *search.Searcher
		err error
	)
	if _, serr := os.Stat(ckpt); serr == nil {
		r.logf("resuming the search from %s", ckpt)
		sr, err = search.Resume(ckpt, nil, opt)
	} else {
		var cfg search.Config
		if cfg, err = r.st.Config.SearchConfig(s.Seed); err != nil {
			return err
		}
		r.logf("same as: %s", s.Command)
		sr, err = search.New(cfg, nil, opt)
	}
	if err != nil {
		return err
	}
	out, err := sr.Run(ctx)
	if err != nil {
		return err
	}
	switch out.Stop {
	case search.StopDone:
	case search.StopInterrupted:
		return ErrInterrupted
	default:
		return fmt.Errorf("search stopped early (%s)", out.Stop)
	}
	res := SearchResult{Seed: s.Seed, Dir: s.Dir, Genotype: out.Genotype.String(), OpSet: sr.OpSet.Name,
		Epochs: len(out.History) - 1, Steps: sr.State.Step, PeakBytes: sr.Ctx().PeakBytes()}
	for _, h := range out.History[1:] {
		res.Seconds += h.Seconds
	}
	if n := len(out.History); n > 1 {
		res.TrainAcc = out.History[n-1].TrainAcc
	}
	if out.Infer != nil {
		res.ValAcc = out.Infer.Acc()
	}
	r.setSearch(res)
	s.Summary = fmt.Sprintf("%s: %d epochs, %d iterations; supernet accuracy %.2f%% on the architecture's half; genotype %s",
		r.st.Config.Method, res.Epochs, res.Steps, res.ValAcc, filepath.Join(s.Dir, search.GenotypeFile))
	return nil
}

// setSearch records a finished search, replacing an earlier record of the
// same seed.
func (r *Runner) setSearch(res SearchResult) {
	for i := range r.st.Searches {
		if r.st.Searches[i].Seed == res.Seed {
			r.st.Searches[i] = res
			return
		}
	}
	r.st.Searches = append(r.st.Searches, res)
}

// searchGenotype reads the genotype a search stage wrote.
func (r *Runner) searchGenotype(s *Stage) (*models.GenoFile, error) {
	return models.ReadGenoFile(r.path(s.Dir, search.GenotypeFile))
}
