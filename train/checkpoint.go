package train

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"gonas/engine/ckpt"
	"gonas/engine/model"
	"gonas/engine/optim"
	"gonas/internal/spec"
)

// HeaderFormat marks a training checkpoint's header; HeaderVersion is the
// layout of the header this package writes and the newest it reads.
const (
	HeaderFormat  = "gonas-train"
	HeaderVersion = 1
)

// optimPrefix starts the names of the optimizer's buffers in a checkpoint;
// the model's tensors keep their spec names (those of ONNX initializers).
const optimPrefix = "optim/"

// Header is the JSON header of a training checkpoint.
type Header struct {
	Format  string `json:"format"`  // HeaderFormat
	Version int    `json:"version"` // HeaderVersion
	// Provenance.
	Gonas   string `json:"gonas_version"`
	Command string `json:"command,omitempty"`
	Created string `json:"created"` // RFC 3339, UTC
	Reason  string `json:"reason"`  // why it was written: epoch, step, interrupted, max-steps, time-limit
	// What was trained.
	GenotypeName string `json:"genotype_name,omitempty"`
	Genotype     string `json:"genotype,omitempty"` // canonical text
	OpSet        string `json:"op_set,omitempty"`
	Params       int64  `json:"params"`     // learned values without the auxiliary head (the papers' count)
	AuxParams    int64  `json:"aux_params"` // learned values of the auxiliary head
	// How, and how far.
	Config      Config    `json:"config"`
	TrainImages int       `json:"train_images"` // size of the training set trained on
	TestImages  int       `json:"test_images"`  // size of the test set evaluated on
	Threads     int       `json:"threads"`      // engine goroutines: resuming with the same count is bit-identical
	Optimizer   Optimizer `json:"optimizer"`
	State       State     `json:"state"`
	// Net is the whole network: the checkpoint rebuilds the model alone.
	Net *spec.Net `json:"net"`
}

// Optimizer describes the optimizer whose buffers the checkpoint holds.
type Optimizer struct {
	Kind string `json:"kind"` // "sgd"
	Step int64  `json:"step"`
}

// Checkpoint is a decoded training checkpoint.
type Checkpoint struct {
	Path   string
	Header Header
	File   *ckpt.File // the container, tensors included when read by ReadCheckpoint
}

// saveCheckpoint writes the model's tensors (parameters and BN statistics
// under their spec names) and the optimizer's buffers with h to each path.
func saveCheckpoint(h *Header, m *model.Model, opt *optim.SGD, paths ...string) error {
	tensors := modelTensors(m)
	st := opt.State()
	for name := range m.Params.Learned() {
		if buf, ok := st.Buffers[name]; ok {
			t := m.Params.Get(name)
			tensors = append(tensors, ckpt.Tensor{Name: optimPrefix + "momentum/" + name, Shape: t.Shape, Data: buf})
		}
	}
	for _, p := range paths {
		if err := ckpt.Write(p, h, tensors); err != nil {
			return err
		}
	}
	return nil
}

// modelTensors lists the model's tensors (learned and buffers) by spec name,
// sharing their memory.
func modelTensors(m *model.Model) []ckpt.Tensor {
	var out []ckpt.Tensor
	for name, t := range m.Params.All() {
		out = append(out, ckpt.Tensor{Name: name, Shape: t.Shape, Data: t.Data})
	}
	return out
}

// ReadCheckpoint reads and verifies a whole training checkpoint.
func ReadCheckpoint(path string) (*Checkpoint, error) {
	f, err := ckpt.Read(path)
	if err != nil {
		return nil, err
	}
	return decodeCheckpoint(path, f)
}

// ReadCheckpointHeader reads a training checkpoint's header without its
// tensors.
func ReadCheckpointHeader(path string) (*Checkpoint, error) {
	f, err := ckpt.ReadHeader(path)
	if err != nil {
		return nil, err
	}
	return decodeCheckpoint(path, f)
}

