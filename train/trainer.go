package train

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"gonas/derive"
	"gonas/engine/data"
	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/engine/optim"
	"gonas/internal/atomicfile"
	"gonas/internal/buildinfo"
	"gonas/internal/spec"
)

// Options are how a run executes. Unlike the Config they may change when a
// run resumes; only Threads changes the arithmetic.
type Options struct {
	Out       string        // output directory (created); required
	Threads   int           // engine goroutines; 0: the checkpoint's count on resume, else GOMAXPROCS
	CkptEvery int64         // also write checkpoint.ckpt every CkptEvery steps (0: at epoch ends only)
	MaxSteps  int64         // stop with a checkpoint once this many steps are taken in total (0: no limit)
	TimeLimit time.Duration // stop with a checkpoint after training this long in this process (0: no limit)
	Workers   int           // data-loader goroutines preparing batches ahead (0: one)
	Progress  Progress      // nil: silent
	Command   string        // the command line, recorded in checkpoints
	Overwrite bool          // start afresh even if Out already holds a checkpoint
	NoPlot    bool          // do not write the curves plots
	DataDir   string        // on resume: where the (same) data lives now, replacing Config.DataDir
	// Train and Test replace the datasets the Config names (tests, data
	// built in memory). A resumed run must be given the same ones.
	Train, Test *data.Dataset
	// MaxMemory refuses a run whose estimated memory exceeds it, in bytes:
	// 0 means this machine's memory, a negative value no limit.
	MaxMemory int64
}

// Trainer trains one network. Create it with New or Resume, then call Run.
type Trainer struct {
	cfg     Config
	opt     Options
	net     *spec.Net
	model   *model.Model
	sgd     *optim.SGD
	sched   StepRate
	ctx     *nn.Ctx // training context: its random source draws drop-path masks
	eval    *model.Inference
	trainLd *data.Loader
	testLd  *data.Loader
	slots   []optim.Slot
	threads int
	counts  derive.Counts
	st      State
	saved   savedState
	resumed string // the checkpoint a resumed run started from
}

// savedState is what the last checkpoint written holds.
type savedState struct {
	ok   bool
	step int64
	pos  data.Position
	desc string
}

// New prepares a fresh run of net under cfg. Its weights are initialised
// from cfg.Seed; the data comes from opt.Train/opt.Test or cfg.Dataset.
func New(net *spec.Net, cfg Config, opt Options) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := prepareOut(&opt); err != nil {
		return nil, err
	}
	if !opt.Overwrite {
		if _, err := os.Stat(filepath.Join(opt.Out, CheckpointFile)); err == nil {
			return nil, fmt.Errorf("%s already holds a checkpoint: resume it, or choose another output directory (or overwrite it on purpose)", opt.Out)
		}
	}
	if err := checkMemory(net, cfg, opt); err != nil {
		return nil, err
	}
	m, err := model.New(net, cfg.Seed)
	if err != nil {
		return nil, err
	}
	t := &Trainer{cfg: cfg, opt: opt, net: net, model: m}
	t.threads = opt.Threads
	if t.threads <= 0 {
		t.threads = runtime.GOMAXPROCS(0)
	}
	t.ctx = nn.NewCtx(deriveSeed(cfg.Seed, seedDropPath), t.threads)
	t.sgd = optim.NewSGD(cfg.Momentum, cfg.WeightDecay, cfg.Nesterov)
	if err := t.setup(); err != nil {
		return nil, err
	}
	// A fresh run must not inherit the metrics of an overwritten one.
	for _, f := range []string{MetricsFile, BestFile, CheckpointFile} {
		if err := os.Remove(filepath.Join(opt.Out, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("start run in %s: %w", opt.Out, err)
		}
	}
	return t, nil
}

