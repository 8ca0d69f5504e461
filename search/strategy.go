package search

import (
	"fmt"
	"sort"
	"strings"

	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/models"
)

// Phase is the kind of forward pass a strategy prepares a mixer for. It
// decides which parameters get gradients: the network's weights, the
// architecture parameters, both, or none.
type Phase int

const (
	PhaseWeights Phase = iota // weight step: weights get gradients, the architecture is frozen
	PhaseArch                 // architecture step: the architecture gets gradients, weights are frozen
	PhaseBoth                 // both get gradients (the unrolled DARTS step at w')
	PhaseEval                 // evaluation: no gradients, BN running statistics
)

func (p Phase) String() string {
	return [...]string{"weights", "arch", "both", "eval"}[p]
}

// gradWeights and gradArch tell what gets gradients in the phase.
func (p Phase) gradWeights() bool { return p == PhaseWeights || p == PhaseBoth }
func (p Phase) gradArch() bool    { return p == PhaseArch || p == PhaseBoth }

// Strategy is a differentiable search method on a Supernet: its
// architecture parameters, what the supernet's Mix nodes compute, how one
// iteration's architecture and weight gradients are formed, and how the
// final genotype is read off. The generic loop (Searcher) owns the data,
// the optimizers (SGD on the weights with gradient clipping, Adam on the
// architecture), the schedules, logging and checkpoints.
//
// Single-path methods fit the same shape: Mixer draws the step's samples
// (from ctx.Rand(), so that they replay from a checkpoint) and answers
// Active with the sampled inputs only; WeightStep and ArchStep may call
// Step.Pass several times (ROME's K sub-networks), gradients accumulating
// until the loop zeroes them.
type Strategy interface {
	// Name is the method's name (darts, pcdarts, ...).
	Name() string
	// Arch is the architecture parameters: stepped by the architecture
	// optimizer, saved in checkpoints under their names.
	Arch() *nn.Params
	// BeginEpoch is called before every epoch (0-based) of epochs
	// (temperature schedules and the like).
	BeginEpoch(epoch, epochs int)
	// Mixer prepares one forward pass of the given phase; tensors it makes
	// on ctx live until the pass's Backward or Reset. The architecture
	// parameters require gradients exactly when phase says so when it is
	// called.
	Mixer(ctx *nn.Ctx, phase Phase) (model.Mixer, error)
	// ArchFirst tells whether the architecture step precedes the weight
	// step in an iteration (DARTS: yes; GDAS: no).
	ArchFirst() bool
	// ArchActive tells whether the architecture is updated in epoch e
	// (PC-DARTS's warm-up leaves the first epochs to the weights).
	ArchActive(epoch int) bool
	// ArchStep leaves the architecture gradient of one iteration in Arch's
	// gradients (zeroed before the call) and reports the validation loss.
	ArchStep(s *Step) (Result, error)
	// WeightStep leaves the weight gradient of one iteration in the
	// model's gradients (zeroed before the call) and reports the training
	// loss.
	WeightStep(s *Step) (Result, error)
	// Weights returns what the derivation ranks, per cell type: w[row][op].
	Weights() (normal, reduce [][]float64)
	// Genotype derives the current discrete architecture.
	Genotype() (*models.Genotype, error)
	// Record adds the method's own architecture state (softmaxed weights,
	// edge weights, ...) to an epoch record.
	Record(r *ArchRecord)
}

// Method is a registered search method: its preset hyper-parameters and a
// constructor for its strategy on a supernet built from the config.
type Method struct {
	Name    string
	Summary string
	// Preset is the paper's configuration (docs/papers.md §4).
	Preset func() Config
	// New makes the strategy; the supernet was built from cfg.
	New func(net *Supernet, cfg Config) (Strategy, error)
}

var methods = map[string]Method{}

// Register adds a method; later packages (or files) add theirs the same way.
// It panics on a duplicate name, a programming error.
func Register(m Method) {
	if _, dup := methods[m.Name]; dup {
		panic("search: method " + m.Name + " registered twice")
	}
	methods[m.Name] = m
}

// LookupMethod finds a method by name.
func LookupMethod(name string) (Method, error) {
	m, ok := methods[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Method{}, fmt.Errorf("unknown search method %q (known: %s)", name, strings.Join(MethodNames(), ", "))
	}
	return m, nil
}

// MethodNames lists the registered methods, sorted.
func MethodNames() []string {
	var names []string
	for n := range methods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Result is the outcome of one or more passes: summed loss over images,
// images classified correctly, images seen.
type Result struct {
	LossSum float64
	Correct int
	N       int
}

// Add accumulates r2 into r.
func (r *Result) Add(r2 Result) {
	r.LossSum += r2.LossSum
	r.Correct += r2.Correct
	r.N += r2.N
}

// Loss is the mean loss per image.
func (r Result) Loss() float64 {
	if r.N == 0 {
		return 0
	}
	return r.LossSum / float64(r.N)
}

// Acc is the accuracy in percent.
func (r Result) Acc() float64 {
	if r.N == 0 {
		return 0
	}
	return 100 * float64(r.Correct) / float64(r.N)
}
