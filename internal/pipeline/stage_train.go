package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"gonas/internal/stage"
	"gonas/models"
	"gonas/train"
)

// runTrain retrains the derived network (or resumes the retraining from
// its checkpoint), as the stage's `gonas train` command does.
func (r *Runner) runTrain(ctx context.Context, s *Stage) error {
	dir := r.path(s.Dir)
	opt := train.Options{Out: dir, Threads: r.threads, MaxMemory: r.opt.MaxMemory, Progress: train.NewProgress(r.log, false, r.logEvery()),
		Command: r.opt.Command, CkptEvery: r.st.Config.Plan.Train.CkptEvery}
	path := filepath.Join(dir, train.CheckpointFile)
	var (
		tr    *train.Trainer
		err   error
		from  int64 // the step the run continues from
		steps *stepRecorder
	)
	resume := fileExists(path)
	if resume {
		c, herr := train.ReadCheckpointHeader(path)
		if herr != nil {
			return herr
		}
		from = c.Header.State.Step
	}
	if steps, err = newStepRecorder(opt.Progress, filepath.Join(dir, StepsFile), from); err != nil {
		return err
	}
	opt.Progress = steps
	setup, err := r.st.Config.TrainConfig()
	if err != nil {
		return err
	}
	gf, err := models.ReadGenoFile(r.path(GenotypeFile))
	if err != nil {
		return err
	}
	if !resume {
		r.logf("same as: %s", s.Command)
	}
	tr, _, err = stage.Retrain(gf, setup.Net, setup.Train, opt, r.opt.Version, r.opt.Command)
	if err != nil {
		return err
	}
	res, err := tr.Run(ctx)
	if err != nil {
		return err
	}
	if steps.err != nil {
		return steps.err
	}
	if res.Stop != train.StopCompleted {
		if ctx.Err() != nil {
			return ErrInterrupted
		}
		return fmt.Errorf("training stopped early (%s)", res.Stop)
	}
	st := res.State
	if len(st.History) == 0 {
		return fmt.Errorf("training recorded no epochs")
	}
	sum, err := train.Inspect(path)
	if err != nil {
		return err
	}
	last := st.History[len(st.History)-1]
	t := &TrainResult{Dir: s.Dir, Checkpoint: filepath.Join(s.Dir, train.CheckpointFile), Epochs: len(st.History), Steps: st.Step,
		TestAcc: last.TestAcc, TestLoss: last.TestLoss, BestAcc: st.Best, BestEpoch: st.BestEpoch, WeightsSHA256: sum.WeightsSHA256, ModelSHA256: sum.ModelSHA256}
	if sum.Training != nil {
		t.TrainImages, t.TestImages = sum.Training.TrainImages, sum.Training.TestImages
	}
	for _, m := range st.History {
		t.ImagesPerSec += m.ImagesPerSec / float64(len(st.History))
	}
	r.st.Train = t
	if err := WriteStepCurves(filepath.Join(dir, StepsPNG), steps.pts, st.History); err != nil {
		return err
	}
	s.Summary = fmt.Sprintf("%d epochs on %d images: test accuracy %.2f%% (Go engine, last epoch), %.0f img/s",
		t.Epochs, t.TrainImages, t.TestAcc, t.ImagesPerSec)
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
