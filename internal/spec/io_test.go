package spec

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// smallNet uses every kind the builder offers.
func smallNet(t *testing.T) *Net {
	t.Helper()
	b := NewBuilder(Shape{C: 3, H: 8, W: 8})
	x := b.Conv("stem.0", 0, Square(8, 3, 1, 1, 1))
	x = b.BN("stem.1", x, true)
	r := b.ReLU("r", x)
	p := b.Pool("mp", MaxPool, r, 3, 2, 1, false)
	a := b.Pool("ap", AvgPool, r, 3, 2, 1, false)
	z := b.Zero("z", r, 2)
	s := b.Add("sum", p, a, z)
	sh := b.Pad("shift", r, Pads{T: -1, L: -1, B: 1, R: 1})
	c2 := b.Conv("c2", sh, ConvOpts{Out: 8, KH: 1, KW: 1, SH: 2, SW: 2, Groups: 2, Bias: true})
	cat := b.Concat("cat", s, c2)
	d := b.DropPath("dp", cat)
	u := b.Shuffle("shuf", d, 4)
	sl := b.Slice("slice", u, 4, 8)
	g := b.GAP("gap", sl)
	out := b.Linear("classifier", g, 5)
	b.SetAux(true)
	aux := b.Linear("auxiliary_head.classifier", b.GAP("auxiliary_head.gap", r), 5)
	net, err := b.Finish(5, out, aux)
	if err != nil {
		t.Fatal(err)
	}
	net.Meta = Meta{Genotype: "g", OpSet: "darts", Dataset: "cifar10", Layers: 1, Channels: 8, Extra: map[string]string{"k": "v"}}
	return net
}

func TestWriteReadRoundTrip(t *testing.T) {
	net := smallNet(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "n.net.json")
	if err := Write(path, net); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, net) {
		t.Errorf("round trip changed the network")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("temporary files left behind: %v", ents)
	}
	// Overwriting keeps a single, complete file.
	if err := Write(path, net); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path); err != nil {
		t.Fatal(err)
	}
}

func TestReadErrors(t *testing.T) {
	base := smallNet(t)
	data, err := json.Marshal(base)
	if err != nil {
		t.Fatal(err)
	}
	id := func(name string) int {
		for _, nd := range base.Nodes {
			if nd.Name == name {
				return nd.ID
			}
		}
		t.Fatalf("no node %s", name)
		return -1
	}
	for _, tc := range []struct {
		name   string
		mutate func(n *Net)
		raw    string // file contents instead of a mutated net
		want   string
	}{
		{name: "truncated", raw: string(data[:len(data)/2]), want: "not a network spec"},
		{name: "not json", raw: "hello", want: "invalid JSON"},
		{name: "trailing", raw: string(data) + "{}", want: "trailing data"},
		{name: "empty object", raw: "{}", want: "0 nodes"},
		{name: "bad shape", mutate: func(n *Net) { n.Nodes[id("mp")].Out.H = 5 }, want: "(mp): recorded shape 8x5x4, but its inputs and attributes give 8x4x4"},
		{name: "forward input", mutate: func(n *Net) { n.Nodes[id("r")].Inputs = []int{id("r") + 1} }, want: "(r): input 4 is not an earlier node"},
		{name: "duplicate name", mutate: func(n *Net) { n.Nodes[id("ap")].Name = "mp" }, want: "name already used by node"},
		{name: "bad id", mutate: func(n *Net) { n.Nodes[3].ID = 7 }, want: "node 3 (r): id 7"},
		{name: "params", mutate: func(n *Net) { n.Nodes[id("stem.0")].Params[0].Shape[1] = 4 }, want: "(stem.0): parameters stem.0.weight[8 4 3 3]"},
		{name: "arity", mutate: func(n *Net) { n.Nodes[id("sum")].Inputs = []int{id("mp")} }, want: "(sum): add with 1 inputs"},
		{name: "kind", mutate: func(n *Net) { n.Nodes[id("r")].Kind = "gelu" }, want: `(r): unknown or misplaced kind "gelu"`},
		{name: "add shapes", mutate: func(n *Net) { n.Nodes[id("sum")].Inputs[0] = id("r") }, want: "(sum): sum: cannot add shapes"},
		{name: "input shape", mutate: func(n *Net) { n.Input.C = 1 }, want: "node 0 must be the input"},
		{name: "output", mutate: func(n *Net) { n.Output = id("gap") }, want: "want 5 classes"},
		{name: "aux output", mutate: func(n *Net) { n.AuxOut = id("classifier") }, want: "not a node of the auxiliary head"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := tc.raw
			if tc.mutate != nil {
				var n Net
				if err := json.Unmarshal(data, &n); err != nil {
					t.Fatal(err)
				}
				tc.mutate(&n)
				b, _ := json.Marshal(&n)
				raw = string(b)
			}
			path := filepath.Join(t.TempDir(), "bad.net.json")
			if err := os.WriteFile(path, []byte(raw), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Read(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("got %v, want an error naming %s and containing %q", err, path, tc.want)
			}
		})
	}
	if _, err := Read(filepath.Join(t.TempDir(), "missing.net.json")); err == nil || !strings.Contains(err.Error(), "missing.net.json") {
		t.Errorf("missing file: %v", err)
	}
	if err := Write(filepath.Join(t.TempDir(), "no", "such", "dir.json"), base); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}
