package train

import (
	"encoding/json"
	"os"
	"sort"
	"strings"

	"gonas/engine/ckpt"
	"gonas/engine/data"
	"gonas/internal/spec"
)

// Summary is what `gonas inspect` reports about a checkpoint file: the
// container, the training header when it is a training checkpoint (the raw
// header otherwise), a summary of the tensor table and fingerprints.
type Summary struct {
	File             string `json:"file"`
	Type             string `json:"type"` // "training checkpoint" or "gonas checkpoint"
	ContainerVersion int    `json:"container_version"`
	FileBytes        int64  `json:"file_bytes"`
	RawBytes         int64  `json:"raw_bytes"`
	CompressedBytes  int64  `json:"compressed_bytes"`

	// Training checkpoints.
	Training *TrainingSummary `json:"training,omitempty"`
	// Other gonas checkpoints: their header as written.
	Meta json.RawMessage `json:"meta,omitempty"`

	Tensors TensorSummary `json:"tensors"`
	// WeightsSHA256 is ckpt.WeightsSHA256 over every tensor in the file
	// (model and optimizer); ModelSHA256 over the model's tensors alone
	// (parameters and BN statistics, under their spec names).
	WeightsSHA256 string `json:"weights_sha256"`
	ModelSHA256   string `json:"model_sha256"`
}

// TrainingSummary is a training checkpoint's header without the network
// graph and the random state, plus a summary of the network.
type TrainingSummary struct {
	Gonas        string         `json:"gonas_version"`
	Command      string         `json:"command,omitempty"`
	Created      string         `json:"created"`
	Reason       string         `json:"reason"`
	GenotypeName string         `json:"genotype_name,omitempty"`
	Genotype     string         `json:"genotype,omitempty"`
	OpSet        string         `json:"op_set,omitempty"`
	Params       int64          `json:"params"`
	AuxParams    int64          `json:"aux_params"`
	Net          NetSummary     `json:"net"`
	Config       Config         `json:"config"`
	Threads      int            `json:"threads"`
	TrainImages  int            `json:"train_images"`
	TestImages   int            `json:"test_images"`
	Optimizer    Optimizer      `json:"optimizer"`
	Epoch        int            `json:"epochs_done"`
	Position     string         `json:"position"`   // e.g. "epoch 2 batch 17, step 642" (1-based epoch) or "end of epoch 3, step 1875"
	Pos          data.Position  `json:"next_batch"` // the loader position to train next (0-based epoch)
	Step         int64          `json:"step"`
	Done         bool           `json:"done"`
	Best         float64        `json:"best_test_acc"`
	BestEpoch    int            `json:"best_epoch"`
	Metrics      []EpochMetrics `json:"metrics"`
}

// NetSummary describes a network in a few numbers.
type NetSummary struct {
	Input    spec.Shape `json:"input"`
	Classes  int        `json:"classes"`
	Nodes    int        `json:"nodes"`
	Dataset  string     `json:"dataset,omitempty"`
	Layers   int        `json:"layers,omitempty"`
	Channels int        `json:"channels,omitempty"`
	AuxHead  bool       `json:"auxiliary_head"`
}

// TensorSummary summarises a tensor table.
type TensorSummary struct {
	Count     int               `json:"count"`
	Model     int               `json:"model"`     // parameters and buffers of the network
	Optimizer int               `json:"optimizer"` // optimizer buffers
	Values    int64             `json:"values"`    // float32 values in all
	Largest   []ckpt.TensorInfo `json:"largest"`   // the five largest
}

// Inspect reads and verifies a whole checkpoint (every tensor's CRC) and
// summarises it. Training checkpoints get their header decoded; other
// gonas checkpoints (e.g. from search) their raw header.
func Inspect(path string) (*Summary, error) {
	f, err := ckpt.Read(path)
	if err != nil {
		return nil, err
	}
	s := &Summary{File: path, Type: "gonas checkpoint", ContainerVersion: f.Version,
		RawBytes: f.Data.RawBytes, CompressedBytes: f.Data.CompressedBytes}
	if st, err := os.Stat(path); err == nil {
		s.FileBytes = st.Size()
	}
	var model []ckpt.Tensor
	for _, t := range f.Tensors {
		if strings.HasPrefix(t.Name, optimPrefix) {
			s.Tensors.Optimizer++
		} else {
			s.Tensors.Model++
			model = append(model, t)
		}
	}
	s.Tensors.Count = len(f.Tensors)
	table := append([]ckpt.TensorInfo(nil), f.Table...)
	for _, t := range table {
		s.Tensors.Values += t.Length / 4
	}
	sort.SliceStable(table, func(i, j int) bool { return table[i].Length > table[j].Length })
	s.Tensors.Largest = table[:min(5, len(table))]
	s.WeightsSHA256 = ckpt.WeightsSHA256(f.Tensors)
	s.ModelSHA256 = ckpt.WeightsSHA256(model)

	c, err := decodeCheckpoint(path, f)
	if err != nil {
		// Another kind of gonas checkpoint: show its header as it is.
		s.Meta = f.Header
		return s, nil
	}
	h := &c.Header
	s.Type = "training checkpoint"
	n := h.Net
	s.Training = &TrainingSummary{
		Gonas: h.Gonas, Command: h.Command, Created: h.Created, Reason: h.Reason,
		GenotypeName: h.GenotypeName, Genotype: h.Genotype, OpSet: h.OpSet,
		Params: h.Params, AuxParams: h.AuxParams,
		Net: NetSummary{Input: n.Input, Classes: n.Classes, Nodes: len(n.Nodes), Dataset: n.Meta.Dataset,
			Layers: n.Meta.Layers, Channels: n.Meta.Channels, AuxHead: n.AuxOut != 0},
		Config: h.Config, Threads: h.Threads, TrainImages: h.TrainImages, TestImages: h.TestImages,
		Optimizer: h.Optimizer, Epoch: len(h.State.History), Position: describePos(h.State), Pos: h.State.Pos, Step: h.State.Step,
		Done: h.State.Done, Best: h.State.Best, BestEpoch: h.State.BestEpoch, Metrics: h.State.History,
	}
	return s, nil
}
