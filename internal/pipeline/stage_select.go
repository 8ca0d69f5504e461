package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"

	"gonas/engine/data"
	"gonas/internal/stage"
	"gonas/train"
)

// runSelect retrains each search's genotype briefly on the weights' part
// of the search split and ranks them by accuracy on the architecture's
// part, the validation split (docs/papers.md §4, "Selection": the test split
// plays no part).
func (r *Runner) runSelect(ctx context.Context, s *Stage) error {
	cfg := &r.st.Config
	setup, err := cfg.SelectConfig()
	if err != nil {
		return err
	}
	sc, err := cfg.SearchConfig(cfg.Seed)
	if err != nil {
		return err
	}
	tc := setup.Train
	tc.Subset = cfg.Plan.Select.Subset
	full, err := train.LoadSplit(&tc, "train", setup.Net.Input, setup.Net.Classes)
	if err != nil {
		return fmt.Errorf("selection data: %w", err)
	}
	trainSet, valSet, err := data.Split(full, sc.TrainPortion)
	if err != nil {
		return fmt.Errorf("selection data: %w", err)
	}
	tc.Subset = 0
	r.logf("selection: %d candidates, each trained %d epoch(s) on %d images and validated on %d",
		r.st.Config.Seeds, tc.Epochs, trainSet.Len(), valSet.Len())
	var cands []Candidate
	for i := range r.st.Stages {
		ss := &r.st.Stages[i]
		if ss.Kind != StageSearch {
			continue
		}
		gf, err := r.searchGenotype(ss)
		if err != nil {
			return err
		}
		sub := filepath.Join(s.Dir, "seed"+strconv.FormatUint(ss.Seed, 10))
		dir := r.path(sub)
		r.logf("-- candidate of seed %d: %s", ss.Seed, gf.Genotype.String())
		opt := train.Options{Out: dir, Threads: r.threads, MaxMemory: r.opt.MaxMemory, Progress: train.NewProgress(r.log, false, r.logEvery()),
			Command: r.opt.Command, NoPlot: true, Train: trainSet, Test: valSet}
		tr, _, err := stage.Retrain(gf, setup.Net, tc, opt, r.opt.Version, r.opt.Command)
		if err != nil {
			return fmt.Errorf("candidate of seed %d: %w", ss.Seed, err)
		}
		res, err := tr.Run(ctx)
		if err != nil {
			return fmt.Errorf("candidate of seed %d: %w", ss.Seed, err)
		}
		if res.Stop != train.StopCompleted {
			if ctx.Err() != nil {
				return ErrInterrupted
			}
			return fmt.Errorf("candidate of seed %d stopped early (%s)", ss.Seed, res.Stop)
		}
		h := res.State.History
		if len(h) == 0 {
			return fmt.Errorf("candidate of seed %d: no epochs recorded", ss.Seed)
		}
		last := h[len(h)-1]
		cands = append(cands, Candidate{Seed: ss.Seed, Dir: sub, Genotype: gf.Genotype.String(), ValAcc: last.TestAcc, ValLoss: last.TestLoss})
	}
	best := chooseCandidate(cands)
	if best < 0 {
		return fmt.Errorf("selection: no candidates")
	}
	cands[best].Chosen = true
	r.st.Selection = cands
	s.Summary = fmt.Sprintf("seed %d chosen: validation accuracy %.2f%% (of %d candidates)", cands[best].Seed, cands[best].ValAcc, len(cands))
	return nil
}

// chooseCandidate is the index of the best candidate: the highest
// validation accuracy, then the lowest validation loss, then the first.
func chooseCandidate(cs []Candidate) int {
	best := -1
	for i, c := range cs {
		if best < 0 || c.ValAcc > cs[best].ValAcc || c.ValAcc == cs[best].ValAcc && c.ValLoss < cs[best].ValLoss {
			best = i
		}
	}
	return best
}

// logEvery is the training progress interval.
func (r *Runner) logEvery() int {
	if r.opt.LogEvery > 0 {
		return r.opt.LogEvery
	}
	return 50
}