func decodeCheckpoint(path string, f *ckpt.File) (*Checkpoint, error) {
	var probe struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(f.Header, &probe); err != nil || probe.Format == "" {
		return nil, fmt.Errorf("checkpoint %s: a gonas checkpoint container, but not a training checkpoint (no format in its header)", path)
	}
	if probe.Format != HeaderFormat {
		return nil, fmt.Errorf("checkpoint %s: holds a %q checkpoint, not a training checkpoint (%q)", path, probe.Format, HeaderFormat)
	}
	if probe.Version > HeaderVersion || probe.Version <= 0 {
		return nil, fmt.Errorf("checkpoint %s: training header version %d, this gonas reads 1..%d", path, probe.Version, HeaderVersion)
	}
	c := &Checkpoint{Path: path, File: f}
	dec := json.NewDecoder(bytes.NewReader(f.Header))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c.Header); err != nil {
		return nil, fmt.Errorf("checkpoint %s: training header: %w", path, err)
	}
	if c.Header.Net == nil {
		return nil, fmt.Errorf("checkpoint %s: the header holds no network", path)
	}
	if err := c.Header.Net.Validate(); err != nil {
		return nil, fmt.Errorf("checkpoint %s: network: %w", path, err)
	}
	return c, nil
}

// Model rebuilds the network and loads the checkpoint's parameters and BN
// statistics into it.
func (c *Checkpoint) Model() (*model.Model, error) {
	m, err := model.New(c.Header.Net, c.Header.Config.Seed)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", c.Path, err)
	}
	if err := c.loadModel(m); err != nil {
		return nil, err
	}
	return m, nil
}

// loadModel copies the model tensors into m: every parameter and buffer of
// the network must be present with its shape, and no tensor may be
// unknown.
func (c *Checkpoint) loadModel(m *model.Model) error {
	if c.File.Tensors == nil && len(c.File.Table) > 0 {
		return fmt.Errorf("checkpoint %s: tensors were not read", c.Path)
	}
	have := map[string]*ckpt.Tensor{}
	for i := range c.File.Tensors {
		have[c.File.Tensors[i].Name] = &c.File.Tensors[i]
	}
	for name, t := range m.Params.All() {
		ct, ok := have[name]
		if !ok {
			return fmt.Errorf("checkpoint %s: no tensor for parameter %q", c.Path, name)
		}
		if !slices.Equal(ct.Shape, t.Shape) {
			return fmt.Errorf("checkpoint %s: tensor %q has shape %v, the network declares %v", c.Path, name, ct.Shape, t.Shape)
		}
		copy(t.Data, ct.Data)
		delete(have, name)
	}
	for name := range have {
		if !strings.HasPrefix(name, optimPrefix) {
			return fmt.Errorf("checkpoint %s: tensor %q belongs to no parameter of the network", c.Path, name)
		}
	}
	return nil
}

// loadOptimizer restores the SGD momentum buffers and step count.
func (c *Checkpoint) loadOptimizer(m *model.Model, opt *optim.SGD) error {
	if c.Header.Optimizer.Kind != "sgd" {
		return fmt.Errorf("checkpoint %s: optimizer %q, want sgd", c.Path, c.Header.Optimizer.Kind)
	}
	st := opt.State()
	st.Step = c.Header.Optimizer.Step
	clear(st.Buffers)
	for _, t := range c.File.Tensors {
		rest, ok := strings.CutPrefix(t.Name, optimPrefix+"momentum/")
		if !ok {
			if strings.HasPrefix(t.Name, optimPrefix) {
				return fmt.Errorf("checkpoint %s: unknown optimizer tensor %q", c.Path, t.Name)
			}
			continue
		}
		p := m.Params.Get(rest)
		if p == nil || m.Params.IsBuffer(rest) {
			return fmt.Errorf("checkpoint %s: momentum buffer %q for no learned parameter", c.Path, t.Name)
		}
		if !slices.Equal(t.Shape, p.Shape) {
			return fmt.Errorf("checkpoint %s: momentum buffer %q has shape %v, the parameter %v", c.Path, t.Name, t.Shape, p.Shape)
		}
		st.Buffers[rest] = append([]float32(nil), t.Data...)
	}
	return nil
}
