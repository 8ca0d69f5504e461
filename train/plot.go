package train

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"gonas/internal/atomicfile"
)

var (
	trainColor = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	testColor  = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
)

// WriteCurves draws the loss and accuracy curves (train and test against
// the epoch) side by side into dir/curves.svg and dir/curves.png.
func WriteCurves(dir string, hist []EpochMetrics) error {
	if len(hist) == 0 {
		return nil
	}
	const w, h = 24 * vg.Centimeter, 9 * vg.Centimeter
	var svg, png bytes.Buffer
	if err := drawCurves(hist, vgsvg.New(w, h), &svg); err != nil {
		return fmt.Errorf("plot %s: %w", CurvesSVG, err)
	}
	if err := drawCurves(hist, vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(110))}, &png); err != nil {
		return fmt.Errorf("plot %s: %w", CurvesPNG, err)
	}
	for _, f := range []struct {
		name string
		b    []byte
	}{{CurvesSVG, svg.Bytes()}, {CurvesPNG, png.Bytes()}} {
		if err := atomicfile.Write(filepath.Join(dir, f.name), f.b); err != nil {
			return fmt.Errorf("plot %s: %w", f.name, err)
		}
	}
	return nil
}

// canvas is a vg canvas that can write itself out (vgsvg.Canvas,
// vgimg.PngCanvas).
type canvas interface {
	vg.CanvasSizer
	io.WriterTo
}

func drawCurves(hist []EpochMetrics, c canvas, out io.Writer) error {
	loss, err := curvePlot("loss", "cross-entropy", hist,
		func(m EpochMetrics) float64 { return m.TrainLoss }, func(m EpochMetrics) float64 { return m.TestLoss })
	if err != nil {
		return err
	}
	acc, err := curvePlot("accuracy", "accuracy (%)", hist,
		func(m EpochMetrics) float64 { return m.TrainAcc }, func(m EpochMetrics) float64 { return m.TestAcc })
	if err != nil {
		return err
	}
	acc.Legend.Top = false
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Centimeter, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2,
		PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4}
	cs := plot.Align([][]*plot.Plot{{loss, acc}}, tiles, dc)
	loss.Draw(cs[0][0])
	acc.Draw(cs[0][1])
	_, err = c.WriteTo(out)
	return err
}

// curvePlot makes one panel with the train and test series.
func curvePlot(title, ylabel string, hist []EpochMetrics, train, test func(EpochMetrics) float64) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = ylabel
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	for _, s := range []struct {
		name string
		f    func(EpochMetrics) float64
		col  color.Color
	}{{"train", train, trainColor}, {"test", test, testColor}} {
		xy := make(plotter.XYs, len(hist))
		for i, m := range hist {
			xy[i].X, xy[i].Y = float64(m.Epoch), s.f(m)
		}
		l, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, err
		}
		l.Color, pts.Color = s.col, s.col
		pts.Shape = draw.CircleGlyph{}
		pts.Radius = vg.Points(2)
		p.Add(l, pts)
		p.Legend.Add(s.name, l, pts)
	}
	return p, nil
}
