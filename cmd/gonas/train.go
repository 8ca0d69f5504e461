package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"gonas/derive"
	"gonas/internal/spec"
	"gonas/train"
)

var cmdTrain = &command{
	name:    "train",
	summary: "train a genotype's network (checkpoints, metrics.jsonl, curves; --resume continues bit-identically)",
	usage: "--genotype G [--dataset D] [--preset P] [--layers L --channels C --epochs E --batch B --lr LR --cutout --auxiliary --drop-path P --seed S --threads T] --out DIR\n" +
		"       gonas train --resume DIR [--threads T --max-steps N --time-limit D --ckpt-every N]",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		var f trainFlags
		f.register(fs)
		return func(args []string, w io.Writer) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q (a flag with an optional value such as --cutout takes --cutout=N)", args)
			}
			return f.run(fs, w)
		}
	},
}

// trainFlags are the train command's flags: the network (netFlags), the
// hyper-parameters (which override a preset's) and how to run.
type trainFlags struct {
	net     netFlags
	preset  string
	out     string
	resume  string
	hyper   train.Config
	sched   string
	opts    train.Options
	every   int
	threads int
	maxMem  memFlag
}

// hyperFlags names the flags that set Config fields; they may not change
// on resume.
var hyperFlags = []string{
	"preset", "epochs", "batch", "eval-batch", "lr", "lr-min", "schedule", "warmup", "step-first", "lr-per-step", "power", "gamma",
	"step-every", "momentum", "weight-decay", "nesterov", "grad-clip", "aux-weight", "drop-path", "label-smoothing",
	"cutout", "augment", "autoaugment", "seed", "subset", "test-subset",
	"genotype", "op-set", "dataset", "network", "input", "layers", "channels", "classes", "mid-channels", "auxiliary",
}

func (f *trainFlags) register(fs *pflag.FlagSet) {
	f.net.register(fs)
	fs.Lookup("dataset").DefValue = "mnist"
	fs.Lookup("dataset").Usage = "dataset: mnist (built in), cifar10, cifar100 (binary files in --data-dir), imagenet or folder:PATH (image folders)"
	registerMaxMemory(fs, &f.maxMem)
	fs.StringVar(&f.preset, "preset", "", "paper retraining recipe: "+strings.Join(train.PresetNames(), ", ")+"; explicit flags override it")
	fs.StringVarP(&f.out, "out", "o", "", "output directory: checkpoint.ckpt, best.ckpt, metrics.jsonl, curves.svg/png")
	fs.StringVar(&f.resume, "resume", "", "continue the run in this directory (or from this checkpoint file)")

	h := &f.hyper
	fs.IntVar(&h.Epochs, "epochs", 0, "epochs (default: the preset's, 3 for MNIST)")
	fs.IntVar(&h.Batch, "batch", 0, "training batch size")
	fs.IntVar(&h.EvalBatch, "eval-batch", 0, "evaluation batch size")
	fs.Float64Var(&h.LR, "lr", 0, "initial (peak) learning rate")
	fs.Float64Var(&h.LRMin, "lr-min", 0, "final learning rate of cosine and power-cosine schedules")
	fs.StringVar(&f.sched, "schedule", "", "learning-rate schedule: "+strings.Join(train.Schedules, ", "))
	fs.IntVar(&h.Warmup, "warmup", 0, "linear warm-up epochs (0: none)")
	fs.BoolVar(&h.StepFirst, "step-first", false, "cosine: epoch e uses the rate of e+1 (DARTS/PC-DARTS step the scheduler first)")
	fs.BoolVar(&h.PerStep, "lr-per-step", false, "update the rate every step along the schedule (default for MNIST) instead of once per epoch (the papers' code)")
	fs.Float64Var(&h.Power, "power", 0, "power-cosine exponent base (sharpDARTS p)")
	fs.Float64Var(&h.Gamma, "gamma", 0, "step schedule decay factor")
	fs.IntVar(&h.StepEvery, "step-every", 0, "step schedule: epochs between decays")
	fs.Float64Var(&h.Momentum, "momentum", 0, "SGD momentum")
	fs.Float64Var(&h.WeightDecay, "weight-decay", 0, "SGD weight decay (L2)")
	fs.BoolVar(&h.Nesterov, "nesterov", false, "Nesterov momentum")
	fs.Float64Var(&h.GradClip, "grad-clip", 0, "clip the global gradient norm to this (0: off)")
	fs.Float64Var(&h.AuxWeight, "aux-weight", 0, "weight of the auxiliary head's loss (with --auxiliary)")
	fs.Float64Var(&h.DropPath, "drop-path", 0, "drop-path probability, ramped linearly from 0 over the epochs")
	fs.Float64Var(&h.LabelSmoothing, "label-smoothing", 0, "label smoothing of the training loss")
	fs.IntVar(&h.Cutout, "cutout", 0, "cutout length; bare --cutout means 16, another length needs --cutout=N (0: none)")
	fs.Lookup("cutout").NoOptDefVal = "16"
	fs.BoolVar(&h.Augment, "augment", true, "random crop (and flip where labels allow)")
	fs.BoolVar(&h.AutoAugment, "autoaugment", false, "AutoAugment's CIFAR-10 policy (25 sub-policies) after crop and flip, as sharpDARTS retrains (default for sharpdarts-cifar10)")
	fs.Uint64Var(&h.Seed, "seed", 0, "random seed: weights, data order, augmentation, drop-path")
	fs.StringVar(&h.DataDir, "data-dir", "", "data directory (MNIST idx files, CIFAR binaries, image folders); default MNIST comes from the Go module cache")
	fs.IntVar(&h.Subset, "subset", 0, "train on the first N training images only (0: all)")
	fs.IntVar(&h.TestSubset, "test-subset", 0, "evaluate on the first N test images only (0: all)")

	r := &f.opts
	fs.IntVar(&f.threads, "threads", 0, "engine threads (default: all cores; on resume the checkpoint's); bit-identical results need the same count")
	fs.Int64Var(&r.CkptEvery, "ckpt-every", 0, "also write checkpoint.ckpt every N steps (0: epoch ends only)")
	fs.Int64Var(&r.MaxSteps, "max-steps", 0, "stop with a checkpoint after N steps in total, for smoke tests (0: no limit)")
	fs.DurationVar(&r.TimeLimit, "time-limit", 0, "stop with a checkpoint after this long, e.g. 30m")
	fs.IntVar(&f.every, "log-every", 50, "without a terminal: print a line every N steps")
	fs.BoolVar(&r.Overwrite, "overwrite", false, "start afresh in an --out that already holds a checkpoint")
	fs.BoolVar(&r.NoPlot, "no-plot", false, "do not draw curves.svg and curves.png")
}

