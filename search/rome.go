package search

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/models"
)

// ROME is robust memory-efficient NAS [ROME-paper §3.3-3.6, Alg. 1]: the
// topology is disentangled from the ops. Topology parameters beta (per cell
// type) choose exactly two inputs per node, with Gumbel-Top2 over each
// node's incoming edges (v2, the default) or Gumbel-Max over its pairs of
// incoming edges (v1); alpha chooses one op per chosen edge by Gumbel-Max.
// A sampled sub-network runs only its 8 edges per cell, one op each, and
// the gradients reach alpha and beta through straight-through estimators.
// Every iteration first updates alpha and beta with the mean gradient of K
// sampled sub-networks on a validation batch, then the weights with the sum
// of the weight gradients of K other sub-networks on a training batch; each
// sub-network's activations are freed by its own backward, so memory is that
// of one sub-network. The temperature follows GDAS's schedule (10 -> 0.1;
// the paper says only that it decreases). The genotype is the most probable
// architecture: per node the top-2 beta edges (v2) or the top beta pair
// (v1), per edge the argmax alpha.
type ROME struct {
	name     string
	version  romeVersion
	net      *Supernet
	arch     *Arch         // the alphas (v2 also keeps its betas there)
	betas    [2]*nn.Tensor // normal, reduce
	k        int
	tauSched TauSchedule
	tau      float64
}

// DefaultK is ROME's number of sub-networks per step on CIFAR (Table 5).
const DefaultK = 7

