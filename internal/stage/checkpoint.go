package stage

import (
	"fmt"

	"gonas/engine/model"
	"gonas/export"
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

// LoadONNX imports an ONNX file (one gonas exported, or a plain CNN that
// export.Load reads) into an engine model with its initializers.
func LoadONNX(path string) (*model.Model, error) {
	net, weights, err := export.Load(path)
	if err != nil {
		return nil, err
	}
	m, err := model.New(net, 0)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	for name, t := range m.Params.All() {
		v, ok := weights[name]
		if !ok {
			return nil, fmt.Errorf("model %s: no initializer for parameter %q", path, name)
		}
		if len(v) != len(t.Data) {
			return nil, fmt.Errorf("model %s: initializer %q has %d values, the network needs %v", path, name, len(v), t.Shape)
		}
		copy(t.Data, v)
	}
	return m, nil
}
