package train

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"gonas/engine/data"
)

// Progress receives a run's events. Run calls it from its own goroutine.
type Progress interface {
	Begin(RunInfo)
	Step(StepInfo)
	Epoch(m EpochMetrics, best bool)
	Note(msg string)
	End(Result)
}

// RunInfo describes a run as it starts.
type RunInfo struct {
	Epochs, StepsPerEpoch   int
	Pos                     data.Position
	Step                    int64
	TrainImages, TestImages int
	Params                  int64
	Threads                 int
	Resumed                 string // checkpoint resumed from, "" for a fresh run
}

// StepInfo is the state after a training step. Loss and Acc are the running
// means of the epoch so far.
type StepInfo struct {
	Epoch, Epochs  int // 1-based epoch
	Batch, Batches int // batches done in the epoch
	Step           int64
	LR             float64
	Loss, Acc      float64
	ImagesPerSec   float64
	ETA            time.Duration // for the rest of the run's training steps
}

// NewProgress returns a progress bar (loss, accuracy, images/s, ETA) for a
// terminal, or plain lines (one every `every` steps and one per epoch)
// otherwise.
func NewProgress(w io.Writer, terminal bool, every int) Progress {
	if terminal {
		return &barProgress{w: w}
	}
	return &lineProgress{w: w, every: max(every, 1)}
}

// beginLine and friends are shared by both reporters.
func beginLine(i RunInfo) string {
	from := "starting"
	if i.Resumed != "" {
		from = fmt.Sprintf("resuming %s at epoch %d batch %d (step %d),", i.Resumed, i.Pos.Epoch+1, i.Pos.Batch, i.Step)
	}
	return fmt.Sprintf("%s %d epochs of %d steps: %d training / %d test images, %d params, %d threads",
		from, i.Epochs, i.StepsPerEpoch, i.TrainImages, i.TestImages, i.Params, i.Threads)
}

func epochLine(m EpochMetrics, best bool) string {
	mark := ""
	if best {
		mark = " (best)"
	}
	return fmt.Sprintf("epoch %d: lr %.4g train loss %.4f acc %.2f%% | test loss %.4f acc %.2f%%%s | %.0fs, %.1f img/s",
		m.Epoch, m.LR, m.TrainLoss, m.TrainAcc, m.TestLoss, m.TestAcc, mark, m.Seconds, m.ImagesPerSec)
}

func endLine(r Result) string {
	switch r.Stop {
	case StopCompleted:
		return fmt.Sprintf("done: %d epochs, best test accuracy %.2f%% at epoch %d (%s)",
			len(r.State.History), r.State.Best, r.State.BestEpoch, r.Elapsed.Round(time.Second))
	}
	return fmt.Sprintf("stopped (%s) at epoch %d batch %d, step %d; checkpoint %s",
		r.Stop, r.State.Pos.Epoch+1, r.State.Pos.Batch, r.State.Step, r.Checkpoint)
}

func fmtETA(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	return d.Round(time.Second).String()
}

// lineProgress writes plain lines.
type lineProgress struct {
	w     io.Writer
	every int
}

func (p *lineProgress) Begin(i RunInfo) { fmt.Fprintln(p.w, beginLine(i)) }
func (p *lineProgress) Step(s StepInfo) {
	if s.Step%int64(p.every) != 0 && s.Batch != s.Batches {
		return
	}
	fmt.Fprintf(p.w, "epoch %d/%d step %d/%d (%d): loss %.4f acc %.2f%% lr %.4g %.1f img/s eta %s\n",
		s.Epoch, s.Epochs, s.Batch, s.Batches, s.Step, s.Loss, s.Acc, s.LR, s.ImagesPerSec, fmtETA(s.ETA))
}
func (p *lineProgress) Epoch(m EpochMetrics, best bool) { fmt.Fprintln(p.w, epochLine(m, best)) }
func (p *lineProgress) Note(msg string)                 { fmt.Fprintln(p.w, msg) }
func (p *lineProgress) End(r Result)                    { fmt.Fprintln(p.w, endLine(r)) }

// barProgress draws a progress bar per epoch.
type barProgress struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	epoch int
}

func (p *barProgress) Begin(i RunInfo) { fmt.Fprintln(p.w, beginLine(i)) }

func (p *barProgress) Step(s StepInfo) {
	if p.bar == nil || p.epoch != s.Epoch {
		p.finish()
		p.epoch = s.Epoch
		p.bar = progressbar.NewOptions(s.Batches,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(fmt.Sprintf("epoch %d/%d", s.Epoch, s.Epochs)),
			progressbar.OptionSetWidth(24),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(false),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionSetRenderBlankState(true),
		)
		p.bar.Set(s.Batch - 1)
	}
	p.bar.Describe(fmt.Sprintf("epoch %d/%d loss %.4f acc %.2f%% %.0f img/s eta %s",
		s.Epoch, s.Epochs, s.Loss, s.Acc, s.ImagesPerSec, fmtETA(s.ETA)))
	p.bar.Set(s.Batch)
}

func (p *barProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		fmt.Fprintln(p.w)
		p.bar = nil
	}
}

func (p *barProgress) Epoch(m EpochMetrics, best bool) {
	p.finish()
	fmt.Fprintln(p.w, epochLine(m, best))
}

func (p *barProgress) Note(msg string) {
	if p.bar != nil {
		p.bar.Clear()
	}
	fmt.Fprintln(p.w, msg)
}

func (p *barProgress) End(r Result) {
	p.finish()
	fmt.Fprintln(p.w, endLine(r))
}
