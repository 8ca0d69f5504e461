package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"

	"github.com/spf13/pflag"

	"gonas/internal/stage"
	"gonas/train"
)

var cmdEval = &command{
	name:    "eval",
	summary: "evaluate a training checkpoint on its dataset's test split (accuracy and loss)",
	usage:   "--checkpoint FILE [--data-dir D] [--test-subset N] [--batch B] [--threads T] [--json]",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		path := fs.StringP("checkpoint", "c", "", "training checkpoint (.ckpt) to evaluate")
		dataDir := fs.String("data-dir", "", "data directory (default: the one recorded in the checkpoint)")
		subset := fs.Int("test-subset", 0, "evaluate on the first N test images only (0: all, the default)")
		batch := fs.Int("batch", 0, "evaluation batch size (default: the checkpoint's)")
		threads := fs.Int("threads", 0, "engine threads (default: all cores)")
		asJSON := fs.Bool("json", false, "print one JSON object")
		return func(args []string, w io.Writer) error {
			if len(args) == 1 && *path == "" {
				*path = args[0]
			} else if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			if *path == "" {
				return usagef("--checkpoint FILE is required")
			}
			c, m, err := stage.LoadCheckpoint(*path)
			if err != nil {
				return err
			}
			h := &c.Header
			cfg := h.Config
			if *dataDir != "" {
				cfg.DataDir = *dataDir
			}
			cfg.TestSubset = *subset
			test, err := train.LoadSplit(&cfg, "test", h.Net.Input, h.Net.Classes)
			if err != nil {
				return fmt.Errorf("eval %s: %w", *path, err)
			}
			b := *batch
			if b <= 0 {
				b = cfg.EvalBatch
			}
			th := *threads
			if th <= 0 {
				th = runtime.GOMAXPROCS(0)
			}
			r, err := train.Evaluate(m, test, b, th)
			if err != nil {
				return fmt.Errorf("eval %s: %w", *path, err)
			}
			if *asJSON {
				out := struct {
					Checkpoint string `json:"checkpoint"`
					Dataset    string `json:"dataset"`
					Genotype   string `json:"genotype,omitempty"`
					Epochs     int    `json:"epochs_done"`
					Step       int64  `json:"step"`
					train.EvalResult
				}{*path, cfg.Dataset, h.GenotypeName, len(h.State.History), h.State.Step, r}
				b, err := json.MarshalIndent(out, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(w, "%s\n", b)
				return err
			}
			name := h.GenotypeName
			if name == "" {
				name = "network"
			}
			fmt.Fprintf(w, "%s on %s test (%d images), after %d epochs (step %d):\n", name, cfg.Dataset, r.Images, len(h.State.History), h.State.Step)
			fmt.Fprintf(w, "test accuracy %.2f%% (%d/%d), loss %.4f\n", r.Acc, r.Correct, r.Images, r.Loss)
			return nil
		}
	},
}
