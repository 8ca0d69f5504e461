package search

import (
	"fmt"
	"io"
	"strings"
	"time"

	"gonas/engine/data"
	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/engine/optim"
	"gonas/engine/schedule"
	"gonas/internal/spec"
	"gonas/models"
)

// Options are how a search runs, as opposed to what it computes (Config).
type Options struct {
	Out       string        // output directory; "" writes nothing
	Threads   int           // engine goroutines (results are bit-identical for a fixed count)
	Log       io.Writer     // progress lines; nil: none
	LogEvery  int           // a progress line every so many iterations (0: epochs only)
	CkptEvery int           // also checkpoint every so many iterations (0: at epoch ends)
	MaxSteps  int64         // stop (with a checkpoint) once this many iterations are done in total; 0: no limit
	TimeLimit time.Duration // stop (with a checkpoint) after running this long; 0: no limit
	Infer     bool          // evaluate on the architecture's half when done
	NoPlots   bool          // skip the SVG/PNG plots
	Command   string        // the command line, recorded in the outputs
	Version   string        // the gonas version, recorded in the outputs
	// MaxMemory refuses a search whose estimated memory exceeds it, in
	// bytes: 0 means this machine's memory, a negative value no limit.
	MaxMemory int64
}

// Data is the search's split of a training set: the first part trains the
// weights, the second the architecture (docs/papers.md §4, unshuffled).
type Data struct {
	Train, Val *data.Dataset
}

// LoadData reads cfg's dataset, keeps its first Subset images and splits
// it by TrainPortion.
func LoadData(cfg Config) (*Data, error) {
	size := cfg.ImageSize
	if size == 0 && cfg.ImageNetStem {
		size = 224
	}
	ds, err := data.Load(cfg.Dataset, "train", data.Options{Dir: cfg.DataDir, H: size, W: size})
	if err != nil {
		return nil, fmt.Errorf("search data: %w", err)
	}
	if cfg.Subset > 0 && cfg.Subset < ds.Len() {
		if ds, err = ds.Subset(0, cfg.Subset); err != nil {
			return nil, fmt.Errorf("search data: %w", err)
		}
	}
	a, b, err := data.Split(ds, cfg.TrainPortion)
	if err != nil {
		return nil, fmt.Errorf("search data: %w", err)
	}
	for _, half := range []*data.Dataset{a, b} {
		if err := half.CheckClasses(); err != nil {
			return nil, fmt.Errorf("search data: %w", err)
		}
	}
	return &Data{Train: a, Val: b}, nil
}

// withAutoAugment is a with AutoAugment on or off.
func withAutoAugment(a data.Augment, on bool) data.Augment {
	a.AutoAugment = on
	return a
}

// Searcher runs one search: the supernet and its weights, the strategy, the
// optimizers, the data and the state.
type Searcher struct {
	Config   Config
	Net      *Supernet
	Model    *model.Model
	Strategy Strategy
	OpSet    *models.OpSet
	State    State

	opt     Options
	ctx     *nn.Ctx
	sgd     *optim.SGD
	adam    *optim.Adam
	sched   schedule.Schedule
	data    *Data
	trainL  *data.Loader
	valL    *data.Loader
	wSlots  []optim.Slot
	aSlots  []optim.Slot
	bufs    [2]data.Batch
	resumed string
}

