package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"gonas/engine/data"
	"gonas/engine/model"
	"gonas/export"
	"gonas/internal/spec"
	"gonas/train"
)

var cmdExport = &command{
	name:    "export",
	summary: "export a checkpoint (or an untrained derived network) to ONNX and verify it in ONNX Runtime",
	usage: "--checkpoint FILE -o model.onnx [--opset N] [--fold-bn] [--verify] [--json]\n" +
		"       gonas export --genotype G [--dataset D --layers L --channels C ...] [--seed S] -o model.onnx [--opset N] [--fold-bn] [--verify] [--json]",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		var f exportFlags
		f.register(fs)
		return func(args []string, w io.Writer) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			return f.run(fs, w)
		}
	},
}

// exportFlags are the export command's flags.
type exportFlags struct {
	net        netFlags
	checkpoint string
	out        string
	opset      int
	foldBN     bool
	seed       uint64
	dataDir    string
	verify     bool
	batch      int
	tolerance  float64
	threads    int
	asJSON     bool
}

func (f *exportFlags) register(fs *pflag.FlagSet) {
	f.net.register(fs)
	fs.StringVarP(&f.checkpoint, "checkpoint", "c", "", "training checkpoint (.ckpt) to export; it carries the network and its weights")
	fs.StringVarP(&f.out, "output", "o", "", "the ONNX file to write")
	fs.IntVar(&f.opset, "opset", export.DefaultOpset, fmt.Sprintf("ONNX opset, %d to %d", export.MinOpset, export.MaxOpset))
	fs.BoolVar(&f.foldBN, "fold-bn", false, "fold each batch norm into the convolution feeding it")
	fs.Uint64Var(&f.seed, "seed", 1, "with --genotype: seed of the untrained weights (the engine's initialisation)")
	fs.StringVar(&f.dataDir, "data-dir", "", "data directory, to look up the input normalisation (default: the checkpoint's)")
	fs.BoolVar(&f.verify, "verify", false, "require the ONNX Runtime check (by default it runs when Node.js and onnxruntime-node are installed, and is skipped otherwise; --verify=false turns it off)")
	fs.IntVar(&f.batch, "verify-batch", 2, "random N(0,1) inputs in the verification batch")
	fs.Float64Var(&f.tolerance, "tolerance", export.DefaultTolerance, "largest relative difference of the logits the verification accepts")
	fs.IntVar(&f.threads, "threads", 0, "engine threads for the verification (default: all cores)")
	fs.BoolVar(&f.asJSON, "json", false, "print one JSON object")
}

// netFlagNames are the flags that describe a network to derive; a
// checkpoint carries its own.
var netFlagNames = []string{"genotype", "op-set", "dataset", "network", "input", "layers", "channels", "classes", "mid-channels", "auxiliary", "seed"}

func (f *exportFlags) run(fs *pflag.FlagSet, w io.Writer) error {
	if f.out == "" {
		return usagef("-o model.onnx is required")
	}
	if (f.checkpoint == "") == (f.net.genotype == "") {
		return usagef("give exactly one of --checkpoint FILE and --genotype G")
	}
	if f.checkpoint != "" {
		for _, name := range netFlagNames {
			if fs.Changed(name) {
				return usagef("--%s does not go with --checkpoint: the checkpoint carries its network", name)
			}
		}
	}
	if f.opset < export.MinOpset || f.opset > export.MaxOpset {
		return usagef("--opset %d: want %d to %d", f.opset, export.MinOpset, export.MaxOpset)
	}
	if f.batch < 1 {
		return usagef("--verify-batch must be positive, got %d", f.batch)
	}
	if !(f.tolerance > 0) {
		return usagef("--tolerance must be positive, got %v", f.tolerance)
	}
	mode := verifyAuto
	if fs.Changed("verify") {
		mode = verifyOff
		if f.verify {
			mode = verifyRequired
		}
	}

	src, err := f.source()
	if err != nil {
		return err
	}
	meta, normNote := src.metadata()
	pb, err := export.Build(src.model.Net, modelWeights(src.model), export.Options{Opset: f.opset, FoldBN: f.foldBN, Meta: meta})
	if err != nil {
		return fmt.Errorf("export %s: %w", src.name, err)
	}
	if err := export.WriteFile(f.out, pb); err != nil {
		return err
	}
	st, err := os.Stat(f.out)
	if err != nil {
		return err
	}
	rep := exportReport{
		Path: f.out, Opset: f.opset, FoldBN: f.foldBN,
		Nodes: len(pb.Graph.Node), Initializers: len(pb.Graph.Initializer), Bytes: st.Size(),
		InputMean: meta[export.MetaMean], InputStd: meta[export.MetaStd],
	}
	threads := f.threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	verr := rep.verify(mode, f.out, src.model, f.batch, f.tolerance, threads)
	if f.asJSON {
		if err := writeJSON(w, rep); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(w, "exported %s\n", src.desc)
		fmt.Fprintf(w, "wrote %s: opset %d, %d nodes, %d initializers, %s\n", f.out, f.opset, rep.Nodes, rep.Initializers, byteSize(rep.Bytes))
		if normNote != "" {
			fmt.Fprintln(w, normNote)
		}
		fmt.Fprintln(w, rep.line(f.batch, f.tolerance))
	}
	if verr != nil {
		return fmt.Errorf("%s was written, but %w", f.out, verr)
	}
	return nil
}

