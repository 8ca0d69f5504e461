package search

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gonas/engine/ckpt"
	"gonas/engine/nn"
)

// HeaderFormat marks a search checkpoint's header; HeaderVersion is the
// layout of the header this package writes and the newest it reads.
const (
	HeaderFormat  = "gonas-search"
	HeaderVersion = 1
)

// File names the search writes in its output directory.
const (
	CheckpointFile = "search.ckpt"
	GenotypeFile   = "genotype.geno"
	AlphasFile     = "alphas.jsonl"
)

// Prefixes of the optimizer tensors in a checkpoint; the supernet's
// tensors keep their spec names and the architecture parameters theirs
// (alphas_normal, ...).
const (
	sgdPrefix  = "optim/sgd/momentum/"
	adamPrefix = "optim/adam/"
)

// Header is the JSON header of a search checkpoint. The supernet is not
// stored: Config rebuilds it, and the tensors fill it.
type Header struct {
	Format   string `json:"format"`
	Version  int    `json:"version"`
	Gonas    string `json:"gonas_version,omitempty"`
	Command  string `json:"command,omitempty"`
	Created  string `json:"created"`
	Reason   string `json:"reason"` // epoch, step, max-steps, interrupted, done
	Config   Config `json:"config"`
	Threads  int    `json:"threads"` // resuming with the same count is bit-identical
	Params   int64  `json:"params"`  // supernet weights (learned values)
	Genotype string `json:"genotype"`
	OpSet    string `json:"op_set"`
	SGDStep  int64  `json:"sgd_step"`
	AdamStep int64  `json:"adam_step"`
	State    State  `json:"state"`
}

// save writes the outputs and the checkpoint.
func (s *Searcher) save(reason string) error {
	if s.opt.Out == "" {
		return nil
	}
	if err := s.writeOutputs(); err != nil {
		return err
	}
	return s.writeCheckpoint(filepath.Join(s.opt.Out, CheckpointFile), reason)
}

// writeCheckpoint stores the whole search state at path.
func (s *Searcher) writeCheckpoint(path, reason string) error {
	rng, err := s.ctx.RNGState()
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	s.State.RNG = rng
	g, err := s.Strategy.Genotype()
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	h := Header{Format: HeaderFormat, Version: HeaderVersion, Gonas: s.opt.Version, Command: s.opt.Command,
		Created: time.Now().UTC().Format(time.RFC3339), Reason: reason, Config: s.Config, Threads: s.ctx.Threads(),
		Params: s.Model.Params.Count(), Genotype: g.String(), OpSet: s.OpSet.Name,
		SGDStep: s.sgd.State().Step, AdamStep: s.adam.State().Step, State: s.State}
	var ts []ckpt.Tensor
	add := func(name string, shape []int, d []float32) {
		ts = append(ts, ckpt.Tensor{Name: name, Shape: shape, Data: d})
	}
	for name, t := range s.Model.Params.All() {
		add(name, t.Shape, t.Data)
	}
	for name, t := range s.Strategy.Arch().All() {
		add(name, t.Shape, t.Data)
	}
	for name, t := range s.Model.Params.Learned() {
		if b := s.sgd.State().Buffers[name]; b != nil {
			add(sgdPrefix+name, t.Shape, b)
		}
	}
	adam := s.adam.State().Buffers
	keys := make([]string, 0, len(adam))
	for k := range adam {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		add(adamPrefix+k, []int{len(adam[k])}, adam[k])
	}
	if err := ckpt.Write(path, h, ts); err != nil {
		return err
	}
	return nil
}

// ReadHeader reads a search checkpoint's header (not its tensors).
func ReadHeader(path string) (*Header, error) {
	f, err := ckpt.ReadHeader(path)
	if err != nil {
		return nil, err
	}
	return decodeHeader(path, f)
}

func decodeHeader(path string, f *ckpt.File) (*Header, error) {
	var h Header
	if err := json.Unmarshal(f.Header, &h); err != nil {
		return nil, fmt.Errorf("checkpoint %s: bad search header: %w", path, err)
	}
	if h.Format != HeaderFormat {
		what := "no format"
		if h.Format != "" {
			what = "format " + h.Format
		}
		return nil, fmt.Errorf("checkpoint %s: not a search checkpoint (%s in its header)", path, what)
	}
	if h.Version > HeaderVersion || h.Version <= 0 {
		return nil, fmt.Errorf("checkpoint %s: search header version %d; this gonas reads up to %d", path, h.Version, HeaderVersion)
	}
	return &h, nil
}

// Resume reopens the search checkpointed at path (a search.ckpt or the
// directory holding one) on d (nil: loaded from the checkpoint's config),
// ready to Run on: it continues bit-identically to the uninterrupted run
// when the thread count is the same.
func Resume(path string, d *Data, opt Options) (*Searcher, error) {
	if !strings.HasSuffix(path, ".ckpt") {
		path = filepath.Join(path, CheckpointFile)
	}
	f, err := ckpt.Read(path)
	if err != nil {
		return nil, err
	}
	if err := checkOut(opt.Out); err != nil {
		return nil, err
	}
	h, err := decodeHeader(path, f)
	if err != nil {
		return nil, err
	}
	s, err := New(h.Config, d, opt)
	if err != nil {
		return nil, fmt.Errorf("resume %s: %w", path, err)
	}
	if err := s.restore(path, h, f); err != nil {
		return nil, err
	}
	if s.ctx.Threads() != h.Threads {
		s.logf("note: the checkpoint was written with %d threads, resuming with %d: results will not be bit-identical to an uninterrupted run", h.Threads, s.ctx.Threads())
	}
	return s, nil
}

// restore loads the tensors and the state of a checkpoint.
func (s *Searcher) restore(path string, h *Header, f *ckpt.File) error {
	load := func(name string, t *nn.Tensor) error {
		ct := f.Tensor(name)
		if ct == nil {
			return fmt.Errorf("checkpoint %s: tensor %s is missing", path, name)
		}
		if !slices.Equal(ct.Shape, t.Shape) || len(ct.Data) != len(t.Data) {
			return fmt.Errorf("checkpoint %s: tensor %s has shape %v, the supernet's is %v", path, name, ct.Shape, t.Shape)
		}
		copy(t.Data, ct.Data)
		return nil
	}
	for name, t := range s.Model.Params.All() {
		if err := load(name, t); err != nil {
			return err
		}
	}
	for name, t := range s.Strategy.Arch().All() {
		if err := load(name, t); err != nil {
			return err
		}
	}
	sgd := s.sgd.State()
	clear(sgd.Buffers)
	for name, t := range s.Model.Params.Learned() {
		if ct := f.Tensor(sgdPrefix + name); ct != nil {
			if len(ct.Data) != len(t.Data) {
				return fmt.Errorf("checkpoint %s: momentum of %s has %d values, want %d", path, name, len(ct.Data), len(t.Data))
			}
			sgd.Buffers[name] = append([]float32(nil), ct.Data...)
		}
	}
	sgd.Step = h.SGDStep
	adam := s.adam.State()
	clear(adam.Buffers)
	for _, ct := range f.Tensors {
		if k, ok := strings.CutPrefix(ct.Name, adamPrefix); ok {
			adam.Buffers[k] = append([]float32(nil), ct.Data...)
		}
	}
	adam.Step = h.AdamStep
	if err := s.ctx.SetRNGState(h.State.RNG); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	s.State = h.State
	s.resumed = path
	return nil
}
