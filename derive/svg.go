package derive

import (
	"encoding/xml"
	"fmt"
	"sort"
	"strings"

	"gonas/models"
)

// SVG geometry, in pixels.
const (
	svgMargin = 24
	svgBoxW   = 76
	svgBoxH   = 34
	svgColGap = 150 // least room for the edge labels between columns
	svgPerLab = 24  // more room per labelled edge leaving a column
	svgPitch  = 86  // vertical distance between nodes of a column
)

// CellSVG draws the same cell as CellDOT as a self-contained SVG, laid out
// without Graphviz: states in columns by depth (inputs first, c_{k} last),
// op edges as curves with arrowheads, labelled and coloured per op.
func CellSVG(g *models.Genotype, which string) (string, error) {
	cg, err := newCellGraph(g, which)
	if err != nil {
		return "", err
	}
	n := 2 + cg.steps
	depth := make([]int, n+1) // state n is the output c_{k}
	for _, e := range cg.edges {
		depth[e.to] = max(depth[e.to], depth[e.from]+1)
	}
	last := 0
	for s := 0; s < n; s++ {
		last = max(last, depth[s])
	}
	depth[n] = last + 1
	cols := make([][]int, last+2)
	for s := 0; s <= n; s++ {
		cols[depth[s]] = append(cols[depth[s]], s)
	}
	rows := 0
	for _, c := range cols {
		rows = max(rows, len(c))
	}
	pos := make([]pt, n+1) // top-left corner of each box
	// Columns with many labelled edges leaving them get wider gaps.
	leaving := make([]int, len(cols))
	for _, e := range cg.edges {
		leaving[depth[e.from]]++
	}
	x := float64(svgMargin)
	for d, c := range cols {
		// A column spreads its nodes over the full height (one node: centred).
		top, step := float64(svgMargin)+float64(rows-1)*svgPitch/2, 0.0
		if len(c) > 1 {
			top, step = svgMargin, float64(rows-1)*svgPitch/float64(len(c)-1)
		}
		for k, s := range c {
			pos[s] = pt{x, top + float64(k)*step}
		}
		x += svgBoxW + float64(max(svgColGap, svgPerLab*leaving[d]))
	}
	width := int(x) - svgColGap + svgMargin
	height := 2*svgMargin + (rows-1)*svgPitch + svgBoxH + 20

	var edges []svgEdge
	for _, e := range cg.edges {
		edges = append(edges, svgEdge{e.from, e.to, e.op})
	}
	for _, s := range cg.concat {
		edges = append(edges, svgEdge{s, n, ""})
	}
	// Parallel edges (same endpoints) bend apart.
	parallel := map[[2]int]int{}
	for _, e := range edges {
		parallel[[2]int{e.from, e.to}]++
	}
	seen := map[[2]int]int{}

	colors := map[string]string{}
	for _, e := range edges {
		colors[svgColor(e)] = ""
	}
	names := make([]string, 0, len(colors))
	for c := range colors {
		names = append(names, c)
	}
	sort.Strings(names)
	for i, c := range names {
		colors[c] = fmt.Sprintf("arrow%d", i)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	fmt.Fprintf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"Times, serif\">\n", width, height, width, height)
	fmt.Fprintf(&b, "<title>%s cell</title>\n", esc(which))
	b.WriteString("<defs>\n")
	for _, c := range names {
		fmt.Fprintf(&b, "<marker id=\"%s\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"+
			"<path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/></marker>\n", colors[c], c)
	}
	b.WriteString("</defs>\n")
	var labels strings.Builder
	var placed []box
	for _, p := range pos { // labels keep off the node boxes
		placed = append(placed, box{p.x, p.y, p.x + svgBoxW, p.y + svgBoxH})
	}
	b.WriteString("<g fill=\"none\" stroke-width=\"2\">\n")
	for _, e := range edges {
		key := [2]int{e.from, e.to}
		k, m := seen[key], parallel[key]
		seen[key]++
		bend := (float64(k) - float64(m-1)/2) * 44
		if span := depth[e.to] - depth[e.from]; span > 1 {
			bend -= 26 * float64(span-1)
		}
		s := pt{pos[e.from].x + svgBoxW, pos[e.from].y + svgBoxH/2}
		t := pt{pos[e.to].x, pos[e.to].y + svgBoxH/2}
		dx := (t.x - s.x) / 2
		c1 := pt{s.x + dx, s.y + bend}
		c2 := pt{t.x - dx, t.y + bend}
		col := svgColor(e)
		fmt.Fprintf(&b, "<path d=\"M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f\" stroke=\"%s\" marker-end=\"url(#%s)\"/>\n",
			s.x, s.y, c1.x, c1.y, c2.x, c2.y, t.x, t.y, col, colors[col])
		if e.op != "" {
			curve := [4]pt{s, c1, c2, t}
			at := placeLabel(&placed, e.op, func(u float64) (float64, float64) {
				p := bezier(curve, u)
				return p.x, p.y
			})
			w := labelWidth(e.op)
			fmt.Fprintf(&labels, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"3\" fill=\"white\" fill-opacity=\"0.85\"/>\n",
				at.x-w/2, at.y-svgLabelH/2, w, svgLabelH)
			fmt.Fprintf(&labels, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s</text>\n", at.x, at.y+4.5, col, esc(e.op))
		}
	}
	b.WriteString("</g>\n")
	b.WriteString("<g font-size=\"13\" text-anchor=\"middle\">\n")
	b.WriteString(labels.String())
	b.WriteString("</g>\n")
	b.WriteString("<g font-size=\"18\" text-anchor=\"middle\">\n")
	for s := 0; s <= n; s++ {
		fill := "lightblue"
		switch {
		case s < 2:
			fill = "#b4eeb4" // darkseagreen2
		case s == n:
			fill = "palegoldenrod"
		}
		p := pos[s]
		fmt.Fprintf(&b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"%s\" stroke=\"black\" stroke-width=\"2\"/>\n",
			p.x, p.y, svgBoxW, svgBoxH, fill)
		fmt.Fprintf(&b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", p.x+svgBoxW/2, p.y+svgBoxH/2+6, svgStateLabel(s, n))
	}
	b.WriteString("</g>\n</svg>\n")
	return b.String(), nil
}

type pt struct{ x, y float64 }

// bezier evaluates the cubic curve c at u in [0, 1].
func bezier(c [4]pt, u float64) pt {
	v := 1 - u
	a, b, cc, d := v*v*v, 3*v*v*u, 3*v*u*u, u*u*u
	return pt{a*c[0].x + b*c[1].x + cc*c[2].x + d*c[3].x, a*c[0].y + b*c[1].y + cc*c[2].y + d*c[3].y}
}

// box is an axis-aligned rectangle (x0, y0)-(x1, y1).
type box struct{ x0, y0, x1, y1 float64 }

func (a box) overlaps(b box) bool {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

const svgLabelH = 15

// labelWidth estimates the width of a 13px Times label.
func labelWidth(s string) float64 { return 6.4*float64(len(s)) + 6 }

// placeLabel puts a label on its curve: at the midpoint if that is free,
// else at the free position nearest to it, else where it overlaps the
// fewest boxes already placed. The chosen box is added to placed.
func placeLabel(placed *[]box, label string, at func(u float64) (float64, float64)) pt {
	w := labelWidth(label)
	var best pt
	least := -1
	for i := 0; i <= 20; i++ {
		u := 0.5 + float64((i+1)/2)*0.04*float64(1-2*(i%2)) // 0.5, 0.46, 0.54, 0.42, ...
		x, y := at(u)
		r := box{x - w/2, y - svgLabelH/2, x + w/2, y + svgLabelH/2}
		n := 0
		for _, q := range *placed {
			if r.overlaps(q) {
				n++
			}
		}
		if least < 0 || n < least {
			best, least = pt{x, y}, n
		}
		if n == 0 {
			break
		}
	}
	*placed = append(*placed, box{best.x - w/2, best.y - svgLabelH/2, best.x + w/2, best.y + svgLabelH/2})
	return best
}

// svgEdge is an edge of the drawing; op is "" for the plain edges into c_{k}.
type svgEdge struct {
	from, to int
	op       string
}

func svgColor(e svgEdge) string {
	if e.op == "" {
		return "gray"
	}
	return opColor(e.op)
}

// svgStateLabel writes c_{k-2} as c with a subscript.
func svgStateLabel(s, out int) string {
	sub := ""
	switch {
	case s == 0:
		sub = "k-2"
	case s == 1:
		sub = "k-1"
	case s == out:
		sub = "k"
	default:
		return esc(stateLabel(s))
	}
	return "c<tspan font-size=\"70%\" dy=\"5\">" + sub + "</tspan>"
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
