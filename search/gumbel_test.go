package search

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"gonas/engine/nn"
)

func TestTauSchedule(t *testing.T) {
	for _, tc := range []struct {
		name          string
		s             TauSchedule
		epoch, epochs int
		want          float64
	}{
		{"autodl first", DefaultTau, 0, 50, 10},
		{"autodl last", DefaultTau, 49, 50, 0.1},
		{"autodl middle", DefaultTau, 25, 50, 10 - 9.9*25/49.0},
		{"autodl past end", DefaultTau, 80, 50, 0.1},
		{"one epoch", DefaultTau, 0, 1, 10},
		{"original last", TauSchedule{Max: 10, Min: 0.1, Original: true}, 49, 50, 10 - 9.9*49/50.0},
		{"original first", TauSchedule{Max: 10, Min: 0.1, Original: true}, 0, 50, 10},
		{"constant", TauSchedule{Max: 1, Min: 1}, 7, 10, 1},
	} {
		if got := tc.s.At(tc.epoch, tc.epochs); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: tau(%d of %d) = %v, want %v", tc.name, tc.epoch, tc.epochs, got, tc.want)
		}
	}
	for _, bad := range []TauSchedule{{Max: 1, Min: 0}, {Max: 0.1, Min: 1}, {Max: math.Inf(1), Min: 1}, {Max: math.NaN(), Min: 1}, {}} {
		if bad.Validate() == nil {
			t.Errorf("%+v validated", bad)
		}
	}
	if err := DefaultTau.Validate(); err != nil {
		t.Error(err)
	}
}

func TestCellIndexing(t *testing.T) {
	// PAPERS §1.3: node0 rows 0,1; node1 2-4; node2 5-8; node3 9-13.
	for i, want := range []int{0, 2, 5, 9, 14} {
		if got := gumbelRow(i, 0); got != want {
			t.Errorf("node %d starts at %d, want %d", i, got, want)
		}
	}
	if Rows(4) != 14 || gumbelRow(3, 4) != 13 {
		t.Error("edge counts")
	}
	if got := romeBetaLen(romeV1, 4); got != 1+3+6+10 {
		t.Errorf("v1 beta length %d", got)
	}
	if got := romePairs(4); len(got) != 6 || got[0] != [2]int{0, 1} || got[2] != [2]int{0, 3} || got[5] != [2]int{2, 3} {
		t.Errorf("pairs of 4: %v", got)
	}
}

// testBeta is a 4-node v2 beta with unequal values on every node.
var testBeta = []float32{0.3, -0.2, 1.0, -0.5, 0.1, 0.8, -1.2, 0.0, 0.4, 1.1, -0.7, 0.2, -1.5, 0.6}

