package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/pflag"

	"gonas/internal/buildinfo"
	"gonas/models"
	"gonas/search"
)

// searchFlags are the command's flags; the config flags override the
// method's preset only when given.
type searchFlags struct {
	method, out, resume string
	cfg                 search.Config
	nodes               int
	threads             int
	logEvery, ckptEvery int
	maxSteps            int64
	opt                 search.Options
	noInfer, overwrite  bool
	gumbel              gumbelFlags
	maxMem              memFlag
}

// configFlags are the flags that change what the search computes (refused
// with --resume, whose checkpoint holds the configuration).
var configFlags = []string{"dataset", "data-dir", "subset", "train-portion", "autoaugment", "image-size", "imagenet-stem", "op-set", "space", "layers", "channels", "nodes",
	"partial", "weighting", "mid-channels", "epochs", "batch", "lr", "lr-min", "momentum", "weight-decay", "grad-clip",
	"power", "lr-warmup", "arch-lr", "arch-weight-decay", "arch-warmup", "seed",
	"k", "tau-max", "tau-min", "fixed-reduce", "darts-rule"}

var cmdSearch = &command{
	name:    "search",
	summary: "search an architecture (darts, darts2, pcdarts, sharpdarts, ...) and write its genotype",
	usage:   "--method M [--dataset D] --out DIR [flags] | --resume DIR",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		f := &searchFlags{}
		c := &f.cfg
		fs.StringVarP(&f.method, "method", "m", "darts", "search method: "+strings.Join(search.MethodNames(), ", "))
		fs.StringVarP(&f.out, "out", "o", "", "output directory: genotype.geno, search.ckpt, alphas.jsonl, plots")
		fs.StringVar(&f.resume, "resume", "", "continue the search checkpointed in this directory (or .ckpt file)")
		fs.StringVarP(&c.Dataset, "dataset", "d", "", "dataset: mnist, fashion-mnist, cifar10, cifar100, folder:PATH (default: mnist)")
		fs.StringVar(&c.DataDir, "data-dir", "", "data directory (MNIST idx files, CIFAR binaries); default MNIST comes from the Go module cache")
		fs.IntVar(&c.Subset, "subset", 0, "search on the first N training images only, split 50/50 (0: all)")
		fs.Float64Var(&c.TrainPortion, "train-portion", 0, "share of the images that trains the weights; the rest trains the architecture (default 0.5)")
		fs.StringVar(&c.OpSet, "op-set", "", "op set searched (default: the method's: darts; rome for rome; sharpdarts for sharpdarts, sharper for its 12-op space; autodl for gdas, AutoDL's current ops without BN after pools, gdas for the 2019 GDAS code's with it)")
		fs.StringVar(&c.Space, "space", "", "search space: s0 (the op set's primitives on every edge, the default), s1-s4 (RobustDARTS; `gonas spaces` lists them)")
		fs.BoolVar(&c.AutoAugment, "autoaugment", false, "AutoAugment's CIFAR-10 policy after crop and flip on both halves")
		fs.IntVar(&c.ImageSize, "image-size", 0, "side image folders are resized to (default 32; 224 with the ImageNet stem)")
		fs.BoolVar(&c.ImageNetStem, "imagenet-stem", false, "PC-DARTS's ImageNet search stem: three stride-2 3x3 convs (default for pcdarts-imagenet, rome-imagenet)")
		fs.IntVar(&c.Layers, "layers", 0, "cells of the supernet (default 8)")
		fs.IntVar(&c.Channels, "channels", 0, "initial channels C (default 16)")
		fs.IntVar(&f.nodes, "nodes", 0, "intermediate nodes per cell, all concatenated (default 4)")
		fs.IntVar(&c.Partial, "partial", 0, "PC-DARTS partial-channel K: ops see C/K channels (default 4 for pcdarts, 1 otherwise)")
		fs.StringVar(&c.Weighting, "weighting", "", "mixed-op weighting: scalar or max_w (default scalar; max_w for sharpdarts-max-w)")
		fs.IntVar(&c.MidChannels, "mid-channels", 0, "bottleneck width of the sharpDARTS choke ops (default 32)")
		fs.IntVar(&c.Epochs, "epochs", 0, "epochs (default 50); warm-ups tied to the 50 epochs scale with it")
		fs.IntVar(&c.Batch, "batch", 0, "batch size of both halves (default 64, pcdarts 256)")
		fs.Float64Var(&c.LR, "lr", 0, "initial weight learning rate (default 0.025, pcdarts 0.1)")
		fs.Float64Var(&c.LRMin, "lr-min", 0, "final weight learning rate (default 0.001, pcdarts 0, sharpdarts 1e-4)")
		fs.Float64Var(&c.Momentum, "momentum", 0, "SGD momentum (default 0.9)")
		fs.Float64Var(&c.WeightDecay, "weight-decay", 0, "SGD weight decay (default 3e-4)")
		fs.Float64Var(&c.GradClip, "grad-clip", 0, "clip the weights' gradient norm (default 5; 0: off)")
		fs.Float64Var(&c.Power, "power", 0, "sharpdarts: cosine power annealing base p (default 2)")
		fs.IntVar(&c.LRWarmup, "lr-warmup", 0, "sharpdarts: learning-rate warm-up epochs (default 5 of 50, scaled with --epochs; 0: none)")
		fs.Float64Var(&c.ArchLR, "arch-lr", 0, "architecture Adam learning rate (default 3e-4, pcdarts 6e-4)")
		fs.Float64Var(&c.ArchWeightDecay, "arch-weight-decay", 0, "architecture Adam weight decay (default 1e-3)")
		fs.IntVar(&c.ArchWarmup, "arch-warmup", 0, "epochs before the first architecture step (default: pcdarts 15 of 50, scaled with --epochs; others 0; 0: from the first epoch)")
		f.gumbel.register(fs)
		fs.Uint64Var(&c.Seed, "seed", 0, "random seed: weights, architecture, data order, augmentation, samples (default 2)")
		fs.IntVar(&f.threads, "threads", 0, "engine threads (default: all cores; on resume the checkpoint's); bit-identical results need the same count")
		fs.IntVar(&f.logEvery, "log-every", 10, "print a progress line every N iterations (0: epochs only)")
		fs.IntVar(&f.ckptEvery, "ckpt-every", 0, "also checkpoint every N iterations (0: epoch ends only)")
		fs.Int64Var(&f.maxSteps, "max-steps", 0, "stop with a checkpoint after N iterations in total (0: no limit)")
		registerMaxMemory(fs, &f.maxMem)
		fs.DurationVar(&f.opt.TimeLimit, "time-limit", 0, "stop with a checkpoint after running this long, e.g. 30m")
		fs.BoolVar(&f.opt.NoPlots, "no-plot", false, "do not draw the weight and cell plots")
		fs.BoolVar(&f.noInfer, "no-infer", false, "skip the final evaluation on the architecture's half")
		fs.BoolVar(&f.overwrite, "overwrite", false, "start afresh in an --out that already holds a search checkpoint")
		return func(args []string, stdout io.Writer) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			return f.run(fs, stdout)
		}
	},
}

