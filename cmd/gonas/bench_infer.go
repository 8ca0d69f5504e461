package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/pflag"

	"gonas/engine/bench"
	"gonas/engine/model"
	"gonas/export"
	"gonas/internal/stage"
)

// inferReport is what `gonas bench infer --json` prints.
type inferReport struct {
	Model        string  `json:"model"`
	Batch        int     `json:"batch"`
	Threads      int     `json:"threads"`
	Runs         int     `json:"runs"` // timed runs per side, over all rounds
	ImagesPerSec float64 `json:"images_per_sec"`
	PeakBytes    int64   `json:"peak_bytes"`
	ORTPerSec    float64 `json:"ort_images_per_sec,omitempty"`
	Ratio        float64 `json:"ratio,omitempty"` // gonas over ONNX Runtime
	ORTSkipped   string  `json:"ort_skipped,omitempty"`
}

// benchInfer times the evaluation forward pass of a model in the engine
// and, where installed, in ONNX Runtime on the same file and the same
// batch, in interleaved rounds, and reports the medians.
func benchInfer(args []string, stdout io.Writer) error {
	fs := pflag.NewFlagSet("bench infer", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var nf netFlags
	nf.register(fs)
	onnxPath := fs.String("model", "", "ONNX file to run (as gonas predict --model takes); or derive one with --genotype")
	seed := fs.Uint64("seed", 1, "with --genotype: seed of the untrained weights")
	batch := fs.Int("batch", 64, "images per forward pass")
	threads := fs.Int("threads", 0, "engine threads, and ONNX Runtime's intra-op threads (default: all cores)")
	chunk := fs.Int("chunk", 0, fmt.Sprintf("images each engine thread carries through the network at a time (0: %d)", model.DefaultChunk))
	reps := fs.Int("reps", 10, "timed runs per round and side, after two warm-up runs")
	rounds := fs.Int("rounds", 3, "rounds, each timing the engine then ONNX Runtime (interleaved, for a noisy machine)")
	useORT := fs.Bool("ort", true, "also time ONNX Runtime on the same file when it is installed")
	asJSON := fs.Bool("json", false, `print one JSON object: images_per_sec (median), peak_bytes, ort_images_per_sec, ratio`)
	if err := fs.Parse(args); err != nil {
		if err == pflag.ErrHelp {
			fmt.Fprintf(stdout, "Usage: gonas bench infer (--model F.onnx | --genotype G [net flags]) [--batch N] [--threads T] [--json]\n\nFlags:\n%s", fs.FlagUsages())
			return nil
		}
		return usagef("bench infer: %v", err)
	}
	if err := checkCounts(fs); err != nil {
		return usagef("bench infer: %v", err)
	}
	if fs.NArg() > 0 {
		return usagef("bench infer: unexpected arguments %q", fs.Args())
	}
	if (*onnxPath == "") == (nf.genotype == "") {
		return usagef("bench infer: give exactly one of --model F.onnx and --genotype G")
	}
	th := *threads
	if th == 0 {
		th = runtime.NumCPU()
	}
	m, path, cleanup, err := inferModel(&nf, *onnxPath, *seed)
	if err != nil {
		return err
	}
	defer cleanup()
	label := path
	if *onnxPath == "" {
		label = fmt.Sprintf("%s, C=%d, %d cells (untrained, exported)", nf.genotype, m.Net.Meta.Channels, m.Net.Meta.Layers)
	}
	x := bench.InferInput(m, *batch)
	in := m.Net.Input
	rep := inferReport{Model: label, Batch: *batch, Threads: th}
	var goRuns, ortRuns []float64
	ortOK := *useORT
	if !ortOK {
		rep.ORTSkipped = "turned off with --ort=false"
	}
	for range *rounds {
		r, err := bench.Infer(m, x, *batch, th, *chunk, *reps)
		if err != nil {
			return err
		}
		goRuns = append(goRuns, r.Runs...)
		rep.PeakBytes = max(rep.PeakBytes, r.PeakBytes)
		if !ortOK {
			continue
		}
		o, err := export.BenchORT(context.Background(), path, x, []int{*batch, in.C, in.H, in.W}, *reps, th)
		switch {
		case errors.Is(err, export.ErrNoRuntime):
			ortOK, rep.ORTSkipped = false, err.Error()
			continue
		case err != nil:
			return err
		}
		for _, ms := range o.RunMS {
			ortRuns = append(ortRuns, ms/1000)
		}
	}
	rep.Runs = len(goRuns)
	rep.ImagesPerSec = float64(*batch) / bench.Median(goRuns)
	if len(ortRuns) > 0 {
		rep.ORTPerSec = float64(*batch) / bench.Median(ortRuns)
		rep.Ratio = rep.ImagesPerSec / rep.ORTPerSec
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(rep)
	}
	fmt.Fprintf(stdout, "bench infer %s: batch %d, input %v, %d threads, %d timed runs per side in %d interleaved rounds\n",
		label, *batch, in, th, rep.Runs, *rounds)
	fmt.Fprintf(stdout, "gonas engine  %9.1f img/s (median %.2f ms per batch), peak %.1f MiB\n",
		rep.ImagesPerSec, 1000*bench.Median(goRuns), float64(rep.PeakBytes)/(1<<20))
	if len(ortRuns) == 0 {
		fmt.Fprintf(stdout, "ONNX Runtime  skipped: %s\n", rep.ORTSkipped)
		return nil
	}
	fmt.Fprintf(stdout, "ONNX Runtime  %9.1f img/s (median %.2f ms per batch)\n", rep.ORTPerSec, 1000*bench.Median(ortRuns))
	fmt.Fprintf(stdout, "gonas / ONNX Runtime: %.2fx\n", rep.Ratio)
	return nil
}

// inferModel is the model to time and the ONNX file of it: the file given,
// or the derived network with untrained weights exported to a temporary
// file (removed by cleanup).
func inferModel(nf *netFlags, onnxPath string, seed uint64) (m *model.Model, path string, cleanup func(), err error) {
	cleanup = func() {}
	if onnxPath != "" {
		m, err = stage.LoadONNX(onnxPath)
		return m, onnxPath, cleanup, err
	}
	n, err := nf.build()
	if err != nil {
		return nil, "", cleanup, err
	}
	if m, err = model.New(n.net, seed); err != nil {
		return nil, "", cleanup, err
	}
	dir, err := os.MkdirTemp("", "gonas-bench-infer-")
	if err != nil {
		return nil, "", cleanup, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	path = filepath.Join(dir, "model.onnx")
	if _, err := stage.Export(m, export.Options{}, path); err != nil {
		cleanup()
		return nil, "", func() {}, err
	}
	return m, path, cleanup, nil
}
