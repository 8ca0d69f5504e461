package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/spf13/pflag"

	"gonas/engine/model"
	"gonas/internal/atomicfile"
	"gonas/internal/npy"
	"gonas/internal/stage"
	"gonas/train"
)

var cmdPredict = &command{
	name:    "predict",
	summary: "run a checkpoint or an ONNX model on a .npy batch and write the logits as .npy",
	usage:   "(--checkpoint FILE | --model FILE.onnx) --input x.npy --output y.npy [--batch B] [--threads T]",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		ckptPath := fs.StringP("checkpoint", "c", "", "training checkpoint (.ckpt)")
		modelPath := fs.StringP("model", "m", "", "ONNX model written by 'gonas export' (or a plain CNN export.Load reads)")
		in := fs.StringP("input", "i", "", "input batch: float32 .npy of shape (N, C, H, W) or (C, H, W), normalised as the network expects")
		out := fs.StringP("output", "o", "", "where to write the logits: float32 .npy of shape (N, classes)")
		batch := fs.Int("batch", 64, "images per forward pass")
		threads := fs.Int("threads", 0, "engine threads (default: all cores)")
		return func(args []string, w io.Writer) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			if (*ckptPath == "") == (*modelPath == "") {
				return usagef("give exactly one of --checkpoint FILE and --model FILE.onnx")
			}
			if *in == "" || *out == "" {
				return usagef("--input x.npy and --output y.npy are required")
			}
			if err := atomicfile.CheckFile(*out); err != nil {
				return err
			}
			var (
				m   *model.Model
				err error
				src = *ckptPath
			)
			if src != "" {
				_, m, err = stage.LoadCheckpoint(src)
			} else {
				src = *modelPath
				m, err = stage.LoadONNX(src)
			}
			if err != nil {
				return err
			}
			x, n, err := readInput(*in, m)
			if err != nil {
				return err
			}
			th := *threads
			if th <= 0 {
				th = runtime.GOMAXPROCS(0)
			}
			logits, err := train.Predict(m, x, n, *batch, th)
			if err != nil {
				return fmt.Errorf("predict %s: %w", *in, err)
			}
			shape := []int{n, m.Net.Classes}
			if err := npy.WriteFile(*out, &npy.Array{Dtype: npy.Float32, Shape: shape, F32: logits}); err != nil {
				return err
			}
			fmt.Fprintf(w, "wrote %s: logits of shape %v from %s\n", *out, shape, src)
			return nil
		}
	},
}

// onnxModel rebuilds a model from an ONNX file: its graph and initializers.
// readInput reads the .npy batch and checks it against the network input.
func readInput(path string, m *model.Model) ([]float32, int, error) {
	a, err := npy.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	in := m.Net.Input
	if a.Dtype != npy.Float32 {
		return nil, 0, fmt.Errorf("input %s: dtype %s, want float32 (<f4)", path, a.Dtype)
	}
	want := fmt.Sprintf("(N, %d, %d, %d) or (%d, %d, %d)", in.C, in.H, in.W, in.C, in.H, in.W)
	s := a.Shape
	switch {
	case len(s) == 3 && s[0] == in.C && s[1] == in.H && s[2] == in.W:
		return a.F32, 1, nil
	case len(s) == 4 && s[0] > 0 && s[1] == in.C && s[2] == in.H && s[3] == in.W:
		return a.F32, s[0], nil
	}
	return nil, 0, fmt.Errorf("input %s: shape %s, the network takes %s", path, shapeString(s), want)
}

func shapeString(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
