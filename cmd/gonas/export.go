package main

import (
	"fmt"
	"io"
	"maps"
	"runtime"

	"github.com/spf13/pflag"

	"gonas/engine/model"
	"gonas/export"
	"gonas/internal/atomicfile"
	"gonas/internal/stage"
	"gonas/internal/units"
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
	if err := atomicfile.CheckFile(f.out); err != nil {
		return err
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
	ex, err := stage.Export(src.model, export.Options{Opset: f.opset, FoldBN: f.foldBN, Meta: meta}, f.out)
	if err != nil {
		return fmt.Errorf("export %s: %w", src.name, err)
	}
	rep := exportReport{
		Path: f.out, Opset: f.opset, FoldBN: f.foldBN,
		Nodes: ex.Nodes, Initializers: ex.Initializers, Bytes: ex.Bytes,
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
		fmt.Fprintf(w, "wrote %s: opset %d, %d nodes, %d initializers, %s\n", f.out, f.opset, rep.Nodes, rep.Initializers, units.Bytes(rep.Bytes))
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
		c, m, err := stage.LoadCheckpoint(f.checkpoint)
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
		meta := stage.CheckpointMeta(f.checkpoint, h)
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
	meta := maps.Clone(s.meta)
	net := s.model.Net
	mean, std, err := stage.InputNorm(s.data, net.Input, net.Classes)
	if err != nil {
		return meta, fmt.Sprintf("input normalisation not recorded (%v)", err)
	}
	stage.AddNorm(meta, mean, std)
	return meta, fmt.Sprintf("input normalisation: (pixel/255 - mean)/std, mean %s, std %s", meta[export.MetaMean], meta[export.MetaStd])
}
