package pipeline

import (
	"fmt"
	"sort"
	"strings"

	"gonas/train"
)

// Plan is what each stage computes: sizes, lengths and batch sizes. A zero
// field keeps the default of the stage (the search method's preset, the
// dataset's training configuration), so a plan names only what it changes
// and the equivalent command lines carry exactly those flags.
type Plan struct {
	Search SearchPlan `json:"search"`
	Select SelectPlan `json:"select"`
	Train  TrainPlan  `json:"train"`
	Export ExportPlan `json:"export"`
}

// SearchPlan overrides the method's preset (search.Config); zero keeps it.
type SearchPlan struct {
	Subset    int     `json:"subset,omitempty"`     // the first N training images, split 50/50 (weights, architecture)
	Layers    int     `json:"layers,omitempty"`     // supernet cells
	Channels  int     `json:"channels,omitempty"`   // supernet initial channels
	Epochs    int     `json:"epochs,omitempty"`     // search epochs (warm-ups scale with them)
	Batch     int     `json:"batch,omitempty"`      // batch of both halves
	K         int     `json:"k,omitempty"`          // ROME: sub-networks per step (ignored by methods without K)
	ArchLR    float64 `json:"arch_lr,omitempty"`    // architecture Adam learning rate
	CkptEvery int     `json:"ckpt_every,omitempty"` // also checkpoint every N iterations
}

// SelectPlan is the short retraining that ranks the genotypes of several
// searches: the first Subset training images split as the search splits
// them, the first part training, the second validating.
type SelectPlan struct {
	Subset int `json:"subset,omitempty"` // 0: the whole training set
	Epochs int `json:"epochs"`
}

// TrainPlan is the final retraining (train.Config and the derive sizes);
// zero fields keep the preset's or the dataset's default.
type TrainPlan struct {
	Preset     string  `json:"preset,omitempty"` // a train preset (e.g. darts-cifar10); "" the dataset's default
	Layers     int     `json:"layers,omitempty"`
	Channels   int     `json:"channels,omitempty"`
	Epochs     int     `json:"epochs,omitempty"`
	Batch      int     `json:"batch,omitempty"`
	LR         float64 `json:"lr,omitempty"`
	Subset     int     `json:"subset,omitempty"`      // the first N training images (0: all)
	TestSubset int     `json:"test_subset,omitempty"` // the first N test images (0: all)
	CkptEvery  int64   `json:"ckpt_every,omitempty"`  // also checkpoint every N steps
}

// ExportPlan is the export and its verification.
type ExportPlan struct {
	Opset int `json:"opset"`
	Batch int `json:"batch"` // test images per ONNX Runtime (and engine) batch
}

// verifyBatch is the test images per ONNX Runtime run in verification.
// Measured on the 2-core machine with the MNIST network of the quick
// budget, 10,000 images in one ONNX Runtime session: batch 100 takes 8.2 s,
// 250 10.3 s, 1000 17 s (each of the first two runs of a session grows its
// memory arena: 5 s apiece at batch 1000).
const verifyBatch = 100

// Budget is a named plan, per dataset family.
type Budget struct {
	Name    string
	Summary string
	plan    func(dataset, method string) Plan
}

// Plan returns the budget's plan for a dataset and a search method.
func (b Budget) Plan(dataset, method string) Plan {
	return b.plan(strings.ToLower(dataset), strings.ToLower(method))
}

// The budgets. "quick" is sized by measurement on the 2-core development
// machine (load 0.4-1.8): a ROME search of a 5-cell C=8 supernet on 4000
// MNIST images (1m23s), then two epochs of the full training set on a
// 5-cell C=16 network (12m, 99.28% test accuracy, the same in ONNX
// Runtime), export and verification (28s): 13m50s in all. An earlier
// genotype at the same size reached 99.25%.
var budgets = map[string]Budget{
	"tiny": {Name: "tiny", Summary: "seconds: a toy search and retraining on a few hundred images (tests, smoke checks)",
		plan: func(string, string) Plan {
			return Plan{
				Search: SearchPlan{Subset: 256, Layers: 3, Channels: 4, Epochs: 2, Batch: 16, K: 1, ArchLR: 3e-3, CkptEvery: 1},
				Select: SelectPlan{Subset: 256, Epochs: 1},
				Train:  TrainPlan{Layers: 2, Channels: 4, Epochs: 2, Batch: 16, LR: 0.05, Subset: 384, TestSubset: 64, CkptEvery: 2},
				Export: ExportPlan{Opset: 13, Batch: 32},
			}
		}},
	"quick": {Name: "quick", Summary: "minutes on a laptop CPU: a short search of a small supernet on a subset, then 2 epochs of retraining",
		plan: func(ds, _ string) Plan {
			p := Plan{
				// ~100 iterations instead of the paper's 19,500: the
				// architecture learns 10x faster to move at all.
				Search: SearchPlan{Subset: 4000, Layers: 5, Channels: 8, Epochs: 3, Batch: 64, K: 2, ArchLR: 3e-3},
				Select: SelectPlan{Subset: 20000, Epochs: 1},
				Train:  TrainPlan{Layers: 5, Channels: 16, Epochs: 2, Batch: 96, LR: 0.05},
				Export: ExportPlan{Opset: 13, Batch: verifyBatch},
			}
			if !builtIn(ds) { // the 28x28 grey datasets keep MNIST's sizes
				p.Train.Layers, p.Train.Channels, p.Train.Epochs = 8, 16, 10
			}
			return p
		}},
	"paper": {Name: "paper", Summary: "the method's paper search (all of its presets) and the dataset's paper retraining (hours to days on a CPU)",
		plan: func(ds, method string) Plan {
			p := Plan{Select: SelectPlan{Epochs: 1}, Export: ExportPlan{Opset: 13, Batch: verifyBatch}}
			if ds == "cifar10" || ds == "cifar100" {
				// The method's CIFAR-10 recipe where it has one (docs/papers.md
				// §5), else DARTS's; each candidate is trained 100 epochs
				// for the selection (docs/papers.md §4).
				p.Train.Preset = "darts-cifar10"
				if _, err := train.LookupPreset(methodFamily(method) + "-cifar10"); err == nil {
					p.Train.Preset = methodFamily(method) + "-cifar10"
				}
				p.Select.Epochs = 100
			}
			return p
		}},
}

// DefaultBudget is the budget of a plain `gonas run`.
const DefaultBudget = "quick"

// LookupBudget finds a budget by name.
func LookupBudget(name string) (Budget, error) {
	b, ok := budgets[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Budget{}, fmt.Errorf("unknown budget %q (known: %s)", name, strings.Join(BudgetNames(), ", "))
	}
	return b, nil
}

// BudgetNames lists the budgets, sorted.
func BudgetNames() []string {
	var names []string
	for n := range budgets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// methodFamily is the paper a search method comes from: darts2 is DARTS,
// rome-v1 ROME.
func methodFamily(method string) string {
	switch method {
	case "darts2":
		return "darts"
	case "rome-v1":
		return "rome"
	}
	return method
}
