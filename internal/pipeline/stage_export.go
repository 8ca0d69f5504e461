package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonas/engine/model"
	"gonas/export"
	"gonas/train"
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
	c, err := train.ReadCheckpoint(path)
	if err != nil {
		return err
	}
	m, err := c.Model()
	if err != nil {
		return err
	}
	h := &c.Header
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
	cfg := h.Config
	cfg.TestSubset = 0
	test, err := train.LoadSplit(&cfg, "test", m.Net.Input, m.Net.Classes)
	if err != nil {
		return fmt.Errorf("input normalisation: %w", err)
	}
	meta[export.MetaMean], meta[export.MetaStd] = floatList(test.Mean), floatList(test.Std)
	opset := r.st.Config.Plan.Export.Opset
	pb, err := export.Build(m.Net, modelWeights(m), export.Options{Opset: opset, Meta: meta})
	if err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	out := r.path(ONNXFile)
	if err := export.WriteFile(out, pb); err != nil {
		return err
	}
	fi, err := os.Stat(out)
	if err != nil {
		return err
	}
	r.st.Export = &ExportResult{File: ONNXFile, Bytes: fi.Size(), Opset: opset, Nodes: len(pb.Graph.Node),
		Initializers: len(pb.Graph.Initializer), InputMean: meta[export.MetaMean], InputStd: meta[export.MetaStd]}
	s.Summary = fmt.Sprintf("%s: opset %d, %d nodes, %s; input (pixel/255 - %s)/%s", ONNXFile, opset, r.st.Export.Nodes,
		byteSize(fi.Size()), meta[export.MetaMean], meta[export.MetaStd])
	return nil
}

// modelWeights lists the model's tensors by spec name.
func modelWeights(m *model.Model) map[string][]float32 {
	w := map[string][]float32{}
	for name, t := range m.Params.All() {
		w[name] = t.Data
	}
	return w
}

// floatList writes float32 values, comma-separated, in their shortest form.
func floatList(v []float32) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatFloat(float64(x), 'g', -1, 32)
	}
	return strings.Join(parts, ",")
}

// byteSize writes a file size in kB or MB.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
