package export

import "fmt"

// The opsets Build can target. Every operator it emits has the same
// semantics throughout this range.
const (
	DefaultOpset = 13
	MinOpset     = 13
	MaxOpset     = 17
)

// IRVersion is the ONNX IR version of every exported model.
const IRVersion = 7

// Producer is the producer_name of exported models.
const Producer = "gonas"

// Well-known metadata keys. Options.Meta may add any others; by convention the
// input normalisation is given as comma-separated per-channel values under
// MetaMean and MetaStd (the model expects (pixel/255 - mean)/std).
const (
	MetaGenotype = "genotype"
	MetaOpSet    = "op_set"
	MetaClasses  = "classes"
	MetaDataset  = "dataset"
	MetaLayers   = "layers"
	MetaChannels = "channels"
	MetaVersion  = "gonas_version"
	MetaMean     = "input_mean"
	MetaStd      = "input_std"
)

// Names of the graph's input and output values.
const (
	InputName  = "input"
	OutputName = "logits"
	BatchDim   = "batch"
)

// Options control Build.
type Options struct {
	// Opset is the ONNX opset to target, MinOpset..MaxOpset; 0 means DefaultOpset.
	Opset int
	// FoldBN folds an eval-mode batch norm into the convolution feeding it when
	// nothing else reads that convolution's output.
	FoldBN bool
	// Meta adds (or overrides) metadata_props entries.
	Meta map[string]string
}

func (o Options) opset() (int, error) {
	if o.Opset == 0 {
		return DefaultOpset, nil
	}
	if o.Opset < MinOpset || o.Opset > MaxOpset {
		return 0, fmt.Errorf("opset %d not supported (want %d to %d)", o.Opset, MinOpset, MaxOpset)
	}
	return o.Opset, nil
}
