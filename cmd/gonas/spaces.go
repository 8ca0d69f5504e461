package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"gonas/models"
)

var cmdSpaces = &command{
	name:    "spaces",
	summary: "list the search spaces --space takes (s0, RobustDARTS's s1-s4) with each edge's candidate ops",
	usage:   "[--op-set S] [--space NAME] [--json]",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		asJSON := fs.Bool("json", false, "print a JSON array (name, summary, note, and each cell's per-edge candidates)")
		opSet := fs.String("op-set", "darts", "op set the spaces are built with (s0 is its primitives; rome drops none)")
		only := fs.String("space", "", "show this space only, one line per edge")
		return func(args []string, w io.Writer) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			set, err := models.LookupOpSet(*opSet)
			if err != nil {
				return usagef("--op-set: %v", err)
			}
			names := models.SpaceNames()
			if *only != "" {
				names = []string{*only}
			}
			var spaces []*models.Space
			for _, n := range names {
				sp, err := models.ResolveSpace(n, set)
				if err != nil {
					if *only != "" {
						return usagef("--space: %v", err)
					}
					fmt.Fprintf(w, "# %s: not buildable with op set %s: %v\n", n, set.Name, err)
					continue
				}
				spaces = append(spaces, sp)
			}
			if *asJSON {
				return printSpacesJSON(w, spaces)
			}
			if *only != "" {
				return printSpaceEdges(w, spaces[0])
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintf(tw, "SPACE\tOPS PER EDGE\tOPS\tSUMMARY (op set %s)\n", set.Name)
			for _, sp := range spaces {
				kind := "same on every edge"
				if !sp.Uniform() {
					kind = "per edge"
				}
				fmt.Fprintf(tw, "%s\t%d (%s)\t%s\t%s\n", sp.Name, sp.Width(), kind, strings.Join(sp.Ops(), ", "), sp.Summary)
				if sp.Note != "" {
					fmt.Fprintf(tw, "\t\t\tnote: %s\n", sp.Note)
				}
			}
			return tw.Flush()
		}
	},
}

// printSpaceEdges prints one line per edge of both cells (4 nodes).
func printSpaceEdges(w io.Writer, sp *models.Space) error {
	fmt.Fprintf(w, "%s: %s\n", sp.Name, sp.Summary)
	if sp.Note != "" {
		fmt.Fprintf(w, "note: %s\n", sp.Note)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EDGE\tFROM -> NODE\tNORMAL\tREDUCE")
	normal, reduce := sp.Rows(false, 4), sp.Rows(true, 4)
	for r := range normal {
		node, from := models.RowEdge(r)
		fmt.Fprintf(tw, "%d\t%s -> %d\t%s\t%s\n", r, models.StateName(from), node, strings.Join(normal[r], ", "), strings.Join(reduce[r], ", "))
	}
	return tw.Flush()
}

func printSpacesJSON(w io.Writer, spaces []*models.Space) error {
	type entry struct {
		Name    string     `json:"name"`
		Summary string     `json:"summary"`
		Note    string     `json:"note,omitempty"`
		Uniform bool       `json:"uniform"`
		Normal  [][]string `json:"normal"` // per edge of a 4-node cell
		Reduce  [][]string `json:"reduce"`
	}
	out := make([]entry, len(spaces))
	for i, sp := range spaces {
		out[i] = entry{sp.Name, sp.Summary, sp.Note, sp.Uniform(), sp.Rows(false, 4), sp.Rows(true, 4)}
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}