// exportSource is a model to export and where it came from.
type exportSource struct {
	name  string       // the checkpoint path or the genotype's name, for messages
	desc  string       // one line for the report
	model *model.Model // network and weights
	meta  map[string]string
	data  train.Config // the dataset, to look up the input normalisation
}

// source loads the checkpoint or derives the network with untrained
// weights.
func (f *exportFlags) source() (*exportSource, error) {
	if f.checkpoint != "" {
		c, err := train.ReadCheckpoint(f.checkpoint)
		if err != nil {
			return nil, err
		}
		m, err := c.Model()
		if err != nil {
			return nil, err
		}
		h := &c.Header
		cfg := h.Config
		if f.dataDir != "" {
			cfg.DataDir = f.dataDir
		}
		name := h.GenotypeName
		if name == "" {
			name = "network"
		}
		meta := map[string]string{
			"source":      "checkpoint " + filepath.Base(f.checkpoint),
			"epochs_done": strconv.Itoa(len(h.State.History)),
			"step":        strconv.FormatInt(h.State.Step, 10),
		}
		if h.GenotypeName != "" {
			meta["genotype_name"] = h.GenotypeName
		}
		if cfg.Dataset != "" {
			meta[export.MetaDataset] = cfg.Dataset
		}
		desc := fmt.Sprintf("%s (op set %s) trained on %s for %d epochs (step %d), from %s",
			name, h.OpSet, cfg.Dataset, len(h.State.History), h.State.Step, f.checkpoint)
		return &exportSource{name: f.checkpoint, desc: desc, model: m, meta: meta, data: cfg}, nil
	}
	n, err := f.net.build()
	if err != nil {
		return nil, err
	}
	m, err := model.New(n.net, f.seed)
	if err != nil {
		return nil, err
	}
	name := n.geno.Name
	if name == "" {
		name = "genotype"
	}
	meta := map[string]string{"source": fmt.Sprintf("untrained, seed %d", f.seed)}
	cfg := train.Config{Dataset: n.cfg.Dataset, DataDir: f.dataDir}
	return &exportSource{name: name, desc: n.describe() + fmt.Sprintf("; untrained weights (seed %d)", f.seed), model: m, meta: meta, data: cfg}, nil
}

// metadata is the extra metadata of the export: the source and, where the
// dataset can be read, its input normalisation. The note says what was
// recorded or why not.
func (s *exportSource) metadata() (map[string]string, string) {
	meta := map[string]string{}
	for k, v := range s.meta {
		meta[k] = v
	}
	net := s.model.Net
	mean, std, err := datasetNorm(&s.data, net)
	if err != nil {
		return meta, fmt.Sprintf("input normalisation not recorded (%v)", err)
	}
	meta[export.MetaMean], meta[export.MetaStd] = floatList(mean), floatList(std)
	return meta, fmt.Sprintf("input normalisation: (pixel/255 - mean)/std, mean %s, std %s", meta[export.MetaMean], meta[export.MetaStd])
}

// datasetNorm is the per-channel mean and std the trainer normalises the
// dataset's images with: the fixed constants of the built-in datasets. Image
// folders (and ImageNet) take theirs from all their training images, which
// the checkpoint does not record, so they get none.
func datasetNorm(cfg *train.Config, _ *spec.Net) ([]float32, []float32, error) {
	if cfg.Dataset == "" {
		return nil, nil, fmt.Errorf("no dataset")
	}
	mean, std, ok := data.Norm(strings.ToLower(cfg.Dataset))
	if !ok {
		return nil, nil, fmt.Errorf("dataset %s: an image folder's normalisation comes from its training images and is not recorded", cfg.Dataset)
	}
	return mean, std, nil
}

// floatList writes float32 values, comma-separated, in their shortest form.
func floatList(v []float32) string {
	s := ""
	for i, x := range v {
		if i > 0 {
			s += ","
		}
		s += strconv.FormatFloat(float64(x), 'g', -1, 32)
	}
	return s
}

// modelWeights lists the model's tensors by spec name.
func modelWeights(m *model.Model) map[string][]float32 {
	w := map[string][]float32{}
	for name, t := range m.Params.All() {
		w[name] = t.Data
	}
	return w
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
