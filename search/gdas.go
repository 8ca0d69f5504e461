package search

import (
	"fmt"

	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/internal/spec"
	"gonas/models"
)

// Method-specific settings of the Gumbel methods, kept in Config.Extra.
const (
	ExtraTauMax      = "tau_max"      // the first epoch's temperature (10)
	ExtraTauMin      = "tau_min"      // the last epoch's temperature (0.1)
	ExtraTauOriginal = "tau_original" // 1: the 2019 GDAS schedule, Max - (Max-Min)*epoch/epochs
	ExtraFixedReduce = "fixed_reduce" // 1: GDAS-FRC, the fixed reduction cell (no reduce alphas)
	ExtraDeriveDARTS = "derive_darts" // 1: GDAS derives by the DARTS rule instead of AutoDL's
	ExtraK           = "k"            // ROME: sub-networks sampled per step (K)
	ExtraLastAct     = "last_act"     // 1: BN+ReLU before global pooling (AutoDL's GDAS lastact)
)

// GDAS is Gumbel-softmax differentiable architecture sampling [GDAS;
// AutoDL search_model_gdas_nasnet.py]: every forward pass samples one op per
// edge (one sample shared by all normal cells, one by all reduction cells)
// with the hard Gumbel-softmax at a temperature that decays from 10 to 0.1,
// runs only the sampled ops, and sends the gradient to alpha through the
// straight-through estimator. The weight step comes first, then the
// architecture step, each with a fresh sample. The genotype is read off by
// AutoDL's rule (the top-2 (op, input) pairs of each node) or, as an
// option, the DARTS rule of the 2019 code.
type GDAS struct {
	net       *Supernet
	arch      *Arch
	tauSched  TauSchedule
	tau       float64
	dartsRule bool
	fixed     bool // GDAS-FRC: the reduction cells are fixed, alphas_reduce does not exist
}

// NewGDAS makes the GDAS strategy on net. The supernet's reduction cells
// are the fixed GDAS-FRC cell exactly when they contain no Mix node; then
// only alphas_normal exists and the genotype's reduce cell is None.
func NewGDAS(net *Supernet, cfg Config) (*GDAS, error) {
	tau, err := tauFromConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("gdas: %w", err)
	}
	a, err := NewArch(net.Space(), net.Config.Steps, false, cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("gdas: %w", err)
	}
	g := &GDAS{net: net, arch: a, tauSched: tau, tau: tau.Max, dartsRule: cfg.Extra[ExtraDeriveDARTS] != 0}
	mixes := mixCells(net.Net)
	if wantFixed := cfg.Extra[ExtraFixedReduce] != 0; wantFixed && mixes[1] {
		return nil, fmt.Errorf("gdas: the fixed reduction cell was asked for but the supernet's reduction cells are searched")
	}
	if !mixes[0] {
		return nil, fmt.Errorf("gdas: the supernet has no searchable normal cell")
	}
	if !mixes[1] {
		// GDAS-FRC: keep alphas_normal only.
		g.fixed = true
		p := nn.NewParams()
		if err := p.Add(AlphasNormal, a.Alphas[0], false); err != nil {
			return nil, fmt.Errorf("gdas: %w", err)
		}
		a.Params, a.Alphas[1] = p, nil
	}
	return g, nil
}

// tauFromConfig reads the temperature schedule (defaults 10 -> 0.1).
func tauFromConfig(cfg Config) (TauSchedule, error) {
	t := DefaultTau
	if v, ok := cfg.Extra[ExtraTauMax]; ok {
		t.Max = v
	}
	if v, ok := cfg.Extra[ExtraTauMin]; ok {
		t.Min = v
	}
	t.Original = cfg.Extra[ExtraTauOriginal] != 0
	return t, t.Validate()
}

// mixCells reports which cell types (normal, reduce) have Mix nodes.
func mixCells(net *spec.Net) [2]bool {
	var has [2]bool
	for i := range net.Nodes {
		if mi := net.Nodes[i].Mix; mi != nil {
			has[cellIndex(mi.Cell)] = true
		}
	}
	return has
}

// Name implements Strategy.
func (g *GDAS) Name() string { return "gdas" }

// Arch implements Strategy.
func (g *GDAS) Arch() *nn.Params { return g.arch.Params }

// Alphas gives the architecture parameters and their layout
// (Alphas[1] is nil with the fixed reduction cell).
func (g *GDAS) Alphas() *Arch { return g.arch }

// Tau is the current temperature.
func (g *GDAS) Tau() float64 { return g.tau }

// BeginEpoch implements Strategy: the epoch's temperature.
func (g *GDAS) BeginEpoch(epoch, epochs int) { g.tau = g.tauSched.At(epoch, epochs) }

