package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/spf13/pflag"

	"gonas/derive"
	"gonas/search"
)

// benchSearch is `gonas bench search`: it times full search iterations
// (architecture step and weight step) of a method on random data and
// reports the engine's peak memory. args are the flags after "search".
func benchSearch(args []string, stdout io.Writer) error {
	fs := pflag.NewFlagSet("bench search", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	method := fs.StringP("method", "m", "darts", "search method: "+strings.Join(search.MethodNames(), ", "))
	batch := fs.Int("batch", 64, "batch size of both halves")
	layers := fs.Int("layers", 8, "cells of the supernet")
	channels := fs.Int("channels", 16, "initial channels C")
	input := fs.String("input", "3x32x32", "input shape CxHxW")
	steps := fs.Int("steps", 3, "iterations to run (the first, which fills the buffer pool, is not timed when there are several)")
	threads := fs.Int("threads", 0, "engine threads (default: all cores)")
	opSet := fs.String("op-set", "", "op set (default: the method's)")
	partial := fs.Int("partial", 0, "PC-DARTS partial-channel K (default: the method's)")
	seed := fs.Uint64("seed", 1, "random seed")
	var gumbel gumbelFlags
	gumbel.register(fs)
	asJSON := fs.Bool("json", false, `print {"method", "peak_bytes", "estimate_bytes", "seconds_per_step", "params"} as one JSON object`)
	if err := fs.Parse(args); err != nil {
		if err == pflag.ErrHelp {
			fmt.Fprintf(stdout, "Usage: gonas bench search [flags]\n\nFlags:\n%s", fs.FlagUsages())
			return nil
		}
		return usagef("bench search: %v", err)
	}
	if err := checkCounts(fs); err != nil {
		return usagef("bench search: %v", err)
	}
	if fs.NArg() > 0 {
		return usagef("bench search: unexpected arguments %q", fs.Args())
	}
	in, err := derive.ParseShape(*input)
	if err != nil {
		return usagef("--input: %v", err)
	}
	if *threads <= 0 {
		*threads = runtime.NumCPU()
	}
	bc := search.BenchConfig{Method: *method, Batch: *batch, Layers: *layers, Channels: *channels, Input: in,
		Steps: *steps, Threads: *threads, Seed: *seed}
	bc.Override = func(c *search.Config) error {
		if fs.Changed("op-set") {
			c.OpSet = *opSet
		}
		if fs.Changed("partial") {
			c.Partial = *partial
		}
		return gumbel.apply(fs, c)
	}
	r, err := search.Bench(bc)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(r)
	}
	fmt.Fprintf(stdout, "bench search %s: batch %d, %d cells, C=%d, input %v, %d threads: %.3f s per iteration, peak %.1f MiB (estimated beforehand %.1f MiB), %d weights\n",
		r.Method, *batch, *layers, *channels, in, *threads, r.SecondsPerStep, float64(r.PeakBytes)/(1<<20), float64(r.EstimateBytes)/(1<<20), r.Params)
	return nil
}