func (f *trainFlags) run(fs *pflag.FlagSet, w io.Writer) error {
	f.opts.Threads = f.threads
	f.opts.Command = commandLine()
	f.opts.Progress = train.NewProgress(w, isTerminal(w), f.every)
	var (
		tr  *train.Trainer
		err error
	)
	if f.resume != "" {
		tr, err = f.resumed(fs)
	} else {
		tr, err = f.fresh(fs, w)
	}
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { // a second signal kills at once
		<-ctx.Done()
		stop()
	}()
	res, err := tr.Run(ctx)
	if err != nil {
		return err
	}
	out := f.opts.Out
	switch res.Stop {
	case train.StopCompleted:
		fmt.Fprintf(w, "wrote %s, %s, %s\n", filepath.Join(out, train.CheckpointFile), filepath.Join(out, train.BestFile), filepath.Join(out, train.MetricsFile))
	default:
		fmt.Fprintf(w, "continue with: gonas train --resume %s\n", out)
		if res.Stop == train.StopInterrupted {
			return errInterrupted
		}
	}
	return nil
}

// resumed prepares a resumed run; configuration flags are refused.
func (f *trainFlags) resumed(fs *pflag.FlagSet) (*train.Trainer, error) {
	for _, name := range hyperFlags {
		if fs.Changed(name) {
			return nil, usagef("--%s cannot change on --resume: the checkpoint holds the configuration", name)
		}
	}
	path := f.resume
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, train.CheckpointFile)
	}
	if f.out == "" {
		f.out = filepath.Dir(path)
	}
	f.opts.Out = f.out
	f.opts.MaxMemory = int64(f.maxMem)
	f.opts.DataDir = f.hyper.DataDir
	return train.Resume(path, f.opts)
}