// NewROME makes the ROME strategy (v 1 or 2) on net. The op set must not
// have a zero op (none): its removal is what keeps every node at in-degree 2.
func NewROME(name string, v romeVersion, net *Supernet, cfg Config) (*ROME, error) {
	if set, sp := net.Config.OpSet, net.Space(); set.Zero != "" && slices.Contains(sp.Ops(), set.Zero) {
		return nil, fmt.Errorf("%s: space %s of op set %s contains %s; ROME searches a space without it (use --op-set rome)", name, sp.Name, set.Name, set.Zero)
	}
	has := mixCells(net.Net)
	if !has[0] || !has[1] {
		return nil, fmt.Errorf("%s: the supernet must search both the normal and the reduction cell", name)
	}
	tau, err := tauFromConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	k := DefaultK
	if v, ok := cfg.Extra[ExtraK]; ok {
		k = int(v)
		if float64(k) != v || k < 1 || k > 1000 {
			return nil, fmt.Errorf("%s: K = %v sub-networks per step; want an integer in 1..1000", name, v)
		}
	}
	steps := net.Config.Steps
	a, err := NewArch(net.Space(), steps, v == romeV2, cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r := &ROME{name: name, version: v, net: net, arch: a, k: k, tauSched: tau, tau: tau.Max}
	if v == romeV2 {
		r.betas = a.Betas
		return r, nil
	}
	// v1: one beta per pair of a node's inputs, 1e-3*randn as the alphas.
	gen := rand.New(rand.NewPCG(cfg.Seed, 0x7061697273)) // "pairs"
	for c, name := range []string{BetasNormal, BetasReduce} {
		t := nn.NewTensor(romeBetaLen(romeV1, steps))
		for i := range t.Data {
			t.Data[i] = float32(1e-3 * gen.NormFloat64())
		}
		if err := a.Params.Add(name, t, false); err != nil {
			return nil, fmt.Errorf("%s: %w", r.name, err)
		}
		r.betas[c] = t
	}
	return r, nil
}

// Name implements Strategy.
func (r *ROME) Name() string { return r.name }

// Arch implements Strategy.
func (r *ROME) Arch() *nn.Params { return r.arch.Params }

// K is the number of sub-networks sampled per architecture or weight step.
func (r *ROME) K() int { return r.k }

// Tau is the current temperature.
func (r *ROME) Tau() float64 { return r.tau }

// BeginEpoch implements Strategy: the epoch's temperature.
func (r *ROME) BeginEpoch(epoch, epochs int) { r.tau = r.tauSched.At(epoch, epochs) }

// Mixer implements Strategy: a fresh sub-network (evaluation passes sample
// one too).
func (r *ROME) Mixer(ctx *nn.Ctx, _ Phase) (model.Mixer, error) {
	return newROMEMixer(ctx, r.version, r.arch.Alphas, r.betas, r.net.Config.Steps, r.tau)
}

// ArchFirst implements Strategy: Alg. 1 updates alpha and beta first.
func (r *ROME) ArchFirst() bool { return true }

// ArchActive implements Strategy: from the first epoch.
func (r *ROME) ArchActive(int) bool { return true }

// ArchStep implements Strategy: K sub-networks on the validation batch,
// each its own forward and backward; the architecture gradient is their
// mean (Eq. 11).
func (r *ROME) ArchStep(s *Step) (Result, error) {
	res, err := r.passes(s, s.Val, PhaseArch)
	if err != nil {
		return res, err
	}
	scale := float32(1 / float64(r.k))
	for _, t := range r.arch.Params.Learned() {
		for i := range t.Grad {
			t.Grad[i] *= scale
		}
	}
	return res, nil
}

// WeightStep implements Strategy: K other sub-networks on the training
// batch; the weight gradients add up (Eq. 12).
func (r *ROME) WeightStep(s *Step) (Result, error) { return r.passes(s, s.Train, PhaseWeights) }

// passes runs K sampled sub-networks on b, gradients accumulating.
func (r *ROME) passes(s *Step, b *Batch, phase Phase) (Result, error) {
	var res Result
	for k := range r.k {
		p, err := s.Pass(b, phase)
		res.Add(p)
		if err != nil {
			return res, fmt.Errorf("sub-network %d of %d: %w", k+1, r.k, err)
		}
	}
	return res, nil
}

// Weights implements Strategy: softmax(alpha) per row, the op weights the
// derivation takes its argmax of (the edges come from beta; see Record).
func (r *ROME) Weights() (normal, reduce [][]float64) {
	return r.arch.OpWeights(0), r.arch.OpWeights(1)
}

// EdgeWeights is the topology of cell type c as one weight per edge row:
// v2, softmax(beta) over each node's incoming edges; v1, half the
// probability that the edge belongs to the sampled pair. Both sum to 1 per
// node, and the derivation keeps the two largest (v2) or the largest pair
// (v1, which these marginals do not always name).
func (r *ROME) EdgeWeights(c int) []float64 {
	if r.version == romeV2 {
		return r.arch.EdgeWeights(c)
	}
	out := make([]float64, 0, Rows(r.net.Config.Steps))
	for i := range r.net.Config.Steps {
		n := i + 2
		p := softmax64(r.betas[c].Data[romeBetaStart(romeV1, i):][:n*(n-1)/2])
		m := make([]float64, n)
		for k, pr := range romePairs(n) {
			m[pr[0]] += p[k] / 2
			m[pr[1]] += p[k] / 2
		}
		out = append(out, m...)
	}
	return out
}

// Genotype implements Strategy: Eq. 9's most probable architecture.
func (r *ROME) Genotype() (*models.Genotype, error) {
	cfg := r.net.Config
	concat := concatRange(cfg.Steps, cfg.Multiplier)
	g := &models.Genotype{NormalConcat: concat, ReduceConcat: append([]int(nil), concat...)}
	for c, dst := range []*[]models.Pair{&g.Normal, &g.Reduce} {
		beta := make([]float64, len(r.betas[c].Data))
		for i, v := range r.betas[c].Data {
			beta[i] = float64(v)
		}
		cell, err := romeCell(r.version, r.arch.OpWeights(c), beta, r.arch.CellOps(c), cfg.OpSet.Zero, cfg.Steps)
		if err != nil {
			return nil, fmt.Errorf("%s %s cell: %w", r.name, cellNames[c], err)
		}
		*dst = cell
	}
	return g, nil
}

// Record implements Strategy.
func (r *ROME) Record(rec *ArchRecord) {
	r.arch.record(rec)
	rec.Normal, rec.Reduce = r.Weights()
	rec.NormalEdges, rec.ReduceEdges = r.EdgeWeights(0), r.EdgeWeights(1)
}

// romePreset is ROME's S0 CIFAR-10 search (docs/papers.md §4): 8 cells of C=16,
// 50 epochs, K=7, SGD momentum 0.9 from lr 0.05, Adam 3e-4 on alpha and
// beta. What the paper does not state is taken from DARTS: batch 64, cosine
// to 0.001, weight decay 3e-4, clip 5, Adam betas (0.5, 0.999) and weight
// decay 1e-3; and GDAS's temperature, 10 -> 0.1.
func romePreset(name string) Config {
	c := dartsBase(name)
	c.OpSet, c.LR = "rome", 0.05
	c.Extra = map[string]float64{ExtraK: DefaultK, ExtraTauMax: DefaultTau.Max, ExtraTauMin: DefaultTau.Min, ExtraTauOriginal: 0}
	return c
}

// romeImageNetPreset is ROME's direct ImageNet search (docs/papers.md §4):
// 8 cells of C=16 on PC-DARTS's ImageNet stem at 224x224, as many images
// for the weights as for the architecture (10% and 10% of ImageNet: the
// subset is the user's --subset), K=3, batch 256, 30 epochs.
func romeImageNetPreset() Config {
	c := romePreset("rome-imagenet")
	c.ImageNetStem, c.Batch, c.Epochs = true, 256, 30
	c.Extra[ExtraK] = 3
	return c
}

func init() {
	Register(Method{
		Name:    "rome",
		Summary: "ROME v2: Gumbel-Top2 edges (exactly 2 inputs per node) and Gumbel-Max ops, K sub-networks per step (--k)",
		Preset:  func() Config { return romePreset("rome") },
		New: func(net *Supernet, cfg Config) (Strategy, error) {
			return NewROME("rome", romeV2, net, cfg)
		},
	})
	Register(Method{
		Name:    "rome-imagenet",
		Summary: "ROME v2 searched directly on ImageNet: the ImageNet stem, 10%/10% split (give --subset), K=3, batch 256, 30 epochs",
		Preset:  romeImageNetPreset,
		New: func(net *Supernet, cfg Config) (Strategy, error) {
			return NewROME("rome-imagenet", romeV2, net, cfg)
		},
	})
	Register(Method{
		Name:    "rome-v1",
		Summary: "ROME v1: Gumbel-Max over each node's pairs of input edges, Gumbel-Max ops, K sub-networks per step",
		Preset:  func() Config { return romePreset("rome-v1") },
		New: func(net *Supernet, cfg Config) (Strategy, error) {
			return NewROME("rome-v1", romeV1, net, cfg)
		},
	})
}
