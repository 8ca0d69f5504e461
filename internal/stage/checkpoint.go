package stage

import (
	"gonas/engine/model"
	"gonas/train"
)

// LoadCheckpoint reads a training checkpoint and rebuilds its model with
// the saved weights and batch-norm statistics.
func LoadCheckpoint(path string) (*train.Checkpoint, *model.Model, error) {
	c, err := train.ReadCheckpoint(path)
	if err != nil {
		return nil, nil, err
	}
	m, err := c.Model()
	if err != nil {
		return nil, nil, err
	}
	return c, m, nil
}

// Weights lists a model's parameters and buffers by their spec names,
// sharing memory with the model (the form export.Build takes).
func Weights(m *model.Model) map[string][]float32 {
	w := map[string][]float32{}
	for name, t := range m.Params.All() {
		w[name] = t.Data
	}
	return w
}
