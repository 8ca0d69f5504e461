package spec

import (
	"strings"
	"testing"
)

func TestMix(t *testing.T) {
	b := NewBuilder(Shape{C: 2, H: 4, W: 4})
	a := b.ReLU("a", 0)
	z := b.Zero("z", 0, 1)
	info := MixInfo{Of: MixOps, Cell: CellReduce, Row: 3, Node: 1, From: 1}
	m := b.Mix("m", info, a, z, 0)
	out := b.Linear("fc", b.GAP("gap", m), 3)
	net, err := b.Finish(3, out, 0)
	if err != nil {
		t.Fatal(err)
	}
	nd := net.Nodes[m]
	if nd.Kind != Mix || nd.Out != (Shape{C: 2, H: 4, W: 4}) || *nd.Mix != info || len(nd.Inputs) != 3 {
		t.Fatalf("mix node %+v", nd)
	}
	data, err := Marshal(net)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(data)
	if err != nil {
		t.Fatalf("a net with a mix node does not read back: %v", err)
	}
	if *back.Nodes[m].Mix != info {
		t.Fatalf("mix info %+v after JSON, want %+v", back.Nodes[m].Mix, info)
	}
	// A mix node without its description is refused.
	back.Nodes[m].Mix = nil
	if err := back.Validate(); err == nil || !strings.Contains(err.Error(), "without its mix description") {
		t.Fatalf("validate: %v", err)
	}
}

func TestMixErrors(t *testing.T) {
	ok := MixInfo{Of: MixEdges, Cell: CellNormal}
	for _, tc := range []struct {
		name string
		info MixInfo
		in   func(b *Builder) []int
		want string
	}{
		{"no inputs", ok, func(*Builder) []int { return nil }, "at least one input"},
		{"shapes", ok, func(b *Builder) []int { return []int{0, b.Pool("p", MaxPool, 0, 3, 2, 1, false)} }, "cannot mix shapes"},
		{"of", MixInfo{Of: "x", Cell: CellNormal}, func(*Builder) []int { return []int{0} }, `mix of "x"`},
		{"cell", MixInfo{Of: MixOps, Cell: "x"}, func(*Builder) []int { return []int{0} }, `cell type "x"`},
		{"row", MixInfo{Of: MixOps, Cell: CellNormal, Row: -1}, func(*Builder) []int { return []int{0} }, "negative row"},
		{"input", ok, func(*Builder) []int { return []int{7} }, "does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder(Shape{C: 2, H: 4, W: 4})
			if id := b.Mix("m", tc.info, tc.in(b)...); id != -1 {
				t.Fatalf("mix gave node %d", id)
			}
			if err := b.Err(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
