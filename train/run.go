package train

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"time"

	"gonas/engine/data"
	"gonas/engine/nn"
	"gonas/engine/optim"
)

// Result is how a run ended.
type Result struct {
	Stop       Stop
	State      State         // where it stands (History holds every finished epoch)
	Checkpoint string        // the last checkpoint written ("" if none)
	Elapsed    time.Duration // time spent in Run
}

// maxListedClasses bounds the datasets whose class counts a run lists.
const maxListedClasses = 20

// Run trains until every epoch is done, a limit of the Options is reached
// or ctx is cancelled; in the last two cases it first writes a checkpoint
// at the current position. A non-finite loss, gradient norm, parameter or
// test loss ends it with a *DivergedError and writes nothing.
func (t *Trainer) Run(ctx context.Context) (*Result, error) {
	start := time.Now()
	sess := session{start: start, startStep: t.st.Step}
	nb := t.trainLd.BatchesPerEpoch()
	if p := t.opt.Progress; p != nil {
		p.Begin(RunInfo{
			Epochs: t.cfg.Epochs, StepsPerEpoch: nb, Pos: t.st.Pos, Step: t.st.Step,
			TrainImages: t.trainLd.Dataset().Len(), TestImages: t.testLd.Dataset().Len(),
			Params: t.counts.Params, Threads: t.threads, Resumed: t.resumed,
		})
	}
	if tr, te := t.trainLd.Dataset(), t.testLd.Dataset(); tr.Classes <= maxListedClasses {
		t.note("classes of the training images: %s; of the test images: %s", tr.ClassCounts(), te.ClassCounts())
	}
	if t.resumed != "" && len(t.st.History) > 0 {
		// The process that wrote the checkpoint may have died before
		// rewriting the metrics; they are the checkpoint's history.
		if err := writeMetrics(filepath.Join(t.opt.Out, MetricsFile), t.st.History); err != nil {
			return nil, err
		}
	}
	result := func(stop Stop) (*Result, error) {
		r := &Result{Stop: stop, State: t.st, Elapsed: time.Since(start)}
		if t.saved.ok {
			r.Checkpoint = filepath.Join(t.opt.Out, CheckpointFile)
		}
		if p := t.opt.Progress; p != nil {
			p.End(*r)
		}
		return r, nil
	}
	for !t.st.Done && t.st.Pos.Epoch < t.cfg.Epochs {
		e := t.st.Pos.Epoch
		lr := t.sched.Rate(e, t.st.Pos.Batch)
		t.model.SetDropPath(t.cfg.DropPathAt(e))
		it := t.trainLd.Epoch(e, t.st.Pos.Batch)
		for {
			if stop := t.limit(ctx, &sess); stop != "" {
				it.Close()
				if err := t.save(string(stop), false); err != nil {
					return nil, err
				}
				return result(stop)
			}
			b, ok := it.Next()
			if !ok {
				break
			}
			lr = t.sched.Rate(e, b.Pos.Batch)
			t0 := time.Now()
			loss, correct, err := t.step(b, lr)
			if err != nil {
				it.Close()
				return nil, err
			}
			dt := time.Since(t0).Seconds()
			t.st.Step++
			t.st.Pos = data.Position{Epoch: e, Batch: b.Pos.Batch + 1}
			t.st.Partial.add(loss, correct, b.N, dt)
			sess.steps++
			sess.seconds += dt
			t.reportStep(&sess, lr, b.N, nb)
			if t.opt.CkptEvery > 0 && t.st.Step%t.opt.CkptEvery == 0 && t.st.Pos.Batch < nb {
				if err := t.save("step", false); err != nil {
					it.Close()
					return nil, err
				}
			}
		}
		it.Close()
		if err := t.endEpoch(e, t.sched.Rate(e, nb-1)); err != nil { // the rate of the epoch's last step
			return nil, err
		}
	}
	t.st.Done = true
	return result(StopCompleted)
}

// session is this process's share of the run, for rates and limits.
type session struct {
	start     time.Time
	startStep int64
	steps     int64   // steps taken in this process
	seconds   float64 // time those steps took
}

// limit tells whether the run must stop before the next step.
func (t *Trainer) limit(ctx context.Context, s *session) Stop {
	switch {
	case ctx.Err() != nil:
		return StopInterrupted
	case t.opt.MaxSteps > 0 && t.st.Step >= t.opt.MaxSteps:
		return StopMaxSteps
	case t.opt.TimeLimit > 0 && time.Since(s.start) >= t.opt.TimeLimit:
		return StopTimeLimit
	}
	return ""
}

