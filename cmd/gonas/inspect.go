package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"gonas/derive"
	"gonas/engine/ckpt"
	"gonas/export"
	"gonas/internal/npy"
	"gonas/internal/spec"
	"gonas/internal/stage"
	"gonas/internal/units"
	"gonas/models"
	"gonas/train"
)

var cmdInspect = &command{
	name:    "inspect",
	summary: "explain a gonas file: checkpoint, genotype (.geno), network spec (.net.json), ONNX model, .npy array, metrics.jsonl",
	usage:   "FILE [--json]",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		asJSON := fs.Bool("json", false, "print one JSON object")
		return func(args []string, w io.Writer) error {
			if len(args) != 1 {
				return usagef("want exactly one FILE, got %d arguments", len(args))
			}
			v, text, err := inspectFile(args[0])
			if err != nil {
				return err
			}
			if *asJSON {
				b, err := json.MarshalIndent(v, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(w, "%s\n", b)
				return err
			}
			_, err = io.WriteString(w, text)
			return err
		}
	},
}

// inspectFile decides what path holds from its first bytes (and its name)
// and returns a JSON-able description and a text one.
func inspectFile(path string) (any, string, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, "", fmt.Errorf("inspect %s: is a directory; give one of its files (genotype.geno, checkpoint.ckpt, model.onnx, ...)", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("inspect: %w", err)
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = head[:n]
	trim := bytes.TrimLeft(head, " \t\r\n")
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case bytes.HasPrefix(head, []byte(ckpt.Magic)) || ext == ".ckpt":
		return inspectCheckpoint(path)
	case bytes.HasPrefix(head, []byte("\x93NUMPY")):
		return inspectNpy(path)
	case ext == ".onnx" || len(head) > 0 && head[0] == 0x08:
		return inspectONNX(path)
	case ext == ".jsonl":
		return inspectMetrics(path)
	case len(trim) > 0 && trim[0] == '{':
		v, text, err := inspectSpec(path)
		if err == nil {
			return v, text, nil
		}
		if v, text, gerr := inspectGenotype(path); gerr == nil {
			return v, text, nil
		}
		return nil, "", fmt.Errorf("inspect %s: JSON, but neither a network spec nor a genotype: %w", path, err)
	case n == 0:
		return nil, "", fmt.Errorf("inspect %s: the file is empty", path)
	}
	return inspectGenotype(path)
}

func inspectCheckpoint(path string) (any, string, error) {
	s, err := train.Inspect(path)
	if err != nil {
		return nil, "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s (container v%d, %s bytes; %s bytes of tensors, zstd %s)\n", path, s.Type, s.ContainerVersion,
		units.Thousands(s.FileBytes), units.Thousands(s.RawBytes), units.Thousands(s.CompressedBytes))
	if t := s.Training; t != nil {
		writeTraining(&b, t)
	} else {
		fmt.Fprintf(&b, "header:    %s\n", s.Meta)
	}
	fmt.Fprintf(&b, "tensors:   %d (%d model, %d optimizer), %s values; largest:", s.Tensors.Count, s.Tensors.Model, s.Tensors.Optimizer, units.Thousands(s.Tensors.Values))
	for _, t := range s.Tensors.Largest {
		fmt.Fprintf(&b, " %s %v;", t.Name, t.Shape)
	}
	fmt.Fprintf(&b, "\nweights_sha256: %s\nmodel_sha256:   %s\n", s.WeightsSHA256, s.ModelSHA256)
	return s, b.String(), nil
}

