package search

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/internal/spec"
)

// tinySearcher is method's tiny test search (tinyConfig) with mod applied.
func tinySearcher(t *testing.T, method string, mod func(*Config)) *Searcher {
	t.Helper()
	cfg := tinyConfig(t, method)
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg, synthData(t, 32, 1, 8, 8, 3, 1), Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// spyMixer records what the runner asks and evaluates.
type spyMixer struct {
	inner  model.Mixer
	asked  map[string][]int // Mix node -> active inputs, for every node the plan asked about
	mixed  map[string][]int // Mix node -> active inputs, for every node evaluated
	perOps map[string]int   // cell ("cells.3") -> evaluated edges
}

func newSpy(inner model.Mixer) *spyMixer {
	return &spyMixer{inner: inner, asked: map[string][]int{}, mixed: map[string][]int{}, perOps: map[string]int{}}
}

func (s *spyMixer) Active(nd *spec.Node) []int {
	a := s.inner.Active(nd)
	s.asked[nd.Name] = a
	return a
}

func (s *spyMixer) Mix(ctx *nn.Ctx, nd *spec.Node, active []int, ins []*nn.Tensor) (*nn.Tensor, error) {
	s.mixed[nd.Name] = append([]int(nil), active...)
	if nd.Mix.Of == spec.MixOps {
		s.perOps[cellOf(nd.Name)]++
	}
	return s.inner.Mix(ctx, nd, active, ins)
}

// cellOf is the "cells.N" prefix of a node name.
func cellOf(name string) string {
	parts := strings.SplitN(name, ".", 3)
	return parts[0] + "." + parts[1]
}

// ranBNs reports, per candidate op of every edge ("cells.3._ops.5._ops.4"),
// whether its batch norms ran: their running statistics leave (0, 1) the
// first time they run. Ops without a BN (identity) are absent.
func ranBNs(s *Searcher) map[string]bool {
	ran := map[string]bool{}
	for i := range s.Net.Net.Nodes {
		nd := &s.Net.Net.Nodes[i]
		k := strings.Index(nd.Name, "._ops.")
		if nd.Kind != spec.BN || k < 0 {
			continue
		}
		rest := nd.Name[k+len("._ops."):]
		j := strings.Index(rest, "._ops.")
		if j < 0 {
			continue
		}
		op := nd.Name[:k+len("._ops.")+j+len("._ops.")]
		op += strings.SplitN(rest[j+len("._ops."):], ".", 2)[0]
		mean := s.Model.Params.Get(nd.Name + ".running_mean")
		moved := false
		for _, v := range mean.Data {
			moved = moved || v != 0
		}
		ran[op] = ran[op] || moved
	}
	return ran
}

// singlePath runs one training pass of s with a spy and lists how it
// breaks single-path execution: every searched cell must evaluate perCell
// edges with one op each, every node perNode edges (0: all), and exactly the
// sampled ops may run.
func singlePath(t *testing.T, s *Searcher, perCell, perNode int) []string {
	t.Helper()
	for op, ran := range ranBNs(s) {
		if ran {
			t.Fatalf("%s ran before the pass", op)
		}
	}
	var spy *spyMixer
	st := &Step{Ctx: s.ctx, Model: s.Model, Strategy: spyStrategy{s.Strategy, &spy}, Train: trainBatch(t, s)}
	if _, err := st.Pass(st.Train, PhaseWeights); err != nil {
		t.Fatal(err)
	}
	var bad []string
	searched := 0
	for i, c := range s.Net.Cells {
		name := "cells." + strconv.Itoa(i)
		n, ok := spy.perOps[name]
		if !ok {
			continue
		}
		searched++
		if n != perCell {
			bad = append(bad, fmt.Sprintf("%s (reduce %v): %d edges evaluated, want %d", name, c.Reduce, n, perCell))
		}
	}
	if searched == 0 {
		bad = append(bad, "no searched cell")
	}
	for name, act := range spy.mixed {
		switch {
		case strings.Contains(name, ".nodes."):
			if perNode > 0 && len(act) != perNode {
				bad = append(bad, fmt.Sprintf("%s: %d edges evaluated, want %d", name, len(act), perNode))
			}
		case len(act) != 1:
			bad = append(bad, fmt.Sprintf("%s: %d ops evaluated, want 1", name, len(act)))
		}
	}
	ran := 0
	for op, r := range ranBNs(s) {
		k := strings.LastIndex(op, "._ops.")
		edge, idx := op[:k], op[k+len("._ops."):]
		act, evaluated := spy.mixed[edge]
		sampled := evaluated && len(act) == 1 && strconv.Itoa(act[0]) == idx
		if r != sampled {
			bad = append(bad, fmt.Sprintf("%s: ran %v, sampled %v", op, r, sampled))
		}
		if r {
			ran++
		}
	}
	t.Logf("%d searched cells, %d ops with batch norms ran", searched, ran)
	return bad
}

func checkSinglePath(t *testing.T, s *Searcher, perCell, perNode int) {
	t.Helper()
	for _, b := range singlePath(t, s, perCell, perNode) {
		t.Error(b)
	}
}

// spyStrategy wraps a strategy's mixer in a spy.
type spyStrategy struct {
	Strategy
	spy **spyMixer
}

func (s spyStrategy) Mixer(ctx *nn.Ctx, p Phase) (model.Mixer, error) {
	m, err := s.Strategy.Mixer(ctx, p)
	if err != nil {
		return nil, err
	}
	*s.spy = newSpy(m)
	return *s.spy, nil
}

// trainBatch is the first training batch of s.
func trainBatch(t *testing.T, s *Searcher) *Batch {
	t.Helper()
	if err := s.trainL.Fill(&s.bufs[0], s.State.Pos); err != nil {
		t.Fatal(err)
	}
	b, err := toBatch(&s.bufs[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSinglePathGDAS(t *testing.T) {
	s := tinySearcher(t, "gdas", nil)
	checkSinglePath(t, s, Rows(4), 0)
}

func TestSinglePathROME(t *testing.T) {
	for _, m := range []string{"rome", "rome-v1"} {
		t.Run(m, func(t *testing.T) {
			s := tinySearcher(t, m, nil)
			checkSinglePath(t, s, 2*4, 2)
		})
	}
}

func TestSinglePathCatchesRelaxed(t *testing.T) {
	// The check itself: DARTS evaluates every op (but none), which it flags.
	s := tinySearcher(t, "darts", nil)
	if bad := singlePath(t, s, Rows(4), 0); len(bad) == 0 {
		t.Fatal("the single-path check passed DARTS's relaxed forward")
	}
}
