package derive

import (
	"errors"
	"fmt"
	"path/filepath"

	"gonas/internal/atomicfile"
	"gonas/models"
)

// WriteCellPlots writes the DOT and SVG drawings of g's normal and reduce
// cells into dir (normal.dot, normal.svg, reduce.dot, reduce.svg), each
// atomically, and returns the cells it drew. A fixed reduction cell
// (reduce=None, GDAS-FRC) is not drawn.
func WriteCellPlots(dir string, g *models.Genotype) ([]string, error) {
	var drawn []string
	for _, cell := range []string{CellNormal, CellReduce} {
		dot, err := CellDOT(g, cell)
		if errors.Is(err, ErrFixedCell) {
			continue
		}
		if err != nil {
			return drawn, err
		}
		svg, err := CellSVG(g, cell)
		if err != nil {
			return drawn, err
		}
		for _, f := range []struct{ ext, text string }{{".dot", dot}, {".svg", svg}} {
			if err := atomicfile.Write(filepath.Join(dir, cell+f.ext), []byte(f.text)); err != nil {
				return drawn, fmt.Errorf("cell plot: %w", err)
			}
		}
		drawn = append(drawn, cell)
	}
	return drawn, nil
}
