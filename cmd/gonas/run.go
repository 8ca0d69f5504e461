package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/pflag"

	"gonas/export"
	"gonas/internal/buildinfo"
	"gonas/internal/pipeline"
	"gonas/search"
)

var cmdRun = &command{
	name:    "run",
	summary: "search, derive, retrain, export to ONNX and verify in one run folder with report.html (default: ROME on MNIST, minutes)",
	usage: "[--method M] [--dataset D] [--budget quick|paper|tiny] [--seed S] [--seeds N] [--threads T] [--out DIR]\n" +
		"       gonas run --resume DIR [--threads T]",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		var f runFlags
		f.register(fs)
		return func(args []string, w io.Writer) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			return f.run(fs, w)
		}
	},
}

// runFlags are the run command's flags.
type runFlags struct {
	method, dataset, dataDir, budget string
	seed                             uint64
	seeds, threads, logEvery         int
	out, resume                      string
	installORT                       bool
	maxMem                           memFlag
	plan                             planFlags
}

// planFlags override single settings of the budget's plan.
type planFlags struct {
	searchSubset, searchEpochs, k      int
	layers, channels, epochs           int
	trainSubset, testSubset, selEpochs int
}

// runConfigFlags change what a run computes; --resume refuses them.
var runConfigFlags = []string{"method", "dataset", "data-dir", "budget", "seed", "seeds", "search-subset", "search-epochs", "k",
	"layers", "channels", "epochs", "train-subset", "test-subset", "select-epochs"}

func (f *runFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.method, "method", "m", pipeline.DefaultMethod, "search method: "+strings.Join(search.MethodNames(), ", "))
	fs.StringVarP(&f.dataset, "dataset", "d", "mnist", "dataset: "+strings.Join(pipeline.Datasets, ", ")+" (MNIST is built in; Fashion-MNIST from Debian's dataset-fashion-mnist)")
	fs.StringVar(&f.dataDir, "data-dir", "", "data directory (MNIST idx files, CIFAR binaries); default MNIST comes from the Go module cache")
	fs.StringVar(&f.budget, "budget", pipeline.DefaultBudget, "how much to compute: "+budgetUsage())
	fs.Uint64Var(&f.seed, "seed", 2, "random seed of the search and the retraining")
	registerMaxMemory(fs, &f.maxMem)
	fs.BoolVar(&f.installORT, "install-ort", true, "when Node.js is there but onnxruntime-node is not, install it first (npm ci in tools/ort) so that the verification runs; false skips the install")
	fs.IntVar(&f.seeds, "seeds", 1, "run this many searches (seeds S, S+1, ...) and keep the genotype that retrains best on the validation split (the DARTS protocol)")
	fs.IntVar(&f.threads, "threads", 0, "engine threads (default: all cores; on resume the run's); bit-identical results need the same count")
	fs.StringVarP(&f.out, "out", "o", "", "run folder (default runs/run-SEED); a folder holding a run is refused")
	fs.StringVar(&f.resume, "resume", "", "continue the interrupted run in this folder at the stage and step it stopped")
	fs.IntVar(&f.logEvery, "log-every", 50, "a training progress line every N steps")
	p := &f.plan
	fs.IntVar(&p.searchSubset, "search-subset", 0, "search on the first N training images (default: the budget's; 0: all)")
	fs.IntVar(&p.searchEpochs, "search-epochs", 0, "search epochs (default: the budget's)")
	fs.IntVar(&p.k, "k", 0, "rome: sub-networks per step (default: the budget's)")
	fs.IntVar(&p.layers, "layers", 0, "cells of the retrained network (default: the budget's)")
	fs.IntVar(&p.channels, "channels", 0, "initial channels of the retrained network (default: the budget's)")
	fs.IntVar(&p.epochs, "epochs", 0, "retraining epochs (default: the budget's)")
	fs.IntVar(&p.trainSubset, "train-subset", 0, "retrain on the first N training images (default: the budget's; 0: all)")
	fs.IntVar(&p.testSubset, "test-subset", 0, "test on the first N test images (default: the budget's; 0: all)")
	fs.IntVar(&p.selEpochs, "select-epochs", 0, "with --seeds: epochs of each candidate's short retraining (default: the budget's)")
}

func budgetUsage() string {
	var parts []string
	for _, n := range pipeline.BudgetNames() {
		b, _ := pipeline.LookupBudget(n)
		parts = append(parts, n+" ("+b.Summary+")")
	}
	return strings.Join(parts, "; ")
}

