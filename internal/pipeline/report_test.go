package pipeline

import (
	"bytes"
	"encoding/base64"
	"html"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gonas/internal/units"
)

// readReport renders the fixture's report and returns its folder, state
// and HTML.
func readReport(t *testing.T) (string, *State, string) {
	t.Helper()
	dir, st := fixtureRun(t, true)
	if err := WriteReport(dir, st); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	return dir, st, string(b)
}

var (
	imgSrc = regexp.MustCompile(`<img src="([^"]*)"`)
	idAttr = regexp.MustCompile(`\bid="([^"]+)"`)
	urlRef = regexp.MustCompile(`url\(#([^)]+)\)`)
)

// The report stands alone: every image is a PNG data URI that decodes,
// the two cells are inline SVG whose marker ids are unique on the page and
// resolve, and the numbers and commands of the state are on it.
func TestWriteReport(t *testing.T) {
	_, st, page := readReport(t)
	imgs := imgSrc.FindAllStringSubmatch(page, -1)
	if len(imgs) != 5 { // 2 searches x 2 alpha plots + the curves
		t.Errorf("%d <img> elements, want 5", len(imgs))
	}
	for i, m := range imgs {
		const prefix = "data:image/png;base64,"
		src := html.UnescapeString(m[1])
		if !strings.HasPrefix(src, prefix) {
			t.Errorf("image %d is not an inline PNG: %.60s", i, src)
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(src[len(prefix):])
		if err != nil {
			t.Errorf("image %d: %v", i, err)
			continue
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(raw))
		if err != nil || cfg.Width < 100 || cfg.Height < 100 {
			t.Errorf("image %d: %dx%d, %v", i, cfg.Width, cfg.Height, err)
		}
	}
	if n := strings.Count(page, "<svg"); n != 2 {
		t.Errorf("%d inline <svg>, want the 2 cells", n)
	}
	if strings.Contains(page, "<?xml") {
		t.Error("an XML declaration was left inside the HTML")
	}
	ids := map[string]int{}
	for _, m := range idAttr.FindAllStringSubmatch(page, -1) {
		ids[m[1]]++
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %q appears %d times", id, n)
		}
	}
	refs := urlRef.FindAllStringSubmatch(page, -1)
	if len(refs) == 0 {
		t.Error("the cells reference no markers")
	}
	for _, m := range refs {
		if ids[m[1]] != 1 {
			t.Errorf("url(#%s) refers to no element", m[1])
		}
	}
	want := []string{
		"98.81%", "98.80%", units.Thousands(st.Net.Counts.Params), units.Thousands(st.Net.Counts.MACs),
		"gonas search --method rome --dataset mnist --subset 4000",
		"--seed 3", "gonas train --genotype", "gonas export --checkpoint", "gonas run --resume",
		"Selection", "97.50%", "<b>yes</b>", "9999 of 10000", "search-seed2", "load (1 min",
		st.Net.Genotype[:40],
	}
	for _, w := range want {
		if !strings.Contains(page, escText(w)) {
			t.Errorf("the report lacks %q", w)
		}
	}
	for _, f := range []string{"genotype.geno", "net.json", "model.onnx", "train/metrics.jsonl", "search-seed3/alphas_normal.png"} {
		if !strings.Contains(page, `href="`+f+`"`) {
			t.Errorf("the file list lacks %s", f)
		}
	}
}

// escText escapes s as html/template writes text.
func escText(s string) string {
	return strings.NewReplacer("'", "&#39;", `"`, "&#34;").Replace(s)
}

func TestInlineSVG(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<?xml version="1.0"?>` + "\n" + `<svg><marker id="arrow0"/><path marker-end="url(#arrow0)"/></svg>`,
			`<svg><marker id="n-arrow0"/><path marker-end="url(#n-arrow0)"/></svg>`},
		{`<svg id="a-b"><use href="#x"/></svg>`, `<svg id="n-a-b"><use href="#x"/></svg>`},
		{`<svg width="10"/>`, `<svg width="10"/>`},
	} {
		if got := inlineSVG(tc.in, "n"); got != tc.want {
			t.Errorf("inlineSVG(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
