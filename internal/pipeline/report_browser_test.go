package pipeline

import (
	"context"
	"encoding/json"
	"flag"
	"html"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var keepShot = flag.String("screenshot", "", "TestReportInBrowser: also copy the screenshot to this file")

// The browser window of the screenshot, in CSS pixels (device scale 1).
const shotW, shotH = 1200, 3000

// probeScript runs in the browser once the page and its images have
// loaded, and writes into <body data-probe> where each image, drawing and
// table landed and whether each image decoded.
const probeScript = `<script>
window.addEventListener("load", function () {
  var box = function (e) { var r = e.getBoundingClientRect(); return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height}; };
  var out = {images: [], svgs: [], tables: []};
  document.querySelectorAll("img").forEach(function (e) {
    var b = box(e); b.natural = e.naturalWidth; b.complete = e.complete; out.images.push(b);
  });
  document.querySelectorAll("figure > svg").forEach(function (e) { out.svgs.push(box(e)); });
  document.querySelectorAll("table").forEach(function (e) { var b = box(e); b.rows = e.rows.length; out.tables.push(b); });
  document.body.setAttribute("data-probe", JSON.stringify(out));
});
</script>`

type probeBox struct {
	X, Y, W, H float64
	Natural    int  `json:"natural"`
	Complete   bool `json:"complete"`
	Rows       int  `json:"rows"`
}

type probe struct {
	Images, SVGs, Tables []probeBox
}

// chromium finds a Chromium or Chrome binary.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH: the browser check of report.html is skipped (install it: apt-get install -y chromium)")
	return ""
}

// headless runs the browser on a file with the extra flags (the flags
// safe for a container running as root come first).
func headless(t *testing.T, bin, page string, extra ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--force-device-scale-factor=1", "--user-data-dir=" + t.TempDir(), "--window-size=1200,3000"}
	args = append(append(args, extra...), "file://"+page)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

var probeAttr = regexp.MustCompile(`data-probe="([^"]*)"`)

// TestReportInBrowser opens the fixture's report.html in headless
// Chromium: the DOM after loading must hold every image decoded
// (naturalWidth > 0) and every drawing and table laid out with a size, and
// the screenshot must show non-background pixels wherever the page placed
// an image, a drawing or a table.
func TestReportInBrowser(t *testing.T) {
	bin := chromium(t)
	dir, _, page := readReport(t)
	probePage := filepath.Join(dir, "probe.html")
	if err := os.WriteFile(probePage, []byte(strings.Replace(page, "</body>", probeScript+"</body>", 1)), 0o644); err != nil {
		t.Fatal(err)
	}

	dom := headless(t, bin, probePage, "--dump-dom")
	m := probeAttr.FindSubmatch(dom)
	if m == nil {
		t.Fatalf("the probe did not run: no data-probe in the DOM (%d bytes)", len(dom))
	}
	var p probe
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &p); err != nil {
		t.Fatalf("probe: %v\n%s", err, m[1])
	}
	if len(p.Images) != 5 || len(p.SVGs) != 2 || len(p.Tables) < 6 {
		t.Fatalf("the browser sees %d images, %d cell drawings, %d tables; want 5, 2 and at least 6", len(p.Images), len(p.SVGs), len(p.Tables))
	}
	for i, b := range p.Images {
		if !b.Complete || b.Natural <= 0 || b.W < 100 || b.H < 50 {
			t.Errorf("image %d did not render: %+v", i, b)
		}
	}
	for i, b := range p.SVGs {
		if b.W < 100 || b.H < 50 {
			t.Errorf("cell drawing %d has no size: %+v", i, b)
		}
	}
	for i, b := range p.Tables {
		if b.Rows < 2 || b.W < 50 || b.H < 20 {
			t.Errorf("table %d is empty or has no size: %+v", i, b)
		}
	}

	shotPath := filepath.Join(dir, "shot.png")
	headless(t, bin, probePage, "--screenshot="+shotPath)
	f, err := os.Open(shotPath)
	if err != nil {
		t.Fatal(err)
	}
	shot, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if *keepShot != "" {
		if b, err := os.ReadFile(shotPath); err == nil {
			os.WriteFile(*keepShot, b, 0o644)
		}
	}
	if b := shot.Bounds(); b.Dx() != shotW || b.Dy() != shotH {
		t.Fatalf("screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), shotW, shotH)
	}
	bg := shot.At(2, 2) // the page background, in a margin
	if whole := inked(shot, bg, shot.Bounds()); whole < 0.02 {
		t.Fatalf("the screenshot is blank: %.2f%% of its pixels differ from the background", 100*whole)
	}
	checked := 0
	check := func(kind string, i int, b probeBox) {
		r := image.Rect(int(b.X), int(b.Y), int(b.X+b.W), int(b.Y+b.H)).Intersect(shot.Bounds())
		if r.Dy() < 40 {
			return // (mostly) below the window
		}
		checked++
		if ink := inked(shot, bg, r); ink < 0.01 {
			t.Errorf("%s %d at %v: only %.2f%% of its pixels differ from the background", kind, i, r, 100*ink)
		}
	}
	for i, b := range p.Images {
		check("image", i, b)
	}
	for i, b := range p.SVGs {
		check("cell drawing", i, b)
	}
	for i, b := range p.Tables {
		check("table", i, b)
	}
	if checked < 6 {
		t.Errorf("only %d images, drawings and tables lie in the %dx%d screenshot", checked, shotW, shotH)
	}
	t.Logf("%d images, %d drawings, %d tables rendered; %d regions of the screenshot checked", len(p.Images), len(p.SVGs), len(p.Tables), checked)
}

// inked is the share of the pixels of r that differ from bg.
func inked(img image.Image, bg color.Color, r image.Rectangle) float64 {
	r = r.Intersect(img.Bounds())
	if r.Empty() {
		return 0
	}
	br, bgc, bb, _ := bg.RGBA()
	n, diff := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			n++
			if absDiff(cr, br)+absDiff(cg, bgc)+absDiff(cb, bb) > 3*0x0800 {
				diff++
			}
		}
	}
	return float64(diff) / float64(n)
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}