func (f *searchFlags) run(fs *pflag.FlagSet, stdout io.Writer) error {
	f.opt.Log = stdout
	f.opt.LogEvery, f.opt.CkptEvery, f.opt.MaxSteps = f.logEvery, f.ckptEvery, f.maxSteps
	f.opt.Infer = !f.noInfer
	f.opt.Command, f.opt.Version = commandLine(), buildinfo.Version()
	if f.logEvery < 0 || f.ckptEvery < 0 || f.maxSteps < 0 || f.threads < 0 {
		return usagef("--log-every, --ckpt-every, --max-steps and --threads must not be negative")
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	var (
		s   *search.Searcher
		err error
	)
	if f.resume != "" {
		if s, err = f.open(fs); err != nil {
			return err
		}
	} else {
		if s, err = f.start(fs); err != nil {
			return err
		}
	}
	out, err := s.Run(ctx)
	if err != nil {
		return err
	}
	dir := f.opt.Out
	if out.Stop != search.StopDone {
		fmt.Fprintf(stdout, "checkpoint %s; continue with: gonas search --resume %s\n", filepath.Join(dir, search.CheckpointFile), dir)
		if out.Stop == search.StopInterrupted {
			return errInterrupted
		}
		return nil
	}
	geno := filepath.Join(dir, search.GenotypeFile)
	fmt.Fprintf(stdout, "genotype (op set %s) written to %s:\n  %s\n", s.OpSet.Name, geno, out.Genotype)
	dataDir := ""
	if s.Config.DataDir != "" {
		dataDir = " --data-dir " + s.Config.DataDir
	}
	fmt.Fprintf(stdout, "train it: gonas train --genotype %s --dataset %s%s\n", geno, s.Config.Dataset, dataDir)
	return nil
}

// start prepares a fresh search from the method's preset and the flags.
func (f *searchFlags) start(fs *pflag.FlagSet) (*search.Searcher, error) {
	if f.out == "" {
		return nil, usagef("--out DIR is required (or --resume DIR)")
	}
	if _, err := os.Stat(filepath.Join(f.out, search.CheckpointFile)); err == nil && !f.overwrite {
		return nil, fmt.Errorf("%s already holds a search checkpoint: continue it with --resume %s, or start afresh with --overwrite", f.out, f.out)
	}
	m, err := search.LookupMethod(f.method)
	if err != nil {
		return nil, usagef("--method: %v", err)
	}
	cfg := m.Preset()
	if err := f.override(fs, &cfg); err != nil {
		return nil, err
	}
	set, err := models.LookupOpSet(cfg.OpSet)
	if err != nil {
		return nil, usagef("--op-set: %v", err)
	}
	if _, err := models.ResolveSpace(cfg.Space, set); err != nil {
		return nil, usagef("--space: %v", err)
	}
	if err := cfg.Check(); err != nil {
		return nil, usagef("%v", err)
	}
	f.opt.Out = f.out
	f.opt.Threads = f.threads
	f.opt.MaxMemory = int64(f.maxMem)
	if f.opt.Threads == 0 {
		f.opt.Threads = runtime.NumCPU()
	}
	return search.New(cfg, nil, f.opt)
}

// override applies the flags given on the command line to the preset.
func (f *searchFlags) override(fs *pflag.FlagSet, cfg *search.Config) error {
	c := &f.cfg
	if fs.Changed("epochs") {
		if c.Epochs <= 0 {
			return usagef("--epochs must be positive, got %d", c.Epochs)
		}
		cfg.ScaleEpochs(c.Epochs)
	}
	if fs.Changed("nodes") {
		if f.nodes <= 0 {
			return usagef("--nodes must be positive, got %d", f.nodes)
		}
		cfg.Steps, cfg.Multiplier = f.nodes, f.nodes
	}
	str := map[string]*string{"dataset": &cfg.Dataset, "data-dir": &cfg.DataDir, "op-set": &cfg.OpSet, "space": &cfg.Space, "weighting": &cfg.Weighting}
	strv := map[string]string{"dataset": c.Dataset, "data-dir": c.DataDir, "op-set": c.OpSet, "space": c.Space, "weighting": c.Weighting}
	if fs.Changed("imagenet-stem") {
		cfg.ImageNetStem = c.ImageNetStem
	}
	if fs.Changed("autoaugment") {
		cfg.AutoAugment = c.AutoAugment
	}
	ints := map[string]*int{"image-size": &cfg.ImageSize, "subset": &cfg.Subset, "layers": &cfg.Layers, "channels": &cfg.Channels, "partial": &cfg.Partial,
		"mid-channels": &cfg.MidChannels, "batch": &cfg.Batch, "lr-warmup": &cfg.LRWarmup, "arch-warmup": &cfg.ArchWarmup}
	intv := map[string]int{"image-size": c.ImageSize, "subset": c.Subset, "layers": c.Layers, "channels": c.Channels, "partial": c.Partial,
		"mid-channels": c.MidChannels, "batch": c.Batch, "lr-warmup": c.LRWarmup, "arch-warmup": c.ArchWarmup}
	floats := map[string]*float64{"train-portion": &cfg.TrainPortion, "lr": &cfg.LR, "lr-min": &cfg.LRMin, "momentum": &cfg.Momentum,
		"weight-decay": &cfg.WeightDecay, "grad-clip": &cfg.GradClip, "power": &cfg.Power, "arch-lr": &cfg.ArchLR,
		"arch-weight-decay": &cfg.ArchWeightDecay}
	floatv := map[string]float64{"train-portion": c.TrainPortion, "lr": c.LR, "lr-min": c.LRMin, "momentum": c.Momentum,
		"weight-decay": c.WeightDecay, "grad-clip": c.GradClip, "power": c.Power, "arch-lr": c.ArchLR,
		"arch-weight-decay": c.ArchWeightDecay}
	for k, p := range str {
		if fs.Changed(k) {
			*p = strv[k]
		}
	}
	for k, p := range ints {
		if fs.Changed(k) {
			*p = intv[k]
		}
	}
	for k, p := range floats {
		if fs.Changed(k) {
			*p = floatv[k]
		}
	}
	if fs.Changed("seed") {
		cfg.Seed = c.Seed
	}
	if fs.Changed("partial") && cfg.Partial < 1 {
		return usagef("--partial must be at least 1, got %d", cfg.Partial)
	}
	return f.gumbel.apply(fs, cfg)
}

// open resumes the search in --resume.
func (f *searchFlags) open(fs *pflag.FlagSet) (*search.Searcher, error) {
	for _, name := range append(configFlags, "method") {
		if fs.Changed(name) {
			return nil, usagef("--%s cannot be combined with --resume: the checkpoint holds the search's configuration", name)
		}
	}
	path := f.resume
	dir := path
	if strings.HasSuffix(path, ".ckpt") {
		dir = filepath.Dir(path)
	} else {
		path = filepath.Join(dir, search.CheckpointFile)
	}
	h, err := search.ReadHeader(path)
	if err != nil {
		return nil, err
	}
	f.opt.Out = f.out
	if f.opt.Out == "" {
		f.opt.Out = dir
	}
	f.opt.Threads = f.threads
	f.opt.MaxMemory = int64(f.maxMem)
	if f.opt.Threads == 0 {
		f.opt.Threads = h.Threads
	}
	return search.Resume(path, nil, f.opt)
}
