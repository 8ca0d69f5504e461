package search

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"gonas/internal/atomicfile"
	"gonas/models"
)

// WriteAlphaPlots draws the softmaxed architecture weights of every edge
// against the epoch, one panel per edge and one line per op in the op's
// colour (models.OpColor, as in the cell drawings), for each cell type:
// dir/alphas_normal.{svg,png} and dir/alphas_reduce.{svg,png}.
func WriteAlphaPlots(dir string, hist []EpochRecord) error {
	if len(hist) == 0 {
		return nil
	}
	for _, which := range cellNames {
		rows := len(hist[0].Normal)
		if rows == 0 {
			return nil
		}
		if which == "reduce" && len(hist[0].Reduce) == 0 {
			continue // a fixed reduction cell (GDAS-FRC) has no weights
		}
		cols := 4
		grid := (rows + 1 + cols - 1) / cols // the edges and a legend tile
		w, h := 30*vg.Centimeter, vg.Length(grid)*6*vg.Centimeter
		name := "alphas_" + which
		var svg, png bytes.Buffer
		if err := drawAlphas(hist, which, cols, grid, vgsvg.New(w, h), &svg); err != nil {
			return fmt.Errorf("plot %s.svg: %w", name, err)
		}
		if err := drawAlphas(hist, which, cols, grid, vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(96))}, &png); err != nil {
			return fmt.Errorf("plot %s.png: %w", name, err)
		}
		for ext, b := range map[string][]byte{".svg": svg.Bytes(), ".png": png.Bytes()} {
			if err := atomicfile.Write(filepath.Join(dir, name+ext), b); err != nil {
				return fmt.Errorf("plot %s%s: %w", name, ext, err)
			}
		}
	}
	return nil
}

func drawAlphas(hist []EpochRecord, which string, cols, grid int, c vg.CanvasWriterTo, out io.Writer) error {
	weights := func(r EpochRecord) [][]float64 {
		if which == "reduce" {
			return r.Reduce
		}
		return r.Normal
	}
	rows := len(weights(hist[0]))
	var legendOps []string // this cell's ops, in first-seen order
	for r := range rows {
		for _, op := range hist[0].EdgeOps(which == "reduce", r) {
			if !slices.Contains(legendOps, op) {
				legendOps = append(legendOps, op)
			}
		}
	}
	plots := make([][]*plot.Plot, grid)
	legend := plot.New()
	legend.HideAxes()
	legend.Legend.Top = true
	legend.Legend.Left = true
	legend.Title.Text = which + " cell: softmax(alpha) per edge"
	for i := range plots {
		plots[i] = make([]*plot.Plot, cols)
	}
	for r := range rows {
		p := plot.New()
		node, from := RowEdge(r)
		p.Title.Text = fmt.Sprintf("edge %d: %s -> node %d", r, models.StateName(from), node)
		p.X.Label.Text = "epoch"
		p.Add(plotter.NewGrid())
		for k, op := range hist[0].EdgeOps(which == "reduce", r) {
			xy := make(plotter.XYs, len(hist))
			for i, rec := range hist {
				w := weights(rec)
				xy[i].X = float64(rec.Epoch)
				if r < len(w) && k < len(w[r]) {
					xy[i].Y = w[r][k]
				}
			}
			l, pts, err := plotter.NewLinePoints(xy)
			if err != nil {
				return err
			}
			col := models.OpRGBA(op)
			l.Color, pts.Color = col, col
			pts.Shape = draw.CircleGlyph{}
			pts.Radius = vg.Points(1.5)
			p.Add(l, pts)
		}
		plots[r/cols][r%cols] = p
	}
	for _, op := range legendOps {
		l, err := plotter.NewLine(plotter.XYs{{}})
		if err != nil {
			return err
		}
		l.Color = models.OpRGBA(op)
		legend.Legend.Add(op, l)
	}
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: grid, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	cs := plot.Align(plots, tiles, dc)
	for i, row := range plots {
		for j, p := range row {
			if p != nil {
				p.Draw(cs[i][j])
			}
		}
	}
	legend.Draw(tiles.At(dc, rows%cols, rows/cols))
	_, err := c.WriteTo(out)
	return err
}
