package stage

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonas/engine/data"
	"gonas/engine/model"
	"gonas/export"
	"gonas/internal/spec"
	"gonas/internal/units"
	"gonas/train"
)

// CheckpointMeta is the export metadata that names a checkpoint as the
// source: its file name, the training position, the genotype's name and
// the dataset.
func CheckpointMeta(path string, h *train.Header) map[string]string {
	meta := map[string]string{
		"source":      "checkpoint " + filepath.Base(path),
		"epochs_done": strconv.Itoa(len(h.State.History)),
		"step":        strconv.FormatInt(h.State.Step, 10),
	}
	if h.GenotypeName != "" {
		meta["genotype_name"] = h.GenotypeName
	}
	if h.Config.Dataset != "" {
		meta[export.MetaDataset] = h.Config.Dataset
	}
	return meta
}

// InputNorm is the per-channel mean and std that the training and test
// loaders normalise the dataset's images with: the fixed constants of the
// built-in datasets, else what the test split's loader computes.
func InputNorm(cfg train.Config, in spec.Shape, classes int) (mean, std []float32, err error) {
	if cfg.Dataset == "" {
		return nil, nil, fmt.Errorf("no dataset")
	}
	if mean, std, ok := data.Norm(strings.ToLower(cfg.Dataset)); ok {
		return mean, std, nil
	}
	cfg.TestSubset = 0
	test, err := train.LoadSplit(&cfg, "test", in, classes)
	if err != nil {
		return nil, nil, fmt.Errorf("input normalisation: %w", err)
	}
	return test.Mean, test.Std, nil
}

// AddNorm records mean and std in export metadata.
func AddNorm(meta map[string]string, mean, std []float32) {
	meta[export.MetaMean], meta[export.MetaStd] = units.Floats(mean), units.Floats(std)
}

// Exported describes a written ONNX file.
type Exported struct {
	Path         string
	Bytes        int64
	Opset        int
	Nodes        int
	Initializers int
}

// Export lowers m to ONNX with the options (metadata included) and writes
// it atomically to path.
func Export(m *model.Model, opt export.Options, path string) (*Exported, error) {
	pb, err := export.Build(m.Net, Weights(m), opt)
	if err != nil {
		return nil, err
	}
	if err := export.WriteFile(path, pb); err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	opset := opt.Opset
	if opset == 0 {
		opset = export.DefaultOpset
	}
	return &Exported{Path: path, Bytes: fi.Size(), Opset: opset, Nodes: len(pb.Graph.Node),
		Initializers: len(pb.Graph.Initializer)}, nil
}
