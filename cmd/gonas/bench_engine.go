package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"gonas/derive"
	"gonas/engine/bench"
	"gonas/engine/kernels"
	"gonas/internal/host"
	"gonas/internal/spec"
	"gonas/models"
)

// engineSuite registers the flags of `gonas bench` without a benchmark
// name (the engine suite) on fs and returns the suite's runner.
//
// The suite measures the FMA peak on 1 and T threads, then a large
// single-thread GEMM, the engine's dense and depthwise 3x3 convolutions
// (forward + backward, T threads), a DARTS_V2 training step (forward,
// backward, SGD) and its evaluation forward pass, each as the best of
// several repetitions, with its fraction of the matching peak.
func engineSuite(fs *pflag.FlagSet) func(stdout io.Writer) error {
	asJSON := fs.Bool("json", false, "engine suite: print one JSON object per line: name, threads, gflops, peak_fraction, seconds (the step and infer rows add images_per_sec, peak_bytes)")
	threads := fs.Int("threads", 2, "engine suite: threads of the multi-threaded items (peak-Tt, conv, depthwise, step)")
	quick := fs.Bool("quick", false, "engine suite: one short repetition at small sizes (a smoke test; the figures mean little)")
	return func(stdout io.Writer) error {
		if *threads < 1 {
			return usagef("--threads must be at least 1, got %d", *threads)
		}
		return runEngineSuite(stdout, *asJSON, *threads, *quick)
	}
}

func runEngineSuite(stdout io.Writer, asJSON bool, threads int, quick bool) error {
	b := bench.Suite{Threads: threads, Quick: quick}
	net, macs, err := stepNet()
	if err != nil {
		return err
	}
	load := host.LoadAverage()
	if !asJSON {
		fmt.Fprintf(stdout, "gonas bench: %s kernels, %d threads", kernels.ISA(), b.Threads)
		if load > 0 {
			fmt.Fprintf(stdout, ", load average %.2f at start", load)
		}
		fmt.Fprintln(stdout, " (best of", b.Repetitions(), "repetitions; GFLOP/s per wall-clock second)")
	}
	tw := &resultWriter{w: stdout, json: asJSON, load: load}
	return b.Run(stepName, net, macs, tw.write)
}

// stepName names the training-step row; it stays the same across versions
// so that figures compare.
const stepName = "step-darts_v2-c16l8-b64"

// stepNet is the network of the training-step row: DARTS_V2 at CIFAR
// shapes (3x32x32, C=16, 8 cells, no auxiliary head), and its multiply-adds
// per image.
func stepNet() (*spec.Net, int64, error) {
	e, ok := models.LookupZoo("DARTS_V2")
	if !ok {
		return nil, 0, fmt.Errorf("%s: DARTS_V2 is not in the zoo", stepName)
	}
	set, err := models.LookupOpSet(e.OpSet)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", stepName, err)
	}
	net, err := derive.Build(e.Genotype, set, derive.Config{Dataset: "cifar10", Channels: 16, Layers: 8})
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", stepName, err)
	}
	counts, err := derive.Count(net)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", stepName, err)
	}
	return net, counts.MACs, nil
}

// resultWriter prints results as JSON lines or as an aligned table.
type resultWriter struct {
	w      io.Writer
	json   bool
	load   float64
	header bool
}

func (t *resultWriter) write(r bench.Result) error {
	if t.json {
		r.Load = t.load
		enc := json.NewEncoder(t.w)
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	if !t.header {
		t.header = true
		if _, err := fmt.Fprintf(t.w, "%-30s %7s %9s %6s %10s %9s %9s  %s\n",
			"name", "threads", "GFLOP/s", "peak", "ms/iter", "img/s", "peak MiB", "target"); err != nil {
			return err
		}
	}
	img, mib := "", ""
	if r.ImagesPerSec > 0 {
		img = fmt.Sprintf("%.1f", r.ImagesPerSec)
	}
	if r.PeakBytes > 0 {
		mib = fmt.Sprintf("%.1f", float64(r.PeakBytes)/(1<<20))
	}
	_, err := fmt.Fprintf(t.w, "%-30s %7d %9.1f %5.1f%% %10.2f %9s %9s  %s\n",
		r.Name, r.Threads, r.GFLOPS, 100*r.PeakFraction, 1000*r.Seconds, img, mib, r.Target)
	return err
}
