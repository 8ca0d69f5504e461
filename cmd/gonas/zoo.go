package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"gonas/models"
)

var cmdZoo = &command{
	name:    "zoo",
	summary: "list the published genotypes gonas knows by name",
	usage:   "[--json]",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		asJSON := fs.Bool("json", false, "print a JSON array (name, op set, source, genotype)")
		return func(args []string, w io.Writer) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			zoo := models.Zoo()
			if *asJSON {
				type entry struct {
					Name     string           `json:"name"`
					OpSet    string           `json:"op_set"`
					Source   string           `json:"source"`
					Genotype *models.Genotype `json:"genotype"`
				}
				out := make([]entry, len(zoo))
				for i, e := range zoo {
					out[i] = entry{e.Name, e.OpSet, e.Source, e.Genotype}
				}
				data, err := json.MarshalIndent(out, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(w, "%s\n", data)
				return err
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tOP SET\tSOURCE")
			for _, e := range zoo {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Name, e.OpSet, e.Source)
			}
			return tw.Flush()
		}
	},
}
