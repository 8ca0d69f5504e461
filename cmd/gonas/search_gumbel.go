package main

import (
	"github.com/spf13/pflag"

	"gonas/search"
)

// gumbelFlags are the settings of the Gumbel methods (gdas, rome, rome-v1),
// kept in search.Config.Extra.
type gumbelFlags struct {
	k                int
	tauMax, tauMin   float64
	fixed, dartsRule bool
	lastAct          bool
}

// gumbelExtra maps each flag to its Config.Extra key.
var gumbelExtra = []struct{ flag, key string }{
	{"k", search.ExtraK},
	{"tau-max", search.ExtraTauMax},
	{"tau-min", search.ExtraTauMin},
	{"fixed-reduce", search.ExtraFixedReduce},
	{"darts-rule", search.ExtraDeriveDARTS},
	{"last-act", search.ExtraLastAct},
}

func (g *gumbelFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&g.k, "k", 0, "rome: sub-networks sampled per architecture step and per weight step (default 7)")
	fs.Float64Var(&g.tauMax, "tau-max", 0, "gdas, rome: Gumbel temperature of the first epoch (default 10)")
	fs.Float64Var(&g.tauMin, "tau-min", 0, "gdas, rome: Gumbel temperature of the last epoch (default 0.1)")
	fs.BoolVar(&g.fixed, "fixed-reduce", false, "gdas: use the fixed GDAS reduction cell (GDAS-FRC) and search the normal cell only")
	fs.BoolVar(&g.dartsRule, "darts-rule", false, "gdas: derive by the DARTS rule (the 2019 code) instead of AutoDL's top-2 (op, input) pairs per node")
	fs.BoolVar(&g.lastAct, "last-act", false, "gdas: BN+ReLU before global pooling as in AutoDL's search network (on unless --last-act=false)")
}

// apply sets the flags given into cfg.Extra. A flag whose setting the
// method's preset does not have is refused: it would do nothing.
func (g *gumbelFlags) apply(fs *pflag.FlagSet, cfg *search.Config) error {
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	vals := map[string]float64{"k": float64(g.k), "tau-max": g.tauMax, "tau-min": g.tauMin,
		"fixed-reduce": b(g.fixed), "darts-rule": b(g.dartsRule), "last-act": b(g.lastAct)}
	for _, e := range gumbelExtra {
		if !fs.Changed(e.flag) {
			continue
		}
		if _, ok := cfg.Extra[e.key]; !ok {
			return usagef("--%s does not apply to method %s", e.flag, cfg.Method)
		}
		cfg.Extra[e.key] = vals[e.flag]
	}
	return nil
}
