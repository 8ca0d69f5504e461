package pipeline

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"gonas/internal/atomicfile"
	"gonas/train"
)

// StepsPNG is the plot of the retraining within epochs.
const StepsPNG = "steps.png"

var (
	trainBlue = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	testRed   = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
)

// WriteStepCurves draws the training loss and accuracy between the points
// (the means of the steps since the previous point) against the epoch,
// with the test loss and accuracy after each epoch, into a PNG at path.
func WriteStepCurves(path string, pts []StepPoint, hist []train.EpochMetrics) error {
	if len(pts) == 0 {
		return nil
	}
	loss, err := stepPanel("loss", "cross-entropy", pts, hist,
		func(p StepPoint) float64 { return p.Loss }, func(m train.EpochMetrics) float64 { return m.TestLoss })
	if err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	acc, err := stepPanel("accuracy", "accuracy (%)", pts, hist,
		func(p StepPoint) float64 { return p.Acc }, func(m train.EpochMetrics) float64 { return m.TestAcc })
	if err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	acc.Legend.Top = false
	const w, h = 24 * vg.Centimeter, 9 * vg.Centimeter
	c := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(110))}
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Centimeter, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2,
		PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4}
	cs := plot.Align([][]*plot.Plot{{loss, acc}}, tiles, dc)
	loss.Draw(cs[0][0])
	acc.Draw(cs[0][1])
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	return atomicfile.Write(path, buf.Bytes())
}

// stepPanel is one panel: the training series as a line, the test series
// as points at the epoch ends.
func stepPanel(title, ylabel string, pts []StepPoint, hist []train.EpochMetrics,
	trainY func(StepPoint) float64, testY func(train.EpochMetrics) float64) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = ylabel
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.X.Min = 0
	last := math.Ceil(pts[len(pts)-1].X)
	var ticks []plot.Tick
	for e := 0.0; e <= last; e += math.Max(0.5, math.Ceil(last/8)) {
		ticks = append(ticks, plot.Tick{Value: e, Label: strconv.FormatFloat(e, 'g', -1, 64)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	xy := make(plotter.XYs, len(pts))
	for i, s := range pts {
		xy[i].X, xy[i].Y = s.X, trainY(s)
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return nil, err
	}
	l.Color = trainBlue
	l.Width = vg.Points(1.5)
	p.Add(l)
	p.Legend.Add("train (mean since the previous point)", l)
	if len(hist) > 0 {
		txy := make(plotter.XYs, len(hist))
		for i, m := range hist {
			txy[i].X, txy[i].Y = float64(m.Epoch), testY(m)
		}
		sc, err := plotter.NewScatter(txy)
		if err != nil {
			return nil, err
		}
		sc.Color = testRed
		sc.Shape = draw.CircleGlyph{}
		sc.Radius = vg.Points(3.5)
		p.Add(sc)
		p.Legend.Add("test (end of epoch)", sc)
	}
	return p, nil
}
