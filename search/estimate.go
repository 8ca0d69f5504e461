package search

import (
	"fmt"

	"gonas/engine/model"
	"gonas/internal/spec"
)

// estimate is the memory one search iteration of net needs: the weights
// with their gradients and momentum, and the activations of the supernet
// as the method runs it. Single-path methods run one op per edge (gdas,
// rome) and two edges per node (rome); darts2's unrolled step also keeps a
// copy of the weights and their gradients.
func estimate(net *spec.Net, cfg Config) model.Estimate {
	var active func(nd *spec.Node) int
	switch cfg.Method {
	case "gdas", "rome", "rome-v1":
		active = func(nd *spec.Node) int {
			switch {
			case nd.Mix.Of == spec.MixOps:
				return 1
			case cfg.Method != "gdas":
				return 2
			}
			return 0
		}
	}
	e := model.EstimateTraining(net, cfg.Batch, 1, active)
	if cfg.Method == "darts2" {
		e.Weights = spec.MulSat(e.Weights, 2)
	}
	return e
}

// checkMemory refuses a search whose estimate exceeds the memory allowed:
// limit bytes, the machine's when 0, none when negative.
func checkMemory(net *spec.Net, cfg Config, limit int64) error {
	what := fmt.Sprintf("a %s search iteration (supernet of %d cells, C=%d, batch %d)", cfg.Method, cfg.Layers, cfg.Channels, cfg.Batch)
	return model.CheckMemory(estimate(net, cfg), limit, what)
}