func writeTraining(b *strings.Builder, t *train.TrainingSummary) {
	fmt.Fprintf(b, "made by:   gonas %s, %s", t.Gonas, t.Created)
	if t.Command != "" {
		fmt.Fprintf(b, ": %s", t.Command)
	}
	fmt.Fprintf(b, "\nwritten:   %s\n", t.Reason)
	name := t.GenotypeName
	if name == "" {
		name = "genotype"
	}
	fmt.Fprintf(b, "genotype:  %s (op set %s)\n           %s\n", name, t.OpSet, t.Genotype)
	n := t.Net
	fmt.Fprintf(b, "network:   %s, input %v, %d classes, %d cells, C=%d, %d nodes; %s params (+%s auxiliary)\n",
		n.Dataset, n.Input, n.Classes, n.Layers, n.Channels, n.Nodes, units.Thousands(t.Params), units.Thousands(t.AuxParams))
	c := t.Config
	preset := c.Preset
	if preset == "" {
		preset = "none"
	}
	fmt.Fprintf(b, "config:    preset %s; data %s (%d train / %d test images), augment %v, cutout %d\n", preset, c.Dataset, t.TrainImages, t.TestImages, c.Augment, c.Cutout)
	fmt.Fprintf(b, "           %d epochs, batch %d, %s lr %g -> %g (warm-up %d, step-first %v, per step %v), momentum %g, nesterov %v, wd %g\n",
		c.Epochs, c.Batch, c.Schedule, c.LR, c.LRMin, c.Warmup, c.StepFirst, c.PerStep, c.Momentum, c.Nesterov, c.WeightDecay)
	fmt.Fprintf(b, "           grad clip %g, aux weight %g, drop-path %g, label smoothing %g, seed %d, %d threads\n",
		c.GradClip, c.AuxWeight, c.DropPath, c.LabelSmoothing, c.Seed, t.Threads)
	if c.Note != "" {
		fmt.Fprintf(b, "           note: %s\n", c.Note)
	}
	state := "in progress"
	if t.Done {
		state = "finished"
	}
	fmt.Fprintf(b, "position:  %s; %d epochs done (%s)\n", t.Position, t.Epoch, state)
	if t.BestEpoch > 0 {
		fmt.Fprintf(b, "best:      test accuracy %.2f%% at epoch %d\n", t.Best, t.BestEpoch)
	}
	writeMetricsTable(b, t.Metrics)
}

// writeMetricsTable prints one row per epoch.
func writeMetricsTable(b *strings.Builder, hist []train.EpochMetrics) {
	if len(hist) == 0 {
		return
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "epoch\tlr\tdrop-path\ttrain loss\ttrain acc\ttest loss\ttest acc\tseconds\timg/s\t")
	for _, m := range hist {
		fmt.Fprintf(tw, "%d\t%.4g\t%.3g\t%.4f\t%.2f\t%.4f\t%.2f\t%.0f\t%.1f\t\n", m.Epoch, m.LR, m.DropPath, m.TrainLoss, m.TrainAcc, m.TestLoss, m.TestAcc, m.Seconds, m.ImagesPerSec)
	}
	tw.Flush()
}

// specInfo is the JSON description of a network spec or ONNX model.
type specInfo struct {
	File     string         `json:"file"`
	Type     string         `json:"type"`
	Input    spec.Shape     `json:"input"`
	Classes  int            `json:"classes"`
	Nodes    int            `json:"nodes"`
	AuxHead  bool           `json:"auxiliary_head"`
	Meta     spec.Meta      `json:"meta"`
	Counts   derive.Counts  `json:"counts"`
	Weights  int            `json:"initializers,omitempty"`
	Kinds    map[string]int `json:"kinds"`
	Checksum string         `json:"weights_sha256,omitempty"`
}

