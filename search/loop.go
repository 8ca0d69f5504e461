package search

import (
	"context"
	"fmt"
	"time"

	"gonas/engine/data"
	"gonas/engine/nn"
	"gonas/engine/optim"
	"gonas/models"
)

// Why a run stopped (Outcome.Stop, checkpoint reasons).
const (
	StopDone        = "done"
	StopMaxSteps    = "max-steps"
	StopInterrupted = "interrupted"
	StopTimeLimit   = "time-limit"
)

// Outcome is the result of Run.
type Outcome struct {
	Genotype *models.Genotype
	Stop     string
	History  []EpochRecord
	Infer    *Result // the final evaluation on the architecture's half (Options.Infer)
}

// Run searches until the last epoch is done, Options.MaxSteps iterations
// have run, or ctx is cancelled; it checkpoints when it stops and at every
// epoch end. Each iteration takes a batch of each half and, in the
// strategy's order, an architecture step on the validation batch (Adam,
// after the warm-up) and a weight step on the training batch (SGD with the
// epoch's learning rate, gradients clipped to norm GradClip).
func (s *Searcher) Run(ctx context.Context) (*Outcome, error) {
	cfg := s.Config
	s.begin()
	started := time.Now()
	for !s.State.Done {
		e := s.State.Pos.Epoch
		if e >= cfg.Epochs {
			if err := s.finish(); err != nil {
				return nil, err
			}
			break
		}
		lr := s.sched.LR(e)
		archOn := s.Strategy.ArchActive(e)
		s.Strategy.BeginEpoch(e, cfg.Epochs)
		for s.State.Pos.Batch < s.trainL.BatchesPerEpoch() {
			if err := ctx.Err(); err != nil {
				return s.stop(StopInterrupted)
			}
			if s.opt.MaxSteps > 0 && s.State.Step >= s.opt.MaxSteps {
				return s.stop(StopMaxSteps)
			}
			if s.opt.TimeLimit > 0 && time.Since(started) >= s.opt.TimeLimit {
				return s.stop(StopTimeLimit)
			}
			if err := s.iterate(e, lr, archOn); err != nil {
				return nil, fmt.Errorf("search: epoch %d batch %d: %w", e+1, s.State.Pos.Batch+1, err)
			}
			if s.opt.CkptEvery > 0 && s.State.Step%int64(s.opt.CkptEvery) == 0 && s.State.Pos.Batch < s.trainL.BatchesPerEpoch() {
				if err := s.save("step"); err != nil {
					return nil, err
				}
			}
		}
		if err := s.endEpoch(e, lr, archOn); err != nil {
			return nil, err
		}
	}
	g, err := s.Strategy.Genotype()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return &Outcome{Genotype: g, Stop: StopDone, History: s.State.History, Infer: s.State.Infer}, nil
}

// stop checkpoints and reports an early stop.
func (s *Searcher) stop(why string) (*Outcome, error) {
	if err := s.save(why); err != nil {
		return nil, err
	}
	s.logf("stopped (%s) at epoch %d batch %d, iteration %d", why, s.State.Pos.Epoch+1, s.State.Pos.Batch, s.State.Step)
	g, err := s.Strategy.Genotype()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return &Outcome{Genotype: g, Stop: why, History: s.State.History}, nil
}

// toBatch wraps a loader batch for the engine (no copy).
func toBatch(b *data.Batch) (*Batch, error) {
	x, err := nn.FromData(b.X, b.N, b.C, b.H, b.W)
	if err != nil {
		return nil, err
	}
	return &Batch{X: x, Y: b.Y}, nil
}

// iterate runs one iteration of epoch e (the batches at the state's
// positions) and advances the state; Run calls it, Bench directly.
func (s *Searcher) iterate(e int, lr float64, archOn bool) error {
	start := time.Now()
	if err := s.trainL.Fill(&s.bufs[0], s.State.Pos); err != nil {
		return err
	}
	if err := s.valL.Fill(&s.bufs[1], s.State.ValPos); err != nil {
		return err
	}
	train, err := toBatch(&s.bufs[0])
	if err != nil {
		return err
	}
	val, err := toBatch(&s.bufs[1])
	if err != nil {
		return err
	}
	st := &Step{Ctx: s.ctx, Model: s.Model, Strategy: s.Strategy, Train: train, Val: val, Epoch: e,
		LR: lr, Momentum: s.Config.Momentum, WeightDecay: s.Config.WeightDecay, SGD: s.sgd}
	var tr, vr Result
	arch := func() error {
		if !archOn {
			return nil
		}
		s.Strategy.Arch().ZeroGrad()
		r, err := s.Strategy.ArchStep(st)
		if err != nil {
			return fmt.Errorf("architecture step: %w", err)
		}
		if s.Config.ArchGradClip > 0 {
			if _, err := optim.ClipGradNorm(s.aSlots, s.Config.ArchGradClip); err != nil {
				return fmt.Errorf("architecture step: %w", err)
			}
		}
		s.adam.Step(s.aSlots, s.Config.ArchLR)
		s.State.ArchSteps++
		vr = r
		return nil
	}
	weights := func() error {
		s.Model.Params.ZeroGrad()
		r, err := s.Strategy.WeightStep(st)
		if err != nil {
			return fmt.Errorf("weight step: %w", err)
		}
		if s.Config.GradClip > 0 {
			if _, err := optim.ClipGradNorm(s.wSlots, s.Config.GradClip); err != nil {
				return fmt.Errorf("weight step: %w (diverged)", err)
			}
		}
		s.sgd.Step(s.wSlots, lr)
		tr = r
		return nil
	}
	first, second := weights, arch
	if s.Strategy.ArchFirst() {
		first, second = arch, weights
	}
	if err := first(); err != nil {
		return err
	}
	if err := second(); err != nil {
		return err
	}
	p := &s.State.Partial
	p.Train.Add(tr)
	p.Val.Add(vr)
	p.Seconds += time.Since(start).Seconds()
	p.Iters++
	s.State.Step++
	s.State.Pos.Batch++
	s.State.ValPos = data.Position{Epoch: s.State.ValPos.Epoch + 1}
	if n := s.opt.LogEvery; n > 0 && (s.State.Step%int64(n) == 0) {
		val := "val - (warm-up)"
		if p.Val.N > 0 {
			val = fmt.Sprintf("val loss %.4f acc %.2f%%", p.Val.Loss(), p.Val.Acc())
		}
		s.logf("epoch %d/%d step %d/%d: train loss %.4f acc %.2f%% | %s | lr %.4g | %.2f s/it, %.1f img/s",
			e+1, s.Config.Epochs, s.State.Pos.Batch, s.trainL.BatchesPerEpoch(),
			p.Train.Loss(), p.Train.Acc(), val, lr, p.Seconds/float64(p.Iters), float64(p.Train.N)/p.Seconds)
	}
	return nil
}