// Resume continues the run saved in the checkpoint at path. opt.Out
// defaults to the checkpoint's directory, opt.Threads to the thread count
// it was trained with; with those (and the same data) the run continues
// bit-identically.
func Resume(path string, opt Options) (*Trainer, error) {
	c, err := ReadCheckpoint(path)
	if err != nil {
		return nil, err
	}
	h := &c.Header
	if opt.Out == "" {
		opt.Out = filepath.Dir(path)
	}
	if err := prepareOut(&opt); err != nil {
		return nil, err
	}
	if err := h.Config.Validate(); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if h.Net != nil {
		if err := checkMemory(h.Net, h.Config, opt); err != nil {
			return nil, fmt.Errorf("checkpoint %s: %w", path, err)
		}
	}
	m, err := c.Model()
	if err != nil {
		return nil, err
	}
	t := &Trainer{cfg: h.Config, opt: opt, net: h.Net, model: m, st: h.State, resumed: path}
	if opt.DataDir != "" {
		t.cfg.DataDir = opt.DataDir
	}
	t.threads = opt.Threads
	if t.threads <= 0 {
		t.threads = max(h.Threads, 1)
	}
	t.sgd = optim.NewSGD(t.cfg.Momentum, t.cfg.WeightDecay, t.cfg.Nesterov)
	if err := c.loadOptimizer(m, t.sgd); err != nil {
		return nil, err
	}
	t.ctx = nn.NewCtx(0, t.threads)
	if err := t.ctx.SetRNGState(h.State.RNG); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if err := t.setup(); err != nil {
		return nil, err
	}
	if n := t.trainLd.Dataset().Len(); n != h.TrainImages {
		return nil, fmt.Errorf("checkpoint %s: trained on %d images, the training set now has %d: resuming needs the same data", path, h.TrainImages, n)
	}
	if p := t.st.Pos; p.Epoch < 0 || p.Batch < 0 || p.Batch > t.trainLd.BatchesPerEpoch() || p.Epoch > t.cfg.Epochs {
		return nil, fmt.Errorf("checkpoint %s: position %v does not fit %d epochs of %d batches (different data?)", path, p, t.cfg.Epochs, t.trainLd.BatchesPerEpoch())
	}
	if got := len(t.st.History); got != min(t.st.Pos.Epoch, t.cfg.Epochs) {
		return nil, fmt.Errorf("checkpoint %s: %d epochs of metrics at position %v", path, got, t.st.Pos)
	}
	if h.Threads != t.threads {
		t.note("resuming with %d threads; the checkpoint was trained with %d: results will not be bit-identical to an uninterrupted run", t.threads, h.Threads)
	}
	t.saved = savedState{ok: true, step: t.st.Step, pos: t.st.Pos, desc: describePos(t.st)}
	return t, nil
}

// setup builds what New and Resume share: schedule, parameter slots, data
// loaders, evaluation context.
func (t *Trainer) setup() error {
	var err error
	if t.counts, err = derive.Count(t.net); err != nil {
		return err
	}
	for name, p := range t.model.Params.Learned() {
		t.slots = append(t.slots, optim.Slot{Name: name, Data: p.Data, Grad: p.Grad})
	}
	trainSet, testSet := t.opt.Train, t.opt.Test
	if trainSet == nil || testSet == nil {
		a, b, err := LoadData(&t.cfg, t.net.Input, t.net.Classes)
		if err != nil {
			return err
		}
		if trainSet == nil {
			trainSet = a
		}
		if testSet == nil {
			testSet = b
		}
	} else {
		for _, ds := range []*data.Dataset{trainSet, testSet} {
			if err := checkFits(ds, t.net.Input, t.net.Classes); err != nil {
				return err
			}
		}
	}
	aug := data.Augment{}
	if t.cfg.Augment {
		aug = data.StandardAugment(trainSet, t.cfg.Cutout)
	} else if t.cfg.Cutout > 0 {
		aug.Cutout = t.cfg.Cutout
	}
	aug.AutoAugment = t.cfg.AutoAugment
	workers := t.opt.Workers
	if workers <= 0 {
		workers = 1
	}
	t.trainLd, err = data.NewLoader(trainSet, data.LoaderConfig{
		Batch: t.cfg.Batch, Shuffle: true, Augment: aug, Seed: deriveSeed(t.cfg.Seed, seedData), Workers: workers,
	})
	if err != nil {
		return err
	}
	t.testLd, err = data.NewLoader(testSet, data.LoaderConfig{Batch: t.cfg.EvalBatch, Workers: workers})
	if err != nil {
		return err
	}
	if t.sched, err = t.cfg.StepSchedule(t.trainLd.BatchesPerEpoch()); err != nil {
		return err
	}
	t.eval = model.NewInference(t.model, t.threads, 0)
	return nil
}

