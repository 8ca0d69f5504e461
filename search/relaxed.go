package search

import (
	"fmt"

	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/models"
)

// Relaxed is the strategy of the continuous-relaxation methods (DARTS first
// and second order, PC-DARTS, sharpDARTS): every candidate op of every edge
// runs, weighted by softmax(alpha) (or sharpDARTS's Max-W coefficients),
// optionally with PC-DARTS's edge normalisation by betas; the architecture
// gradient is first order or DARTS's unrolled second-order approximation;
// the genotype is read off by the DARTS rule.
type Relaxed struct {
	name       string
	net        *Supernet
	arch       *Arch
	weighting  string
	edgeNorm   bool
	unrolled   bool
	archWarmup int
}

// NewRelaxed makes a relaxed strategy on net from cfg: Weighting,
// EdgeNorm, ArchWarmup; unrolled selects the second-order step.
func NewRelaxed(name string, net *Supernet, cfg Config, unrolled bool) (*Relaxed, error) {
	a, err := NewArch(net.Space(), net.Config.Steps, cfg.EdgeNorm, cfg.Seed)
	if err != nil {
		return nil, err
	}
	if cfg.Weighting != WeightingScalar && cfg.Weighting != WeightingMaxW {
		return nil, fmt.Errorf("%s: unknown weighting %q", name, cfg.Weighting)
	}
	return &Relaxed{name: name, net: net, arch: a, weighting: cfg.Weighting, edgeNorm: cfg.EdgeNorm,
		unrolled: unrolled, archWarmup: cfg.ArchWarmup}, nil
}

// Name implements Strategy.
func (r *Relaxed) Name() string { return r.name }

// Arch implements Strategy.
func (r *Relaxed) Arch() *nn.Params { return r.arch.Params }

// Alphas gives the architecture parameters and their layout.
func (r *Relaxed) Alphas() *Arch { return r.arch }

// BeginEpoch implements Strategy; the relaxed methods have no per-epoch state.
func (r *Relaxed) BeginEpoch(int, int) {}

// Mixer implements Strategy.
func (r *Relaxed) Mixer(ctx *nn.Ctx, _ Phase) (model.Mixer, error) {
	return newRelaxedMixer(ctx, r.arch, r.net.Config.OpSet.Zero, r.weighting, r.edgeNorm)
}

// ArchFirst implements Strategy: the architecture step comes first.
func (r *Relaxed) ArchFirst() bool { return true }

// ArchActive implements Strategy: after the warm-up epochs.
func (r *Relaxed) ArchActive(epoch int) bool { return epoch >= r.archWarmup }

// ArchStep implements Strategy.
func (r *Relaxed) ArchStep(s *Step) (Result, error) {
	if r.unrolled {
		return UnrolledArchStep(s)
	}
	return FirstOrderArchStep(s)
}

// WeightStep implements Strategy.
func (r *Relaxed) WeightStep(s *Step) (Result, error) { return PlainWeightStep(s) }

// Weights implements Strategy: softmax(alpha) per row, scaled by the edge
// weights with edge normalisation (PC-DARTS's derivation).
func (r *Relaxed) Weights() (normal, reduce [][]float64) {
	w := [2][][]float64{r.arch.OpWeights(0), r.arch.OpWeights(1)}
	if r.edgeNorm {
		for c := range w {
			w[c] = ScaleRows(w[c], r.arch.EdgeWeights(c))
		}
	}
	return w[0], w[1]
}

// Genotype implements Strategy: the DARTS rule, the zero op excluded.
func (r *Relaxed) Genotype() (*models.Genotype, error) {
	n, red := r.Weights()
	cfg := r.net.Config
	return Derive(n, red, cfg.Steps, cfg.Multiplier, r.arch.CellOps(0), r.arch.CellOps(1), cfg.OpSet.Zero)
}

// Record implements Strategy.
func (r *Relaxed) Record(rec *ArchRecord) {
	r.arch.record(rec)
	rec.Normal, rec.Reduce = r.arch.OpWeights(0), r.arch.OpWeights(1)
	rec.NormalEdges, rec.ReduceEdges = r.arch.EdgeWeights(0), r.arch.EdgeWeights(1)
}

// ArchRecord is the architecture state of an epoch as alphas.jsonl keeps
// it: the softmaxed weights of every edge, per cell type.
type ArchRecord struct {
	Space string `json:"space,omitempty"` // s0 (or empty, before spaces): Ops is every edge's list
	// Ops is every edge's candidate list in a uniform space; in a per-edge
	// space (s1) it is the union and NormalOps, ReduceOps give each row's.
	Ops         []string    `json:"ops"`
	NormalOps   [][]string  `json:"normal_ops,omitempty"`
	ReduceOps   [][]string  `json:"reduce_ops,omitempty"`
	Normal      [][]float64 `json:"normal"`                 // softmax(alphas_normal) [row][op]
	Reduce      [][]float64 `json:"reduce"`                 // softmax(alphas_reduce)
	NormalEdges []float64   `json:"normal_edges,omitempty"` // per-node softmax of betas_normal [row]
	ReduceEdges []float64   `json:"reduce_edges,omitempty"`
}