// fresh derives the network and starts a new run.
func (f *trainFlags) fresh(fs *pflag.FlagSet, w io.Writer) (*train.Trainer, error) {
	if f.out == "" {
		return nil, usagef("--out DIR is required (or --resume DIR)")
	}
	f.opts.Out = f.out
	f.opts.MaxMemory = int64(f.maxMem)
	var preset *train.Preset
	if f.preset != "" {
		p, err := train.LookupPreset(f.preset)
		if err != nil {
			return nil, usagef("--preset: %v", err)
		}
		preset = &p
	}
	nf := &f.net
	if !fs.Changed("dataset") {
		nf.dataset = "mnist"
		if preset != nil {
			nf.dataset = preset.Net.Dataset
		}
	}
	if preset != nil {
		if !fs.Changed("layers") {
			nf.layers = preset.Net.Layers
		}
		if !fs.Changed("channels") {
			nf.channels = preset.Net.Channels
		}
		if !fs.Changed("auxiliary") {
			nf.auxiliary = preset.Net.Auxiliary
		}
		if !fs.Changed("mid-channels") {
			nf.midChannels = preset.Net.MidChannels
		}
	}
	dataName := nf.dataset
	cfg := train.DefaultConfig(dataName)
	if preset != nil {
		cfg = preset.Config
		cfg.Dataset = dataName
	}
	if err := f.override(fs, &cfg); err != nil {
		return nil, err
	}
	f.opts.Train, f.opts.Test = nil, nil
	if strings.HasPrefix(strings.ToLower(dataName), "folder:") {
		if err := f.folderNet(&cfg); err != nil {
			return nil, err
		}
	}
	n, err := nf.build()
	if err != nil {
		return nil, err
	}
	if n.cfg.Auxiliary && !fs.Changed("aux-weight") && cfg.AuxWeight == 0 {
		cfg.AuxWeight = 0.4
	}
	fmt.Fprintf(w, "%s\n", n.describe())
	if cfg.Note != "" {
		fmt.Fprintf(w, "note: %s\n", cfg.Note)
	}
	return train.New(n.net, cfg, f.opts)
}

// override applies the explicitly given hyper-parameter flags to cfg.
func (f *trainFlags) override(fs *pflag.FlagSet, cfg *train.Config) error {
	h := &f.hyper
	set := map[string]func(){
		"epochs": func() { cfg.Epochs = h.Epochs }, "batch": func() { cfg.Batch = h.Batch },
		"eval-batch": func() { cfg.EvalBatch = h.EvalBatch }, "lr": func() { cfg.LR = h.LR },
		"lr-min": func() { cfg.LRMin = h.LRMin }, "schedule": func() { cfg.Schedule = f.sched },
		"warmup": func() { cfg.Warmup = h.Warmup }, "step-first": func() { cfg.StepFirst = h.StepFirst },
		"lr-per-step": func() { cfg.PerStep = h.PerStep },
		"power":       func() { cfg.Power = h.Power }, "gamma": func() { cfg.Gamma = h.Gamma },
		"step-every": func() { cfg.StepEvery = h.StepEvery }, "momentum": func() { cfg.Momentum = h.Momentum },
		"weight-decay": func() { cfg.WeightDecay = h.WeightDecay }, "nesterov": func() { cfg.Nesterov = h.Nesterov },
		"grad-clip": func() { cfg.GradClip = h.GradClip }, "aux-weight": func() { cfg.AuxWeight = h.AuxWeight },
		"drop-path": func() { cfg.DropPath = h.DropPath }, "label-smoothing": func() { cfg.LabelSmoothing = h.LabelSmoothing },
		"cutout": func() { cfg.Cutout = h.Cutout }, "augment": func() { cfg.Augment = h.Augment },
		"autoaugment": func() { cfg.AutoAugment = h.AutoAugment },
		"seed":        func() { cfg.Seed = h.Seed }, "data-dir": func() { cfg.DataDir = h.DataDir },
		"subset": func() { cfg.Subset = h.Subset }, "test-subset": func() { cfg.TestSubset = h.TestSubset },
	}
	for name, apply := range set {
		if fs.Changed(name) {
			apply()
		}
	}
	if cfg.EvalBatch == 0 {
		cfg.EvalBatch = max(cfg.Batch, 1)
	}
	if err := cfg.Validate(); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// folderNet loads an image-folder dataset and points the network flags at
// it: the CIFAR (or --network imagenet) macro network, its image shape
// (--input, default 3x32x32 or 3x224x224) and its number of classes.
func (f *trainFlags) folderNet(cfg *train.Config) error {
	nf := &f.net
	network := strings.ToLower(nf.network)
	in := spec.Shape{C: 3, H: 32, W: 32}
	nf.dataset = "cifar10"
	if network == derive.NetworkImageNet {
		in, nf.dataset = spec.Shape{C: 3, H: 224, W: 224}, "imagenet"
	}
	if nf.input != "" {
		s, err := derive.ParseShape(nf.input)
		if err != nil {
			return usagef("--input: %v", err)
		}
		in = s
	}
	nf.input = fmt.Sprintf("%dx%dx%d", in.C, in.H, in.W)
	trainSet, testSet, err := train.LoadData(cfg, in, 1<<30)
	if err != nil {
		return err
	}
	if nf.classes == 0 {
		nf.classes = max(trainSet.Classes, testSet.Classes)
	}
	f.opts.Train, f.opts.Test = trainSet, testSet
	return nil
}

// isTerminal tells whether w is standard output attached to a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && f == os.Stdout && term.IsTerminal(int(f.Fd()))
}