// mixSeed derives independent seeds for the search's random streams.
func mixSeed(seed, tag uint64) uint64 {
	z := seed + tag*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// New prepares a search of cfg on d (nil: loaded from cfg's dataset).
func New(cfg Config, d *Data, opt Options) (*Searcher, error) {
	if err := cfg.Check(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if err := checkOut(opt.Out); err != nil {
		return nil, err
	}
	method, err := LookupMethod(cfg.Method)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	set, err := models.LookupOpSet(cfg.OpSet)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	space, err := models.ResolveSpace(cfg.Space, set)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if d == nil {
		if d, err = LoadData(cfg); err != nil {
			return nil, err
		}
	}
	if d.Train == nil || d.Val == nil || d.Train.Len() == 0 || d.Val.Len() == 0 {
		return nil, fmt.Errorf("search: both halves of the data need images")
	}
	tr := d.Train
	if v := d.Val; v.C != tr.C || v.H != tr.H || v.W != tr.W || v.Classes != tr.Classes {
		return nil, fmt.Errorf("search: the two halves differ: %dx%dx%d (%d classes) and %dx%dx%d (%d classes)",
			tr.C, tr.H, tr.W, tr.Classes, v.C, v.H, v.W, v.Classes)
	}
	net, err := BuildSupernet(NetConfig{
		OpSet: set, Space: space, Input: spec.Shape{C: tr.C, H: tr.H, W: tr.W}, Classes: tr.Classes,
		C: cfg.Channels, Layers: cfg.Layers, Steps: cfg.Steps, Multiplier: cfg.Multiplier,
		StemMultiplier: cfg.StemMultiplier, Partial: cfg.Partial, MidChannels: cfg.MidChannels,
		FixedReduce: cfg.Extra[ExtraFixedReduce] != 0, LastAct: cfg.Extra[ExtraLastAct] != 0, ImageNetStem: cfg.ImageNetStem,
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if err := checkMemory(net.Net, cfg, opt.MaxMemory); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	m, err := model.New(net.Net, cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	strat, err := method.New(net, cfg)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	s := &Searcher{Config: cfg, Net: net, Model: m, Strategy: strat, OpSet: set, opt: opt, data: d,
		ctx:  nn.NewCtx(mixSeed(cfg.Seed, 3), max(opt.Threads, 1)),
		sgd:  optim.NewSGD(cfg.Momentum, cfg.WeightDecay, cfg.Nesterov),
		adam: optim.NewAdam(cfg.ArchBeta1, cfg.ArchBeta2, 1e-8, cfg.ArchWeightDecay)}
	if s.sched, err = makeSchedule(cfg); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	for i, half := range []*data.Dataset{d.Train, d.Val} {
		l, err := data.NewLoader(half, data.LoaderConfig{Batch: cfg.Batch, Shuffle: true,
			Augment: withAutoAugment(data.StandardAugment(half, 0), cfg.AutoAugment), Seed: mixSeed(cfg.Seed, uint64(1+i))})
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if i == 0 {
			s.trainL = l
		} else {
			s.valL = l
		}
	}
	for name, t := range m.Params.Learned() {
		s.wSlots = append(s.wSlots, optim.Slot{Name: name, Data: t.Data, Grad: t.Grad})
	}
	for name, t := range strat.Arch().Learned() {
		s.aSlots = append(s.aSlots, optim.Slot{Name: name, Data: t.Data, Grad: t.Grad})
	}
	s.account()
	if err := s.record(0, 0, Partial{}, false); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return s, nil
}

// makeSchedule is the weight learning-rate schedule of cfg. A one-epoch
// power-cosine run (which has no annealing to do) keeps the maximum.
func makeSchedule(cfg Config) (schedule.Schedule, error) {
	if cfg.Schedule == SchedulePowerCosine {
		if cfg.Epochs < 2 {
			return schedule.Constant(cfg.LR), nil
		}
		return schedule.NewPowerCosine(cfg.LR, cfg.LRMin, cfg.Epochs, cfg.Power, cfg.LRWarmup)
	}
	return schedule.Cosine{Max: cfg.LR, Min: cfg.LRMin, Epochs: cfg.Epochs, StepFirst: true}, nil
}

// account declares the memory the search holds besides activations: the
// weights with their gradients and momentum buffers, the architecture
// parameters with their gradients and Adam's two moments.
func (s *Searcher) account() {
	w := s.Model.Params.Bytes() + s.Model.Params.Count()*4
	a := s.Strategy.Arch().Bytes() + 2*s.Strategy.Arch().Count()*4
	s.ctx.Account(w + a)
}

// Ctx is the engine context the search runs on (memory figures, threads).
func (s *Searcher) Ctx() *nn.Ctx { return s.ctx }

// Data is the search's data.
func (s *Searcher) Data() *Data { return s.data }

// BatchesPerEpoch is the number of iterations per epoch.
func (s *Searcher) BatchesPerEpoch() int { return s.trainL.BatchesPerEpoch() }

// record appends the architecture record of epoch e (0: initial).
func (s *Searcher) record(e int, lr float64, p Partial, archOn bool) error {
	g, err := s.Strategy.Genotype()
	if err != nil {
		return err
	}
	r := EpochRecord{Epoch: e, Step: s.State.Step, LR: lr, ArchActive: archOn,
		TrainLoss: p.Train.Loss(), TrainAcc: p.Train.Acc(), ValLoss: p.Val.Loss(), ValAcc: p.Val.Acc(),
		Seconds: p.Seconds, Genotype: g.String(), NormalSkips: s.OpSet.CountIdentity(g.Normal), ReduceSkips: s.OpSet.CountIdentity(g.Reduce)}
	if p.Seconds > 0 {
		r.ImagesPerSec = float64(p.Train.N) / p.Seconds
	}
	s.Strategy.Record(&r.ArchRecord)
	s.State.History = append(s.State.History, r)
	return nil
}

// compact prints a genotype on one line: "op j, op j | ..." per cell.
func compact(g *models.Genotype) string {
	cell := func(ps []models.Pair) string {
		var b strings.Builder
		for i, p := range ps {
			switch {
			case i == 0:
			case i%2 == 0:
				b.WriteString(" | ")
			default:
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %d", p.Op, p.Input)
		}
		return b.String()
	}
	return "normal: " + cell(g.Normal) + "  reduce: " + cell(g.Reduce)
}
