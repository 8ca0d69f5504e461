package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"gonas/derive"
	"gonas/internal/units"
)

var cmdCount = &command{
	name:    "count",
	summary: "count the parameters, multiply-adds and FLOPs of a derived network",
	usage:   "--genotype G [--dataset D] [--layers N --channels C --classes K --input CxHxW --auxiliary --op-set S --mid-channels M] [--json]",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		var nf netFlags
		nf.register(fs)
		asJSON := fs.Bool("json", false, "print one JSON object instead of a table")
		return func(args []string, w io.Writer) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			n, err := nf.build()
			if err != nil {
				return err
			}
			c, err := derive.Count(n.net)
			if err != nil {
				return err
			}
			if *asJSON {
				return writeCountJSON(w, n, c)
			}
			fmt.Fprintf(w, "%s\n\n", n.describe())
			fmt.Fprintf(w, "params      %15s  %s  (auxiliary head excluded, as the papers count)\n", units.Thousands(c.Params), millions(c.Params))
			fmt.Fprintf(w, "aux params  %15s  %s\n", units.Thousands(c.AuxParams), millions(c.AuxParams))
			fmt.Fprintf(w, "MACs        %15s  %s  (conv + linear multiply-adds, GDAS/AutoDL rule)\n", units.Thousands(c.MACs), millions(c.MACs))
			fmt.Fprintf(w, "FLOPs full  %15s  %s  (conv, linear, ReLU, BN, pools; sovrasov rule of sharpDARTS/PC-DARTS)\n", units.Thousands(c.FLOPsFull), millions(c.FLOPsFull))
			fmt.Fprintf(w, "BN buffers  %15s\n", units.Thousands(c.Buffers))
			return nil
		}
	},
}

// countJSON is the --json output: the counts plus what they describe.
type countJSON struct {
	derive.Counts
	Genotype string `json:"genotype,omitempty"`
	OpSet    string `json:"op_set"`
	Dataset  string `json:"dataset"`
	Network  string `json:"network"`
	Input    string `json:"input"`
	Classes  int    `json:"classes"`
	Channels int    `json:"channels"`
	Layers   int    `json:"layers"`
	Aux      bool   `json:"auxiliary"`
}

func writeCountJSON(w io.Writer, n *builtNet, c derive.Counts) error {
	data, err := json.MarshalIndent(countJSON{
		Counts: c, Genotype: n.geno.Name, OpSet: n.set.Name, Dataset: n.cfg.Dataset, Network: n.cfg.Network,
		Input: n.cfg.Input.String(), Classes: n.cfg.Classes, Channels: n.cfg.Channels, Layers: n.cfg.Layers, Aux: n.cfg.Auxiliary,
	}, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

// commas writes n with thousands separators.
func millions(n int64) string { return fmt.Sprintf("%8.2fM", float64(n)/1e6) }
