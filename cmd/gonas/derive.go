package main

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"gonas/derive"
	"gonas/internal/spec"
	"gonas/internal/units"
)

var cmdDerive = &command{
	name:    "derive",
	summary: "compile a genotype into a network spec (.net.json)",
	usage:   "--genotype G [--dataset D] [--layers N --channels C --classes K --input CxHxW --auxiliary --op-set S --mid-channels M] -o FILE",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		var nf netFlags
		nf.register(fs)
		out := fs.StringP("output", "o", "", "spec file to write (.net.json); - writes to standard output")
		return func(args []string, w io.Writer) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			if *out == "" {
				return usagef("-o FILE is required (e.g. -o net.net.json)")
			}

			n, err := nf.build()
			if err != nil {
				return err
			}
			if *out == "-" {
				return writeSpecTo(w, n.net)
			}
			if err := spec.Write(*out, n.net); err != nil {
				return err
			}
			c, err := derive.Count(n.net)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "wrote %s: %s\n%d nodes, %s params (+%s auxiliary), %s MACs\n",
				*out, n.describe(), len(n.net.Nodes), units.Thousands(c.Params), units.Thousands(c.AuxParams), units.Thousands(c.MACs))
			return nil
		}
	},
}

// writeSpecTo writes the spec JSON to w, as spec.Write would store it.
func writeSpecTo(w io.Writer, net *spec.Net) error {
	data, err := spec.Marshal(net)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}