func (f *runFlags) run(fs *pflag.FlagSet, w io.Writer) error {
	if f.threads < 0 || f.logEvery < 0 {
		return usagef("--threads and --log-every must not be negative")
	}
	opt := pipeline.Options{Threads: f.threads, Log: w, LogEvery: f.logEvery, Command: commandLine(), Version: buildinfo.Version(),
		MaxMemory: int64(f.maxMem)}
	var (
		r   *pipeline.Runner
		err error
	)
	if f.resume != "" {
		for _, name := range append(runConfigFlags, "out") {
			if fs.Changed(name) {
				return usagef("--%s cannot be combined with --resume: run.json holds the run's configuration", name)
			}
		}
		r, err = pipeline.Open(f.resume, opt)
	} else {
		var cfg pipeline.Config
		if cfg, err = f.config(fs); err != nil {
			return err
		}
		dir := f.out
		if dir == "" {
			dir = filepath.Join("runs", "run-"+strconv.FormatUint(f.seed, 10))
			if f.seeds > 1 {
				dir += "-seeds" + strconv.Itoa(f.seeds)
			}
		}
		r, err = pipeline.Start(cfg, dir, opt)
	}
	if err != nil {
		return err
	}
	defer r.Close()
	if f.resume != "" {
		fmt.Fprintf(w, "resuming the run in %s\n", r.Dir())
	} else {
		fmt.Fprintf(w, "run folder %s (same as: %s)\n", r.Dir(), pipeline.Shell(r.State().Config.RunArgs(r.Dir(), r.Threads())))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f.installORT {
		prepareVerifier(ctx, w)
	}
	go func() { // a second signal kills at once
		<-ctx.Done()
		stop()
	}()
	st, runErr := r.Run(ctx)
	if err := pipeline.WriteSummary(w, r.Dir(), st); err != nil {
		return err
	}
	if errors.Is(runErr, pipeline.ErrInterrupted) {
		return fmt.Errorf("%w; continue with: gonas run --resume %s", runErr, r.Dir())
	}
	return runErr
}

// config is the run's configuration: the budget's plan with the flags'
// overrides.
func (f *runFlags) config(fs *pflag.FlagSet) (pipeline.Config, error) {
	b, err := pipeline.LookupBudget(f.budget)
	if err != nil {
		return pipeline.Config{}, usagef("--budget: %v", err)
	}
	if _, err := search.LookupMethod(f.method); err != nil {
		return pipeline.Config{}, usagef("--method: %v", err)
	}
	cfg := pipeline.Config{Method: strings.ToLower(f.method), Dataset: strings.ToLower(f.dataset), DataDir: f.dataDir,
		Budget: b.Name, Seed: f.seed, Seeds: f.seeds}
	cfg.Plan = b.Plan(cfg.Dataset, cfg.Method)
	p, pl := &f.plan, &cfg.Plan
	for _, o := range []struct {
		flag string
		v    int
		dst  *int
	}{{"search-subset", p.searchSubset, &pl.Search.Subset}, {"search-epochs", p.searchEpochs, &pl.Search.Epochs},
		{"k", p.k, &pl.Search.K}, {"layers", p.layers, &pl.Train.Layers}, {"channels", p.channels, &pl.Train.Channels},
		{"epochs", p.epochs, &pl.Train.Epochs}, {"train-subset", p.trainSubset, &pl.Train.Subset},
		{"test-subset", p.testSubset, &pl.Train.TestSubset}, {"select-epochs", p.selEpochs, &pl.Select.Epochs}} {
		if !fs.Changed(o.flag) {
			continue
		}
		if o.v < 0 || (o.v == 0 && o.flag != "search-subset" && o.flag != "train-subset" && o.flag != "test-subset") {
			return cfg, usagef("--%s must be positive, got %d", o.flag, o.v)
		}
		*o.dst = o.v
	}
	if fs.Changed("k") && !methodHasK(cfg.Method) {
		return cfg, usagef("--k does not apply to method %s", cfg.Method)
	}
	if err := cfg.Check(); err != nil {
		return cfg, usagef("%v", err)
	}
	return cfg, nil
}

// methodHasK tells whether a method samples K sub-networks per step.
func methodHasK(method string) bool {
	m, err := search.LookupMethod(method)
	if err != nil {
		return false
	}
	_, ok := m.Preset().Extra[search.ExtraK]
	return ok
}

// prepareVerifier installs ONNX Runtime for the verify stage where it is
// missing and can be installed, and says what the verification will do
// otherwise; the run goes on either way.
func prepareVerifier(ctx context.Context, w io.Writer) {
	installed, err := export.EnsureORT(ctx, w)
	switch {
	case err == nil && installed:
		fmt.Fprintln(w, "ONNX Runtime installed: the verify stage will run the exported model in it")
	case errors.Is(err, export.ErrNoInstaller):
		fmt.Fprintf(w, "ONNX Runtime could not be installed (%v): the verify stage will measure the Go engine alone\n", err)
	case err != nil:
		fmt.Fprintf(w, "ONNX Runtime not available (%v): the verify stage will measure the Go engine alone\n", err)
	}
}