func TestGumbelTop2PairFrequencies(t *testing.T) {
	// ROME §3.5: per node two distinct inputs, the pair {i,j} with
	// probability p_i p_j/(1-p_i) + p_j p_i/(1-p_j), p = softmax(beta_node).
	n := 40000
	if testing.Short() {
		n = 20000
	}
	beta, _ := nn.FromData(append([]float32(nil), testBeta...), 14)
	c := nn.NewCtx(11, 1)
	c.SetGrad(false)
	pairCounts := map[int]map[[2]int]int{2: {}, 3: {}}
	marg := map[int][]int{2: make([]int, 4), 3: make([]int, 5)}
	for range n {
		d, err := drawTopology(c, romeV2, beta, 4, 0.7)
		if err != nil {
			t.Fatal(err)
		}
		for i, ins := range d.inputs {
			if ins[0] == ins[1] || ins[0] < 0 || ins[1] >= i+2 {
				t.Fatalf("node %d: inputs %v", i, ins)
			}
			for j := range i + 2 {
				want := float32(0)
				if d.chosen(i, j) {
					want = 1
				}
				if g := d.gates[i].Data[j]; math.Abs(float64(g-want)) > 1e-6 {
					t.Fatalf("node %d: gate %v for inputs %v", i, d.gates[i].Data, ins)
				}
			}
			if pc, ok := pairCounts[i]; ok {
				pc[[2]int{min(ins[0], ins[1]), max(ins[0], ins[1])}]++
				marg[i][ins[0]]++
				marg[i][ins[1]]++
			}
		}
		c.Reset()
	}
	for i, pc := range pairCounts {
		start := gumbelRow(i, 0)
		b := make([]float64, i+2)
		for j := range b {
			b[j] = float64(testBeta[start+j])
		}
		p := refSoftmax(b)
		var counts []int
		var probs []float64
		for _, pr := range romePairs(i + 2) {
			counts = append(counts, pc[pr])
			probs = append(probs, refPairProb(p, pr[0], pr[1]))
		}
		checkChi2(t, fmt.Sprintf("node %d pair", i), counts, probs, n)
		// Power: the counts reject independent draws (p_i p_j normalised),
		// which a sampler with replacement, retried on a repeat, would give.
		alt := make([]float64, len(probs))
		var z float64
		for k, pr := range romePairs(i + 2) {
			alt[k] = p[pr[0]] * p[pr[1]]
			z += alt[k]
		}
		var chi2 float64
		for k := range alt {
			e := alt[k] / z * float64(n)
			chi2 += (float64(counts[k]) - e) * (float64(counts[k]) - e) / e
		}
		if s := (distuv.ChiSquared{K: float64(len(alt) - 1)}).Survival(chi2); s > 1e-6 {
			t.Errorf("node %d: the counts do not tell the paper's law from independent draws (p = %.2g)", i, s)
		}
		for j := range b {
			// Each marginal is a Bernoulli frequency: check it alone.
			checkChi2(t, fmt.Sprintf("node %d marginal of edge %d", i, j),
				[]int{marg[i][j], n - marg[i][j]}, []float64{refMarginal(p, j), 1 - refMarginal(p, j)}, n)
		}
	}
}

func TestGumbelMaxPairFrequencies(t *testing.T) {
	// ROME-v1 (Eq. 4-6): the pair is a Gumbel-Max draw from softmax(beta_pairs).
	n := 40000
	if testing.Short() {
		n = 20000
	}
	vals := make([]float32, romeBetaLen(romeV1, 4))
	for i := range vals {
		vals[i] = float32(math.Sin(float64(3*i+1))) * 1.3
	}
	beta, _ := nn.FromData(vals, len(vals))
	c := nn.NewCtx(12, 1)
	c.SetGrad(false)
	counts := make([]int, 10)
	for range n {
		d, err := drawTopology(c, romeV1, beta, 4, 2)
		if err != nil {
			t.Fatal(err)
		}
		ins := d.inputs[3]
		for p, pr := range romePairs(5) {
			if pr == ins {
				counts[p]++
			}
		}
		for i := range 4 {
			for j := range i + 2 {
				b := d.gate(c, i, j).Item()
				if want := map[bool]float32{true: 1, false: 0}[d.chosen(i, j)]; math.Abs(float64(b-want)) > 1e-6 {
					t.Fatalf("node %d input %d: B = %v with inputs %v", i, j, b, d.inputs[i])
				}
			}
		}
		c.Reset()
	}
	b := make([]float64, 10)
	for p := range b {
		b[p] = float64(vals[romeBetaStart(romeV1, 3)+p])
	}
	checkChi2(t, "v1 pair", counts, refSoftmax(b), n)
}

func TestGumbelSampleErrors(t *testing.T) {
	c := nn.NewCtx(1, 1)
	short, _ := nn.FromData(make([]float32, 13), 13)
	if _, err := drawTopology(c, romeV2, short, 4, 1); err == nil {
		t.Error("13 betas for 4 nodes accepted")
	}
	if _, err := drawTopology(c, romeV1, nil, 4, 1); err == nil {
		t.Error("nil beta accepted")
	}
	ok, _ := nn.FromData(make([]float32, 14), 14)
	if _, err := drawTopology(c, romeV2, ok, 4, 0); err == nil {
		t.Error("tau 0 accepted")
	}
	c.Reset()
	flat, _ := nn.FromData(make([]float32, 14), 14)
	if _, err := drawOps(c, flat, 1); err == nil {
		t.Error("1-D alpha accepted")
	}
}