// Mixer implements Strategy: a fresh Gumbel sample of both cell types
// (also for evaluation passes, as AutoDL's validation does).
func (g *GDAS) Mixer(ctx *nn.Ctx, _ Phase) (model.Mixer, error) {
	return newGDASMixer(ctx, g.arch.Alphas, g.tau)
}

// ArchFirst implements Strategy: AutoDL steps the weights first.
func (g *GDAS) ArchFirst() bool { return false }

// ArchActive implements Strategy: from the first epoch.
func (g *GDAS) ArchActive(int) bool { return true }

// ArchStep implements Strategy: the first-order gradient of the validation
// loss through the straight-through weights.
func (g *GDAS) ArchStep(s *Step) (Result, error) { return FirstOrderArchStep(s) }

// WeightStep implements Strategy.
func (g *GDAS) WeightStep(s *Step) (Result, error) { return PlainWeightStep(s) }

// Weights implements Strategy: softmax(alpha) per row (reduce nil with the
// fixed reduction cell).
func (g *GDAS) Weights() (normal, reduce [][]float64) {
	normal = g.arch.OpWeights(0)
	if !g.fixed {
		reduce = g.arch.OpWeights(1)
	}
	return normal, reduce
}

// Genotype implements Strategy: AutoDL's rule by default, the DARTS rule
// when asked, the zero op excluded by both; reduce is None with the fixed
// reduction cell.
func (g *GDAS) Genotype() (*models.Genotype, error) {
	cfg := g.net.Config
	cell := func(w [][]float64, c int) ([]models.Pair, error) {
		if g.dartsRule {
			return ParseCell(w, cfg.Steps, g.arch.CellOps(c), cfg.OpSet.Zero)
		}
		return gdasHeadCell(w, g.arch.CellOps(c), cfg.OpSet.Zero, cfg.Steps)
	}
	normal, reduce := g.Weights()
	gt := &models.Genotype{NormalConcat: concatRange(cfg.Steps, cfg.Multiplier)}
	var err error
	if gt.Normal, err = cell(normal, 0); err != nil {
		return nil, fmt.Errorf("gdas normal cell: %w", err)
	}
	if g.fixed {
		// The fixed cell concatenates its four branches.
		gt.ReduceConcat = concatRange(4, 4)
		return gt, nil
	}
	gt.ReduceConcat = concatRange(cfg.Steps, cfg.Multiplier)
	if gt.Reduce, err = cell(reduce, 1); err != nil {
		return nil, fmt.Errorf("gdas reduce cell: %w", err)
	}
	return gt, nil
}

// concatRange is range(2+steps-multiplier, steps+2).
func concatRange(steps, multiplier int) []int {
	var c []int
	for s := 2 + steps - multiplier; s < steps+2; s++ {
		c = append(c, s)
	}
	return c
}

// Record implements Strategy.
func (g *GDAS) Record(rec *ArchRecord) {
	g.arch.record(rec)
	rec.Normal, rec.Reduce = g.Weights()
}

// gdasPreset is the AutoDL GDAS NASNet-space search (docs/papers.md §4), in
// the op set of AutoDL's current code (autodl: no BN after pools): C=16,
// N=2 (6 cells), SGD lr 0.025 cosine to 0.001, momentum 0.9 Nesterov, wd
// 5e-4, batch 256, 250 epochs, clip 5; Adam 3e-4 betas (0.5, 0.999) wd 1e-3;
// tau 10 -> 0.1; the lastact BN+ReLU before global pooling (docs/papers.md §1.4).
// Checkpoints written before last_act existed lack the key and resume
// without it.
func gdasPreset() Config {
	c := dartsBase("gdas")
	c.OpSet = "autodl" // AutoDL's current ops; "gdas" is the 2019 code's
	c.Layers, c.Batch, c.Epochs = 6, 256, 250
	c.Nesterov, c.WeightDecay = true, 5e-4
	c.Extra = map[string]float64{ExtraTauMax: DefaultTau.Max, ExtraTauMin: DefaultTau.Min,
		ExtraFixedReduce: 0, ExtraDeriveDARTS: 0, ExtraTauOriginal: 0, ExtraLastAct: 1}
	return c
}

func init() {
	Register(Method{
		Name:    "gdas",
		Summary: "GDAS: one Gumbel-sampled op per edge (hard, straight-through), tau 10 -> 0.1; --fixed-reduce for GDAS-FRC",
		Preset:  gdasPreset,
		New: func(net *Supernet, cfg Config) (Strategy, error) {
			return NewGDAS(net, cfg)
		},
	})
}
