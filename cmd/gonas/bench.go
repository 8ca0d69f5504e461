package main

import (
	"io"
	"sort"
	"strings"

	"github.com/spf13/pflag"
)

// benchmarks are the sub-benchmarks of `gonas bench NAME [flags]`; each
// parses its own flags.
var benchmarks = map[string]func(args []string, stdout io.Writer) error{
	"search": benchSearch,
	"infer":  benchInfer,
}

func benchNames() string {
	var names []string
	for n := range benchmarks {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

var cmdBench = &command{
	name:    "bench",
	summary: "benchmark gonas (no NAME: the engine suite, kernels and a training step against the machine's peak; search: time and peak memory of a search iteration; infer: the evaluation forward pass against ONNX Runtime on the same file)",
	usage:   "[flags] | NAME [flags]   (run 'gonas bench NAME --help' for a benchmark's flags)",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		fs.SetInterspersed(false) // the flags after NAME are the sub-benchmark's
		suite := engineSuite(fs)
		return func(args []string, stdout io.Writer) error {
			if len(args) == 0 {
				return suite(stdout)
			}
			if fs.NFlag() > 0 {
				return usagef("the engine suite's flags go without a benchmark name; put %s's flags after it", args[0])
			}
			run, ok := benchmarks[args[0]]
			if !ok {
				return usagef("unknown benchmark %q (known: %s)", args[0], benchNames())
			}
			return run(args[1:], stdout)
		}
	},
}