// EdgeOps is the candidate list of edge row of the normal (reduce false) or
// reduction cell.
func (r *ArchRecord) EdgeOps(reduce bool, row int) []string {
	per := r.NormalOps
	if reduce {
		per = r.ReduceOps
	}
	if row < len(per) {
		return per[row]
	}
	return r.Ops
}

func init() {
	Register(Method{
		Name:    "darts",
		Summary: "DARTS, first order: softmax-weighted mixed ops, the architecture gradient at the current weights",
		Preset:  func() Config { return dartsBase("darts") },
		New: func(net *Supernet, cfg Config) (Strategy, error) {
			return NewRelaxed("darts", net, cfg, false)
		},
	})
	Register(Method{
		Name:    "darts2",
		Summary: "DARTS, second order: the unrolled architecture gradient with the finite-difference Hessian-vector product",
		Preset:  func() Config { return dartsBase("darts2") },
		New: func(net *Supernet, cfg Config) (Strategy, error) {
			return NewRelaxed("darts2", net, cfg, true)
		},
	})
	Register(Method{
		Name:    "pcdarts",
		Summary: "PC-DARTS: partial channels (K=4), edge normalisation, architecture warm-up",
		Preset: func() Config {
			c := dartsBase("pcdarts")
			c.Batch, c.LR, c.LRMin, c.ArchLR = 256, 0.1, 0, 6e-4
			c.Partial, c.EdgeNorm, c.ArchWarmup = 4, true, 15
			return c
		},
		New: func(net *Supernet, cfg Config) (Strategy, error) {
			return NewRelaxed("pcdarts", net, cfg, false)
		},
	})
	Register(Method{
		Name:    "pcdarts-imagenet",
		Summary: "PC-DARTS searched directly on ImageNet: the ImageNet stem, K=2, batch 1024, lr 0.5, arch lr 6e-3 from epoch 35, arch grad clip 5",
		Preset:  pcdartsImageNetPreset,
		New: func(net *Supernet, cfg Config) (Strategy, error) {
			return NewRelaxed("pcdarts-imagenet", net, cfg, false)
		},
	})
	for _, v := range []struct{ name, weighting, summary string }{
		{"sharpdarts", WeightingScalar, "sharpDARTS: the sharpDARTS op set, scalar weighting (the reference's default, " +
			"with which SHARP_DARTS was searched), cosine power annealing"},
		{"sharpdarts-max-w", WeightingMaxW, "sharpDARTS with Max-W weighting, the variant that found SHARPER_MAX_W and the other _MAX_W cells"},
	} {
		Register(Method{
			Name:    v.name,
			Summary: v.summary,
			Preset:  func() Config { return sharpPreset(v.name, v.weighting) },
			New: func(net *Supernet, cfg Config) (Strategy, error) {
				return NewRelaxed(v.name, net, cfg, false)
			},
		})
	}
}

// pcdartsImageNetPreset is PC-DARTS's direct ImageNet search
// [PC-code train_search_imagenet.py, model_search_imagenet.py]: 8 cells of
// C=16 on the ImageNet stem at 224x224, K=2, batch 1024, SGD lr 0.5 cosine
// to 0, Adam 6e-3 on the architecture from epoch 35 of 50 with its
// gradient clipped at 5. The reference trains the weights on 10% of each
// class and the architecture on 2.5%: the split is 0.8 of --subset. Not
// reproduced: its 5-epoch linear warm-up of the weight learning rate.
func pcdartsImageNetPreset() Config {
	c := dartsBase("pcdarts-imagenet")
	c.ImageNetStem, c.TrainPortion = true, 0.8
	c.Batch, c.LR, c.LRMin, c.ArchLR, c.ArchGradClip = 1024, 0.5, 0, 6e-3, 5
	c.Partial, c.EdgeNorm, c.ArchWarmup = 2, true, 35
	return c
}

// sharpPreset is sharpDARTS's search [SHARP-code cnn/train_search.py]: its
// op set, cosine power annealing (p = 2, 5 warm-up epochs of 50) to 1e-4,
// and the weighting given.
func sharpPreset(method, weighting string) Config {
	c := dartsBase(method)
	c.OpSet, c.Weighting = "sharpdarts", weighting
	c.Schedule, c.LRMin, c.Power, c.LRWarmup = SchedulePowerCosine, 1e-4, 2, 5
	return c
}