func describeNet(path, typ string, net *spec.Net) (*specInfo, string, error) {
	counts, err := derive.Count(net)
	if err != nil {
		return nil, "", fmt.Errorf("inspect %s: %w", path, err)
	}
	s := &specInfo{File: path, Type: typ, Input: net.Input, Classes: net.Classes, Nodes: len(net.Nodes),
		AuxHead: net.AuxOut != 0, Meta: net.Meta, Counts: counts, Kinds: map[string]int{}}
	for _, nd := range net.Nodes {
		s.Kinds[string(nd.Kind)]++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", path, typ)
	fmt.Fprintf(&b, "network:   input %v, %d classes, %d nodes, auxiliary head %v\n", net.Input, net.Classes, len(net.Nodes), s.AuxHead)
	m := net.Meta
	if m.Genotype != "" {
		fmt.Fprintf(&b, "genotype:  %s (op set %s)\n", m.Genotype, m.OpSet)
	}
	if m.Dataset != "" {
		fmt.Fprintf(&b, "config:    dataset %s, %d cells, C=%d\n", m.Dataset, m.Layers, m.Channels)
	}
	for _, k := range []string{"gonas_version", "command", "genotype_name"} {
		if v := m.Extra[k]; v != "" {
			fmt.Fprintf(&b, "%-14s %s\n", k+":", v)
		}
	}
	fmt.Fprintf(&b, "params:    %s (+%s auxiliary), %s MACs\n", units.Thousands(s.Counts.Params), units.Thousands(s.Counts.AuxParams), units.Thousands(s.Counts.MACs))
	return s, b.String(), nil
}

func inspectSpec(path string) (any, string, error) {
	net, err := spec.Read(path)
	if err != nil {
		return nil, "", err
	}
	return describeNet(path, "network spec", net)
}

func inspectONNX(path string) (any, string, error) {
	net, w, err := export.Load(path)
	if err != nil {
		return nil, "", fmt.Errorf("inspect %s: an ONNX model that gonas cannot read: %w", path, err)
	}
	s, text, err := describeNet(path, "ONNX model", net)
	if err != nil {
		return nil, "", err
	}
	s.Weights = len(w)
	var ts []ckpt.Tensor
	for _, p := range net.Params() {
		if v, ok := w[p.Name]; ok {
			ts = append(ts, ckpt.Tensor{Name: p.Name, Shape: p.Shape, Data: v})
		}
	}
	s.Checksum = ckpt.WeightsSHA256(ts)
	return s, text + fmt.Sprintf("weights:   %d initializers; weights_sha256 %s\n", len(w), s.Checksum), nil
}

func inspectGenotype(path string) (any, string, error) {
	gf, err := models.ReadGenoFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("inspect %s: not a file gonas knows (checkpoint, genotype, network spec, ONNX, .npy, metrics.jsonl): %w", path, err)
	}
	set, err := stage.OpSetOf(gf)
	if err != nil {
		return nil, "", fmt.Errorf("inspect %s: %w", path, err)
	}
	if err := derive.CheckGenotype(&gf.Genotype, set); err != nil {
		return nil, "", fmt.Errorf("inspect %s: a genotype that cannot be built: %w", path, err)
	}
	v := struct {
		File    string `json:"file"`
		Type    string `json:"type"`
		Steps   int    `json:"steps"`
		Repr    string `json:"repr"`
		Canon   string `json:"canonical"`
		ZooName string `json:"zoo_match,omitempty"`
		*models.GenoFile
	}{File: path, Type: "genotype", Steps: gf.Genotype.Steps(), Repr: gf.Genotype.String(), Canon: gf.Canonical(), GenoFile: gf}
	for _, e := range models.Zoo() {
		if e.Genotype != nil && e.Genotype.Equal(&gf.Genotype) {
			v.ZooName = e.Name
			break
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: genotype", path)
	if gf.Name != "" {
		fmt.Fprintf(&b, " %s", gf.Name)
	}
	if gf.OpSet != "" {
		fmt.Fprintf(&b, " (op set %s)", gf.OpSet)
	}
	fmt.Fprintf(&b, ", %d nodes per cell\n%s\n", v.Steps, v.Repr)
	if v.ZooName != "" {
		fmt.Fprintf(&b, "same as the zoo's %s\n", v.ZooName)
	}
	if gf.Comment != "" {
		fmt.Fprintf(&b, "comment: %s\n", gf.Comment)
	}
	return v, b.String(), nil
}

func inspectNpy(path string) (any, string, error) {
	a, err := npy.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	v := struct {
		File  string  `json:"file"`
		Type  string  `json:"type"`
		Dtype string  `json:"dtype"`
		Shape []int   `json:"shape"`
		Min   float64 `json:"min"`
		Max   float64 `json:"max"`
		Mean  float64 `json:"mean"`
	}{File: path, Type: "npy array", Dtype: string(a.Dtype), Shape: a.Shape}
	vals := make([]float64, 0, a.Len())
	for _, x := range a.F32 {
		vals = append(vals, float64(x))
	}
	for _, x := range a.I64 {
		vals = append(vals, float64(x))
	}
	if len(vals) > 0 {
		v.Min, v.Max = math.Inf(1), math.Inf(-1)
		var sum float64
		for _, x := range vals {
			v.Min, v.Max = math.Min(v.Min, x), math.Max(v.Max, x)
			sum += x
		}
		v.Mean = sum / float64(len(vals))
	}
	text := fmt.Sprintf("%s: .npy array, dtype %s, shape %s; min %g, max %g, mean %g\n", path, a.Dtype, shapeString(a.Shape), v.Min, v.Max, v.Mean)
	return v, text, nil
}

func inspectMetrics(path string) (any, string, error) {
	hist, err := train.ReadMetrics(path)
	if err != nil {
		return nil, "", err
	}
	t := &train.TrainingSummary{Metrics: hist}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: training metrics, %d epochs\n", path, len(hist))
	for _, m := range hist {
		if m.TestAcc > t.Best || t.BestEpoch == 0 {
			t.Best, t.BestEpoch = m.TestAcc, m.Epoch
		}
	}
	if t.BestEpoch > 0 {
		fmt.Fprintf(&b, "best test accuracy %.2f%% at epoch %d\n", t.Best, t.BestEpoch)
	}
	writeMetricsTable(&b, hist)
	v := struct {
		File      string               `json:"file"`
		Type      string               `json:"type"`
		Best      float64              `json:"best_test_acc"`
		BestEpoch int                  `json:"best_epoch"`
		Metrics   []train.EpochMetrics `json:"metrics"`
	}{path, "metrics", t.Best, t.BestEpoch, hist}
	return v, b.String(), nil
}
