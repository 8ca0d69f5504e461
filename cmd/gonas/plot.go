package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/pflag"

	"gonas/derive"
	"gonas/internal/atomicfile"
)

var cmdPlot = &command{
	name:    "plot",
	summary: "draw the normal and reduce cells of a genotype (Graphviz DOT and SVG)",
	usage:   "--genotype G -o DIR",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		var gf genoFlags
		gf.register(fs)
		dir := fs.StringP("output", "o", "", "directory to write normal.dot, normal.svg, reduce.dot, reduce.svg into (created if needed)")
		return func(args []string, w io.Writer) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			if *dir == "" {
				return usagef("-o DIR is required")
			}
			geno, _, err := gf.resolve()
			if err != nil {
				return err
			}
			if err := atomicfile.CheckDir(*dir); err != nil {
				return fmt.Errorf("plot: %w", err)
			}
			drawn, err := derive.WriteCellPlots(*dir, &geno.Genotype)
			if err != nil {
				return fmt.Errorf("plot: %w", err)
			}
			for _, cell := range drawn {
				fmt.Fprintf(w, "wrote %s and %s\n", filepath.Join(*dir, cell+".dot"), filepath.Join(*dir, cell+".svg"))
			}
			if len(drawn) == 1 {
				fmt.Fprintf(w, "%s cell: not drawn, the genotype has reduce=None (the op set's fixed reduction cell)\n", derive.CellReduce)
			}
			return nil
		}
	},
}
