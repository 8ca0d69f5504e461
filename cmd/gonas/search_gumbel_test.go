package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"gonas/models"
	"gonas/search"
)

// TestSearchGumbelFlags: the Gumbel methods' flags reach the search (ROME
// with --k, GDAS with --fixed-reduce and --last-act=false), and a flag the
// method does not use is refused.
func TestSearchGumbelFlags(t *testing.T) {
	for _, bad := range [][]string{
		{"search", "-m", "darts", "--k", "3", "--out", t.TempDir()},
		{"search", "-m", "rome", "--fixed-reduce", "--out", t.TempDir()},
		{"search", "-m", "pcdarts", "--tau-max", "5", "--out", t.TempDir()},
		{"search", "-m", "rome", "--last-act", "--out", t.TempDir()},
		{"search", "--resume", t.TempDir(), "--k", "2"},
	} {
		if _, errs, code := cli(t, bad...); code != 2 {
			t.Errorf("%v: exit %d, %s", bad, code, errs)
		}
	}
	if testing.Short() {
		t.Skip("runs two small searches")
	}
	data := searchMNIST(t, 64)
	dir := t.TempDir()
	common := []string{"--dataset", "mnist", "--data-dir", data, "--layers", "3", "--channels", "8",
		"--batch", "16", "--epochs", "2", "--threads", "1", "--no-plot", "--no-infer"}
	for _, tc := range []struct {
		method string
		extra  []string
		check  func(g *models.Genotype) bool
	}{
		{"rome", []string{"--k", "2", "--tau-max", "5", "--tau-min", "0.5"}, func(g *models.Genotype) bool {
			for _, cell := range [][]models.Pair{g.Normal, g.Reduce} {
				for i := 0; i < len(cell); i += 2 {
					if cell[i].Input == cell[i+1].Input {
						return false
					}
				}
			}
			return len(g.Normal) == 8 && len(g.Reduce) == 8
		}},
		{"gdas", []string{"--fixed-reduce", "--darts-rule", "--last-act=false"}, func(g *models.Genotype) bool { return g.Reduce == nil && len(g.Normal) == 8 }},
	} {
		out := filepath.Join(dir, tc.method)
		args := append(append([]string{"search", "-m", tc.method, "--out", out}, common...), tc.extra...)
		stdout, errs, code := cli(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s\n%s", tc.method, code, errs, stdout)
		}
		gf, err := models.ReadGenoFile(filepath.Join(out, search.GenotypeFile))
		if err != nil {
			t.Fatal(err)
		}
		if !tc.check(&gf.Genotype) {
			t.Errorf("%s: genotype %v", tc.method, gf.Genotype)
		}
		h, err := search.ReadHeader(filepath.Join(out, search.CheckpointFile))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(h.Config.Extra)
		for i := 0; i < len(tc.extra); i++ {
			flag, val, inline := strings.Cut(strings.TrimPrefix(tc.extra[i], "--"), "=")
			for _, e := range gumbelExtra {
				if e.flag != flag {
					continue
				}
				want := 1.0
				switch {
				case inline && val == "false":
					want = 0
				case !inline && i+1 < len(tc.extra) && !strings.HasPrefix(tc.extra[i+1], "--"):
					want = mustFloat(t, tc.extra[i+1])
				}
				if h.Config.Extra[e.key] != want {
					t.Errorf("%s: --%s gave %s = %v in the checkpoint (%s)", tc.method, flag, e.key, h.Config.Extra[e.key], b)
				}
			}
		}
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	var v float64
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}