// prepareOut checks and creates the output directory.
func prepareOut(opt *Options) error {
	if opt.Out == "" {
		return fmt.Errorf("no output directory")
	}
	if err := atomicfile.CheckDir(opt.Out); err != nil {
		return err
	}
	// Temporary files a killed writer left behind.
	if old, _ := filepath.Glob(filepath.Join(opt.Out, ".*.tmp-*")); len(old) > 0 {
		for _, f := range old {
			os.Remove(f)
		}
	}
	return nil
}

// Model is the model being trained.
func (t *Trainer) Model() *model.Model { return t.model }

// Config is the run's configuration.
func (t *Trainer) Config() Config { return t.cfg }

// State is a copy of where the run stands.
func (t *Trainer) State() State { return t.st }

// Threads is the engine's thread count.
func (t *Trainer) Threads() int { return t.threads }

// BatchesPerEpoch is the number of training steps in an epoch.
func (t *Trainer) BatchesPerEpoch() int { return t.trainLd.BatchesPerEpoch() }

// header makes the checkpoint header for the current state.
func (t *Trainer) header(reason string) (*Header, error) {
	rng, err := t.ctx.RNGState()
	if err != nil {
		return nil, err
	}
	t.st.RNG = rng
	h := &Header{
		Format: HeaderFormat, Version: HeaderVersion,
		Gonas: buildinfo.Version(), Command: t.opt.Command, Created: time.Now().UTC().Format(time.RFC3339),
		Reason:   reason,
		Genotype: t.net.Meta.Genotype, OpSet: t.net.Meta.OpSet, GenotypeName: t.net.Meta.Extra["genotype_name"],
		Params: t.counts.Params, AuxParams: t.counts.AuxParams,
		Config: t.cfg, Threads: t.threads,
		TrainImages: t.trainLd.Dataset().Len(), TestImages: t.testLd.Dataset().Len(),
		Optimizer: Optimizer{Kind: "sgd", Step: t.sgd.State().Step},
		State:     t.st, Net: t.net,
	}
	return h, nil
}

// The seeds of the run's random streams derive from Config.Seed.
const (
	seedData     = 1
	seedDropPath = 2
)

// deriveSeed mixes a stream tag into the seed (splitmix64's finaliser).
func deriveSeed(seed, tag uint64) uint64 {
	z := seed + tag*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// describePos says where a state stands, for messages.
func describePos(st State) string {
	if st.Pos.Batch == 0 && st.Pos.Epoch > 0 {
		return fmt.Sprintf("end of epoch %d, step %d", st.Pos.Epoch, st.Step)
	}
	return fmt.Sprintf("epoch %d batch %d, step %d", st.Pos.Epoch+1, st.Pos.Batch, st.Step)
}

func (t *Trainer) note(format string, args ...any) {
	if t.opt.Progress != nil {
		t.opt.Progress.Note(fmt.Sprintf(format, args...))
	}
}

// checkMemory refuses a network whose training step would not fit: the
// estimate counts the weights with their gradients and momentum and every
// activation of a training batch (auxiliary head included).
func checkMemory(net *spec.Net, cfg Config, opt Options) error {
	e := model.EstimateTraining(net, cfg.Batch, 1, nil)
	what := fmt.Sprintf("training this network (%d nodes) with batch %d", len(net.Nodes), cfg.Batch)
	return model.CheckMemory(e, opt.MaxMemory, what)
}