// endEpoch records the epoch, writes the outputs and moves to the next.
func (s *Searcher) endEpoch(e int, lr float64, archOn bool) error {
	if err := s.record(e+1, lr, s.State.Partial, archOn); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	r := s.State.History[len(s.State.History)-1]
	val := "val (warm-up, no architecture step)"
	if archOn {
		val = fmt.Sprintf("val loss %.4f acc %.2f%%", r.ValLoss, r.ValAcc)
	}
	s.logf("epoch %d/%d: lr %.4g train loss %.4f acc %.2f%% | %s | %.1fs, %.1f img/s",
		e+1, s.Config.Epochs, lr, r.TrainLoss, r.TrainAcc, val, r.Seconds, r.ImagesPerSec)
	if g, err := s.Strategy.Genotype(); err == nil {
		s.logf("  genotype %s", compact(g))
		s.logf("  skip connections: normal %d, reduce %d", r.NormalSkips, r.ReduceSkips)
	}
	s.State.Pos = data.Position{Epoch: e + 1}
	s.State.Partial = Partial{}
	if e+1 >= s.Config.Epochs {
		return s.finish()
	}
	return s.save("epoch")
}

// finish runs the final evaluation (if asked) and writes the last outputs.
func (s *Searcher) finish() error {
	if s.opt.Infer && s.State.Infer == nil {
		r, err := s.Infer()
		if err != nil {
			return err
		}
		s.State.Infer = &r
		s.logf("final evaluation on the architecture's half (%d images): loss %.4f acc %.2f%%", r.N, r.Loss(), r.Acc())
	}
	s.State.Done = true
	return s.save(StopDone)
}

// Infer evaluates the supernet (BN running statistics, no gradients) on
// the whole architecture half, as the reference's infer().
func (s *Searcher) Infer() (Result, error) {
	l, err := data.NewLoader(s.data.Val, data.LoaderConfig{Batch: s.Config.Batch})
	if err != nil {
		return Result{}, fmt.Errorf("search: infer: %w", err)
	}
	st := &Step{Ctx: s.ctx, Model: s.Model, Strategy: s.Strategy}
	var total Result
	var b data.Batch
	for i := 0; i < l.BatchesPerEpoch(); i++ {
		if err := l.Fill(&b, data.Position{Batch: i}); err != nil {
			return total, fmt.Errorf("search: infer: %w", err)
		}
		x, err := toBatch(&b)
		if err != nil {
			return total, fmt.Errorf("search: infer: %w", err)
		}
		r, err := st.Pass(x, PhaseEval)
		if err != nil {
			return total, fmt.Errorf("search: infer: %w", err)
		}
		total.Add(r)
	}
	return total, nil
}

// begin prints what the run is.
func (s *Searcher) begin() {
	cfg := s.Config
	from := "starting"
	if s.resumed != "" {
		from = fmt.Sprintf("resuming %s at epoch %d batch %d (iteration %d):", s.resumed, s.State.Pos.Epoch+1, s.State.Pos.Batch, s.State.Step)
	}
	s.logf("%s %s search on %s: %d images for the weights, %d for the architecture; supernet of %d cells, C=%d, op set %s, space %s (%d ops per edge), weighting %s, %d weights; batch %d, %d iterations per epoch, %d epochs, %d threads",
		from, cfg.Method, cfg.Dataset, s.data.Train.Len(), s.data.Val.Len(), cfg.Layers, cfg.Channels, s.OpSet.Name,
		s.Net.Space().Name, s.Net.Space().Width(), cfg.Weighting, s.Model.Params.Count(), cfg.Batch, s.trainL.BatchesPerEpoch(), cfg.Epochs, s.ctx.Threads())
	if tr, va := s.data.Train, s.data.Val; tr.Classes <= maxListedClasses {
		s.logf("classes of the weights' half: %s; of the architecture's half: %s", tr.ClassCounts(), va.ClassCounts())
	}
	if note := s.Net.Space().Note; note != "" {
		s.logf("space %s: %s", s.Net.Space().Name, note)
	}
}

// maxListedClasses bounds the datasets whose class counts the log lists.
const maxListedClasses = 20

func (s *Searcher) logf(format string, args ...any) {
	if s.opt.Log != nil {
		fmt.Fprintf(s.opt.Log, format+"\n", args...)
	}
}
