package pipeline

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"gonas/internal/atomicfile"
	"gonas/internal/units"
	"gonas/search"
	"gonas/train"
)

// ReportFile is the run's report in its folder.
const ReportFile = "report.html"

//go:embed report.html.tmpl
var reportTemplate string

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":       func(v float64) string { return fmt.Sprintf("%.2f%%", v) },
	"f4":        func(v float64) string { return fmt.Sprintf("%.4f", v) },
	"secs":      units.Seconds,
	"thousands": units.Thousands,
	"human":     units.Count,
	"bytes":     units.Bytes,
	"load": func(l [2]float64) string {
		if l == [2]float64{} {
			return "-"
		}
		return fmt.Sprintf("%.2f → %.2f", l[0], l[1])
	},
	"add1": func(i int) int { return i + 1 },
}).Parse(reportTemplate))

// runReport writes report.html.
func (r *Runner) runReport(s *Stage) error {
	if err := WriteReport(r.dir, r.st); err != nil {
		return err
	}
	s.Summary = r.path(ReportFile)
	return nil
}

// reportData is what the template shows.
type reportData struct {
	St        *State
	Title     string
	Generated string
	Total     string
	Cells     []svgView
	Curves    template.URL
	Searches  []searchView
	Metrics   []train.EpochMetrics
	Commands  []commandView
	Files     []fileView
	Chosen    *Candidate
	Finished  bool // every stage but the report is done
}

type svgView struct {
	Name string
	SVG  template.HTML
}

type imgView struct {
	Name string
	URI  template.URL
}

type searchView struct {
	Result  SearchResult
	Command string
	Alphas  []imgView
	Epochs  []search.EpochRecord
}

type commandView struct {
	Stage, Command string
}

type fileView struct {
	Name string
	Size string
}

// WriteReport renders report.html for the run in dir from its state and
// the files its stages wrote: every image is inline (cells as SVG, plots
// as PNG data URIs), so the page stands alone.
func WriteReport(dir string, st *State) error {
	d := reportData{St: st, Generated: time.Now().UTC().Format("2006-01-02 15:04 MST"), Total: units.Seconds(st.Seconds())}
	c := st.Config
	d.Title = fmt.Sprintf("gonas run: %s on %s (%s budget, seed %d)", c.Method, c.Dataset, c.Budget, c.Seed)
	d.Finished = true
	for _, g := range st.Stages {
		d.Finished = d.Finished && (g.Status == StatusDone || g.Kind == StageReport)
	}
	for i := range st.Selection {
		if st.Selection[i].Chosen {
			d.Chosen = &st.Selection[i]
		}
	}
	for _, which := range []string{"normal", "reduce"} {
		b, err := os.ReadFile(filepath.Join(dir, which+".svg"))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		d.Cells = append(d.Cells, svgView{Name: which, SVG: template.HTML(inlineSVG(string(b), which))})
	}
	var err error
	if st.Train != nil {
		// The curve within epochs where there is one, else the trainer's
		// epoch curves.
		for _, f := range []string{StepsPNG, train.CurvesPNG} {
			if d.Curves != "" {
				break
			}
			if d.Curves, err = dataURI(filepath.Join(dir, st.Train.Dir, f)); err != nil {
				return err
			}
		}
		if d.Metrics, err = train.ReadMetrics(filepath.Join(dir, st.Train.Dir, train.MetricsFile)); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	for _, s := range st.Searches {
		v := searchView{Result: s}
		for _, g := range st.Stages {
			if g.Kind == StageSearch && g.Seed == s.Seed {
				v.Command = g.Command
			}
		}
		for _, which := range []string{"normal", "reduce"} {
			uri, err := dataURI(filepath.Join(dir, s.Dir, "alphas_"+which+".png"))
			if err != nil {
				return err
			}
			if uri != "" {
				v.Alphas = append(v.Alphas, imgView{Name: which, URI: uri})
			}
		}
		if h, err := search.ReadAlphas(filepath.Join(dir, s.Dir, search.AlphasFile)); err == nil && len(h) > 1 {
			v.Epochs = h[1:]
		}
		d.Searches = append(d.Searches, v)
	}
	d.Commands = append(d.Commands, commandView{"the whole run", Shell(c.RunArgs(dir, st.Threads))},
		commandView{"resume it if interrupted", Shell([]string{"gonas", "run", "--resume", dir})})
	for _, g := range st.Stages {
		if g.Command != "" {
			d.Commands = append(d.Commands, commandView{g.Name, g.Command})
		}
	}
	if d.Files, err = listFiles(dir); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reportTmpl.Execute(&buf, d); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return atomicfile.Write(filepath.Join(dir, ReportFile), buf.Bytes())
}

var (
	xmlDecl = regexp.MustCompile(`^\s*<\?xml[^>]*\?>\s*`)
	svgIDs  = regexp.MustCompile(`(id="|url\(#)([A-Za-z][\w-]*)`)
)

// inlineSVG prepares a standalone SVG for an HTML page: no XML declaration,
// ids prefixed so that two drawings' markers do not collide.
func inlineSVG(svg, prefix string) string {
	svg = xmlDecl.ReplaceAllString(svg, "")
	return svgIDs.ReplaceAllString(svg, "${1}"+prefix+"-${2}")
}

// dataURI is a PNG file as a data: URI, "" when the file does not exist.
func dataURI(path string) (template.URL, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b)), nil
}

// listFiles lists the run folder's files (not the report itself), with
// sizes, sorted by path.
func listFiles(dir string) ([]fileView, error) {
	var out []fileView
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == ReportFile {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		out = append(out, fileView{Name: filepath.ToSlash(rel), Size: units.Bytes(info.Size())})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("report: list %s: %w", dir, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
