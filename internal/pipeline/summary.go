package pipeline

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"gonas/internal/units"
)

// WriteSummary prints the run's summary table: each stage's status, wall
// time, load and result, then the accuracies, the sizes and the report.
func WriteSummary(w io.Writer, dir string, st *State) error {
	c := st.Config
	var b strings.Builder
	fmt.Fprintf(&b, "\ngonas run: %s on %s, %s budget, seed %d", c.Method, c.Dataset, c.Budget, c.Seed)
	if c.Seeds > 1 {
		fmt.Fprintf(&b, " (%d searches)", c.Seeds)
	}
	fmt.Fprintf(&b, ", %d threads: %s\n\n", st.Threads, dir)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "stage\tstatus\ttime\tload\tresult")
	for _, s := range st.Stages {
		load := "-"
		if s.Load != [2]float64{} {
			load = fmt.Sprintf("%.1f-%.1f", s.Load[0], s.Load[1])
		}
		summary := s.Summary
		if s.Kind == StageReport && s.Status == StatusDone {
			summary = "report.html"
		}
		if s.Error != "" {
			summary = "error: " + s.Error
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, s.Status, units.Seconds(s.Seconds), load, summary)
	}
	fmt.Fprintf(tw, "total\t\t%s\t\t\n", units.Seconds(st.Seconds()))
	if err := tw.Flush(); err != nil {
		return err
	}
	b.WriteString("\n")
	if v := st.Verify; v != nil {
		if v.ORTRan() {
			fmt.Fprintf(&b, "test accuracy: ONNX Runtime %.2f%% (%d/%d), Go engine %.2f%% (%d/%d); same class on %d images\n",
				v.ORTAcc, v.ORTCorrect, v.Images, v.GoAcc, v.GoCorrect, v.Images, v.Agree)
		} else {
			fmt.Fprintf(&b, "test accuracy: Go engine %.2f%% (%d/%d); ONNX Runtime skipped: %s\n", v.GoAcc, v.GoCorrect, v.Images, v.ORTSkipped)
		}
	}
	if n := st.Net; n != nil {
		fmt.Fprintf(&b, "network: %s (op set %s), %d cells, C=%d: %s params, %s multiply-adds per image",
			n.GenotypeFile, n.OpSet, n.Layers, n.Channels, units.Thousands(n.Counts.Params), units.Count(n.Counts.MACs))
		if e := st.Export; e != nil {
			fmt.Fprintf(&b, "; %s %s", e.File, units.Bytes(e.Bytes))
		}
		b.WriteString("\n")
	}
	if st.Done {
		fmt.Fprintf(&b, "report: %s\n", filepath.Join(dir, ReportFile))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
