package pipeline

import (
	"fmt"

	"gonas/export"
	"gonas/internal/stage"
	"gonas/internal/units"
)

// ONNXFile is the exported model in the run folder.
const ONNXFile = "model.onnx"

// runExport exports the final checkpoint to model.onnx with the metadata
// `gonas export --checkpoint` records: the source, the training position,
// the genotype's name, the dataset and its input normalisation.
func (r *Runner) runExport(s *Stage) error {
	if r.st.Train == nil {
		return fmt.Errorf("no retrained checkpoint recorded in %s", StateFile)
	}
	path := r.path(r.st.Train.Checkpoint)
	c, m, err := stage.LoadCheckpoint(path)
	if err != nil {
		return err
	}
	meta := stage.CheckpointMeta(path, &c.Header)
	mean, std, err := stage.InputNorm(c.Header.Config, m.Net.Input, m.Net.Classes)
	if err != nil {
		return err
	}
	stage.AddNorm(meta, mean, std)
	opset := r.st.Config.Plan.Export.Opset
	ex, err := stage.Export(m, export.Options{Opset: opset, Meta: meta}, r.path(ONNXFile))
	if err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	r.st.Export = &ExportResult{File: ONNXFile, Bytes: ex.Bytes, Opset: opset, Nodes: ex.Nodes,
		Initializers: ex.Initializers, InputMean: meta[export.MetaMean], InputStd: meta[export.MetaStd]}
	s.Summary = fmt.Sprintf("%s: opset %d, %d nodes, %s; input (pixel/255 - %s)/%s", ONNXFile, opset, ex.Nodes,
		units.Bytes(ex.Bytes), meta[export.MetaMean], meta[export.MetaStd])
	return nil
}