// step trains on one batch and returns its loss and correct count.
func (t *Trainer) step(b *data.Batch, lr float64) (float64, int, error) {
	ctx, cfg := t.ctx, &t.cfg
	x, err := nn.FromData(b.X, b.N, b.C, b.H, b.W)
	if err != nil {
		return 0, 0, fmt.Errorf("step %d: %w", t.st.Step+1, err)
	}
	t.model.Params.ZeroGrad()
	logits, aux, err := t.model.Forward(ctx, x)
	if err != nil {
		ctx.Reset()
		return 0, 0, fmt.Errorf("epoch %d step %d: %w", t.st.Pos.Epoch+1, t.st.Step+1, err)
	}
	loss := nn.SoftmaxCrossEntropy(ctx, logits, b.Y, cfg.LabelSmoothing)
	if aux != nil && cfg.AuxWeight > 0 {
		loss = nn.Add(ctx, loss, nn.Scale(ctx, nn.SoftmaxCrossEntropy(ctx, aux, b.Y, cfg.LabelSmoothing), float32(cfg.AuxWeight)))
	}
	if err := ctx.Err(); err != nil {
		ctx.Reset()
		return 0, 0, fmt.Errorf("epoch %d step %d: %w", t.st.Pos.Epoch+1, t.st.Step+1, err)
	}
	lv := float64(loss.Item())
	correct := CountCorrect(logits.Data, b.Y)
	if !finite(lv) {
		ctx.Reset()
		return 0, 0, t.diverged(b.Pos.Batch, "loss", lv)
	}
	if err := ctx.Backward(loss); err != nil {
		return 0, 0, fmt.Errorf("epoch %d step %d: %w", t.st.Pos.Epoch+1, t.st.Step+1, err)
	}
	clip := cfg.GradClip
	if clip <= 0 {
		clip = math.Inf(1) // measure the norm only, to catch non-finite gradients
	}
	if norm, err := optim.ClipGradNorm(t.slots, clip); err != nil {
		return 0, 0, t.diverged(b.Pos.Batch, "gradient norm", norm)
	}
	t.sgd.Step(t.slots, lr)
	for _, s := range t.slots {
		for _, v := range s.Data {
			if !finite(float64(v)) {
				return 0, 0, t.diverged(b.Pos.Batch, "parameter "+s.Name, float64(v))
			}
		}
	}
	return lv, correct, nil
}

// endEpoch evaluates, records the epoch and writes the checkpoints,
// metrics and plots.
func (t *Trainer) endEpoch(e int, lr float64) error {
	t0 := time.Now()
	ev, err := evaluate(t.testLd, t.eval)
	if err != nil {
		return fmt.Errorf("epoch %d: %w", e+1, err)
	}
	if !finite(ev.Loss) {
		return t.diverged(-1, "test loss", ev.Loss)
	}
	p := t.st.Partial
	m := EpochMetrics{
		Epoch: e + 1, Step: t.st.Step, LR: lr, DropPath: t.cfg.DropPathAt(e),
		TrainLoss: p.Loss(), TrainAcc: p.Acc(), TestLoss: ev.Loss, TestAcc: ev.Acc,
		Seconds: p.Seconds + time.Since(t0).Seconds(),
	}
	if p.Seconds > 0 {
		m.ImagesPerSec = float64(p.Seen) / p.Seconds
	}
	t.st.History = append(t.st.History, m)
	best := t.st.BestEpoch == 0 || ev.Acc > t.st.Best
	if best {
		t.st.Best, t.st.BestEpoch = ev.Acc, e+1
	}
	t.st.Pos = data.Position{Epoch: e + 1}
	t.st.Partial = Partial{}
	t.st.Done = e+1 >= t.cfg.Epochs
	if err := t.save("epoch", best); err != nil {
		return err
	}
	if err := writeMetrics(filepath.Join(t.opt.Out, MetricsFile), t.st.History); err != nil {
		return err
	}
	if !t.opt.NoPlot {
		if err := WriteCurves(t.opt.Out, t.st.History); err != nil {
			t.note("plot: %v", err)
		}
	}
	if pr := t.opt.Progress; pr != nil {
		pr.Epoch(m, best)
	}
	return nil
}

// save writes checkpoint.ckpt (and best.ckpt) for the current state,
// unless the last checkpoint already holds it.
func (t *Trainer) save(reason string, best bool) error {
	if !best && t.saved.ok && t.saved.step == t.st.Step && t.saved.pos == t.st.Pos {
		return nil
	}
	h, err := t.header(reason)
	if err != nil {
		return err
	}
	paths := []string{filepath.Join(t.opt.Out, CheckpointFile)}
	if best {
		paths = append(paths, filepath.Join(t.opt.Out, BestFile))
	}
	if err := saveCheckpoint(h, t.model, t.sgd, paths...); err != nil {
		return err
	}
	t.saved = savedState{ok: true, step: t.st.Step, pos: t.st.Pos, desc: describePos(t.st)}
	return nil
}

// diverged makes the error for a non-finite value met at batch (of the
// current epoch; -1 in evaluation).
func (t *Trainer) diverged(batch int, what string, v float64) error {
	e := &DivergedError{Epoch: t.st.Pos.Epoch + 1, Batch: batch, Step: t.st.Step + 1, What: what, Value: v}
	if batch < 0 {
		e.Step = t.st.Step
	}
	if t.saved.ok {
		e.Checkpoint, e.CheckpointAt = filepath.Join(t.opt.Out, CheckpointFile), t.saved.desc
	}
	return e
}

// reportStep hands the progress reporter the running figures.
func (t *Trainer) reportStep(s *session, lr float64, n, nb int) {
	pr := t.opt.Progress
	if pr == nil {
		return
	}
	info := StepInfo{
		Epoch: t.st.Pos.Epoch + 1, Epochs: t.cfg.Epochs, Batch: t.st.Pos.Batch, Batches: nb,
		Step: t.st.Step, LR: lr, Loss: t.st.Partial.Loss(), Acc: t.st.Partial.Acc(),
	}
	if s.seconds > 0 {
		perStep := s.seconds / float64(s.steps)
		info.ImagesPerSec = float64(t.st.Partial.Seen) / t.st.Partial.Seconds
		left := int64(t.cfg.Epochs)*int64(nb) - (int64(t.st.Pos.Epoch)*int64(nb) + int64(t.st.Pos.Batch))
		info.ETA = time.Duration(float64(left) * perStep * float64(time.Second))
	}
	pr.Step(info)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
