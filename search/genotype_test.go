package search

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"gonas/models"
)

func pairs(s string) []models.Pair {
	var out []models.Pair
	for _, f := range strings.Split(s, ",") {
		var p models.Pair
		f = strings.TrimSpace(f)
		i := strings.LastIndexByte(f, ' ')
		p.Op = f[:i]
		for _, c := range f[i+1:] {
			p.Input = p.Input*10 + int(c-'0')
		}
		out = append(out, p)
	}
	return out
}

func TestParseCell(t *testing.T) {
	ops := []string{"none", "a", "b", "c"}
	for _, tc := range []struct {
		name    string
		steps   int
		w       [][]float64
		exclude string
		want    string
	}{
		{
			// none is the strongest on row 0 but excluded; a and b tie
			// there and the lower column wins; row 1's best beats row 0's.
			name: "none excluded, op tie", steps: 1, exclude: "none",
			w:    [][]float64{{0.9, 0.05, 0.05, 0}, {0.1, 0.2, 0.6, 0.1}},
			want: "b 1, a 0",
		},
		{
			name: "none allowed", steps: 1, exclude: "",
			w:    [][]float64{{0.9, 0.05, 0.05, 0}, {0.1, 0.2, 0.6, 0.1}},
			want: "none 0, b 1",
		},
		{
			// Node 1 (rows 2-4): all three edges tie at 0.5: the two lower
			// inputs, in input order (Python's stable sort).
			name: "edge tie", steps: 2, exclude: "none",
			w: [][]float64{
				{0, 1, 0, 0}, {0, 0, 1, 0},
				{0, 0.5, 0.2, 0.3}, {0, 0.3, 0.2, 0.5}, {0, 0.2, 0.5, 0.3},
			},
			want: "a 0, b 1, a 0, c 1",
		},
		{
			// Node 1: the edge from the intermediate node is the strongest
			// and comes first; input 0, strong only on none, is dropped.
			name: "ranked order", steps: 2, exclude: "none",
			w: [][]float64{
				{0, 0.1, 0.8, 0.1}, {0, 0.7, 0.2, 0.1},
				{0.97, 0.01, 0.01, 0.01}, {0, 0.3, 0.3, 0.4}, {0, 0.1, 0.85, 0.05},
			},
			want: "b 0, a 1, b 2, c 1",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCell(tc.w, tc.steps, sameOps(ops, Rows(tc.steps)), tc.exclude)
			if err != nil {
				t.Fatal(err)
			}
			if want := pairs(tc.want); !reflect.DeepEqual(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
}

func TestParseCellErrors(t *testing.T) {
	ops := []string{"none", "a"}
	for _, tc := range []struct {
		name string
		w    [][]float64
		ops  []string
		want string
	}{
		{"rows", [][]float64{{0, 1}}, ops, "1 weight rows"},
		{"cols", [][]float64{{0, 1}, {1}}, ops, "row 1 has 1 weights"},
		{"nan", [][]float64{{0, math.NaN()}, {0, 1}}, ops, "NaN"},
		{"only none", [][]float64{{1}, {1}}, []string{"none"}, "no op other than none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCell(tc.w, 1, sameOps(tc.ops, len(tc.w)), "none")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// weightsFor builds 14x8 weights for which the DARTS rule must give the
// cell's pairs: each node's first pair gets 0.5 on its op, the second 0.4,
// every other edge puts 0.93 on none (which must be ignored) and 0.01 on
// each other op.
func weightsFor(t *testing.T, ps []models.Pair, ops []string) [][]float64 {
	t.Helper()
	w := make([][]float64, Rows(4))
	for r := range w {
		w[r] = make([]float64, len(ops))
		for k := range w[r] {
			w[r][k] = 0.01
		}
		w[r][0] = 0.93
	}
	col := map[string]int{}
	for k, op := range ops {
		col[op] = k
	}
	for i, p := range ps {
		start, _ := NodeRows(i / 2)
		row := w[start+p.Input]
		for k := range row {
			row[k] = 0.01
		}
		row[col[p.Op]] = 0.5 - 0.1*float64(i%2)
	}
	return w
}

func TestDerivePublished(t *testing.T) {
	for _, name := range []string{"DARTS_V1", "DARTS_V2", "PC_DARTS_cifar", "PC_DARTS_image"} {
		e, ok := models.LookupZoo(name)
		if !ok {
			t.Fatalf("%s not in the zoo", name)
		}
		g := e.Genotype
		got, err := Derive(weightsFor(t, g.Normal, models.DARTSPrimitives), weightsFor(t, g.Reduce, models.DARTSPrimitives),
			4, 4, sameOps(models.DARTSPrimitives, 14), sameOps(models.DARTSPrimitives, 14), "none")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, g) {
			t.Errorf("%s: derived %v, want %v", name, got, g)
		}
	}
}

func TestEdgeScaling(t *testing.T) {
	ops := []string{"none", "a", "b"}
	// Row 0's best (a, 0.5) beats row 1's (b, 0.4) until the edge weights
	// (0.3, 0.7) scale them to 0.15 and 0.28; each edge keeps its op.
	w := [][]float64{{0.2, 0.5, 0.3}, {0.3, 0.3, 0.4}}
	plain, err := ParseCell(w, 1, sameOps(ops, 2), "none")
	if err != nil {
		t.Fatal(err)
	}
	scaled, err := ParseCell(ScaleRows(w, []float64{0.3, 0.7}), 1, sameOps(ops, 2), "none")
	if err != nil {
		t.Fatal(err)
	}
	if want := pairs("a 0, b 1"); !reflect.DeepEqual(plain, want) {
		t.Fatalf("unscaled: %v, want %v", plain, want)
	}
	if want := pairs("b 1, a 0"); !reflect.DeepEqual(scaled, want) {
		t.Fatalf("scaled: %v, want %v", scaled, want)
	}
}
