package models

import (
	"strings"
	"testing"

	"gonas/internal/spec"
)

// opParams is an independent formula for the learned parameters of op with
// c channels in and out, written from docs/papers.md §1.2 (DARTS) and the
// sharpDARTS SharpSepConv definition, not from the builders.
func opParams(set, op string, c, stride, mid int, affine bool) int64 {
	bn := func(n int) int64 { // affine BN: weight + bias
		if affine {
			return int64(2 * n)
		}
		return 0
	}
	C := int64(c)
	// DARTS SepConv: two blocks of DW k*k (C) + PW C*C + BN.
	sep := func(k int64) int64 { return 2 * (C*k*k + C*C + bn(c)) }
	// DilConv: one block.
	dil := func(k int64) int64 { return C*k*k + C*C + bn(c) }
	// SharpSepConv with middle width m.
	ssep := func(k, m int64) int64 { return C*k*k + C*m + bn(int(m)) + m*k*k + m*C + bn(c) }
	fr := C*(C/2)*2 + bn(c)
	skip := int64(0)
	if stride == 2 {
		skip = fr
	}
	c717 := 2*C*C*7 + bn(c)
	sharp := strings.HasPrefix(set, "sharp")
	switch op {
	case "none", "noise", "max_pool_3x3", "avg_pool_3x3":
		return 0
	case "skip_connect":
		return skip
	case "conv_7x1_1x7":
		return c717
	case "sep_conv_3x3":
		return sep(3)
	case "sep_conv_5x5":
		return sep(5)
	case "sep_conv_7x7":
		return sep(7)
	case "dil_conv_3x3":
		if sharp {
			return ssep(3, C)
		}
		return dil(3)
	case "dil_conv_5x5":
		if sharp {
			return ssep(5, C)
		}
		return dil(5)
	case "flood_conv_3x3", "dil_flood_conv_3x3":
		return ssep(3, 4*C)
	case "flood_conv_5x5":
		return ssep(5, 4*C)
	case "choke_conv_3x3", "dil_choke_conv_3x3":
		return ssep(3, int64(mid))
	}
	return -1
}

func learned(n *spec.Net) (p int64) {
	for _, q := range n.Params() {
		if !q.Buffer {
			p += q.Numel()
		}
	}
	return p
}

func TestEveryOpBuildsAndCounts(t *testing.T) {
	if len(OpSets()) != 7 {
		t.Fatalf("want 7 op sets, got %d", len(OpSets()))
	}
	for _, set := range OpSets() {
		for _, op := range set.OpNames() {
			for _, tc := range []struct {
				c, h, stride, mid int
				affine, search    bool
			}{
				{16, 8, 1, 0, true, false},
				{16, 8, 2, 0, true, false},
				{8, 6, 2, 0, false, true},
				{24, 10, 1, 48, true, false},
				{24, 10, 2, 48, false, true},
				{32, 14, 2, 0, true, true},
			} {
				mid := tc.mid
				if mid == 0 {
					mid = set.DefaultMidChannels
				}
				in := spec.Shape{C: tc.c, H: tc.h, W: tc.h}
				b := spec.NewBuilder(in)
				ctx := OpCtx{Cin: tc.c, Cout: tc.c, Stride: tc.stride, Affine: tc.affine, Search: tc.search, MidChannels: tc.mid}
				out := set.Build(b, op, "cells.0._ops.3", 0, ctx)
				net, err := b.Finish(10, out, 0)
				if err != nil {
					t.Errorf("%s/%s %+v: %v", set.Name, op, tc, err)
					continue
				}
				want := spec.Shape{C: tc.c, H: (tc.h + tc.stride - 1) / tc.stride, W: (tc.h + tc.stride - 1) / tc.stride}
				if got := net.Node(out).Out; got != want {
					t.Errorf("%s/%s %+v: output %v, want %v", set.Name, op, tc, got, want)
				}
				if got, w := learned(net), opParams(set.Name, op, tc.c, tc.stride, mid, tc.affine); got != w {
					t.Errorf("%s/%s %+v: %d params, formula gives %d", set.Name, op, tc, got, w)
				}
				identity := op == "skip_connect" && tc.stride == 1
				if (out == 0) != identity {
					t.Errorf("%s/%s %+v: returned input node = %v, want %v", set.Name, op, tc, out == 0, identity)
				}
				names := map[string]bool{}
				for _, nd := range net.Nodes[1:] {
					if !strings.HasPrefix(nd.Name, "cells.0._ops.3") {
						t.Errorf("%s/%s: node %q outside the op's name", set.Name, op, nd.Name)
					}
					if names[nd.Name] {
						t.Errorf("%s/%s: node name %q used twice", set.Name, op, nd.Name)
					}
					names[nd.Name] = true
				}
			}
		}
	}
}

// Search-mode pools are followed by a non-affine BN (DARTS model_search.py
// MixedOp); in evaluation only GDAS keeps it.
func TestPoolBN(t *testing.T) {
	for _, tc := range []struct {
		set    string
		search bool
		bn     bool
		names  []string
	}{
		{"darts", false, false, []string{"p"}},
		{"darts", true, true, []string{"p.0", "p.1"}},
		{"rome", true, true, []string{"p.0", "p.1"}},
		{"gdas", false, true, []string{"p.0", "p.1"}},
		{"sharpdarts", false, false, []string{"p.op"}},
		{"sharper", true, true, []string{"p.0.op", "p.1"}},
	} {
		set, err := LookupOpSet(tc.set)
		if err != nil {
			t.Fatal(err)
		}
		b := spec.NewBuilder(spec.Shape{C: 8, H: 8, W: 8})
		out := set.Build(b, "max_pool_3x3", "p", 0, OpCtx{Cin: 8, Cout: 8, Stride: 1, Affine: !tc.search, Search: tc.search})
		net, err := b.Finish(1, out, 0)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, nd := range net.Nodes[1:] {
			names = append(names, nd.Name)
			if nd.Kind == spec.BN && nd.Affine {
				t.Errorf("%s: post-pool BN must not be affine", tc.set)
			}
		}
		if strings.Join(names, ",") != strings.Join(tc.names, ",") {
			t.Errorf("%s search=%v: nodes %v, want %v", tc.set, tc.search, names, tc.names)
		}
	}
}

// The avg pools differ: DARTS excludes the padding from the count,
// sharpDARTS's ResizablePool uses PyTorch's default (includes it).
func TestAvgPoolCountIncludePad(t *testing.T) {
	for set, want := range map[string]bool{"darts": false, "gdas": false, "sharpdarts": true} {
		s, _ := LookupOpSet(set)
		b := spec.NewBuilder(spec.Shape{C: 4, H: 4, W: 4})
		out := s.Build(b, "avg_pool_3x3", "p", 0, OpCtx{Cin: 4, Cout: 4, Stride: 2, Affine: true})
		net, err := b.Finish(1, out, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, nd := range net.Nodes {
			if nd.Kind == spec.AvgPool && nd.CountPad != want {
				t.Errorf("%s: count_include_pad = %v, want %v", set, nd.CountPad, want)
			}
		}
	}
}

func TestFactorizedReduceSizes(t *testing.T) {
	for _, tc := range []struct {
		set  string
		h    int
		want int // output H, 0 for an error
	}{
		{"darts", 8, 4}, {"darts", 7, 0}, {"rome", 5, 0},
		{"gdas", 7, 4}, {"sharpdarts", 7, 4}, {"sharpdarts", 1, 1},
	} {
		s, _ := LookupOpSet(tc.set)
		b := spec.NewBuilder(spec.Shape{C: 4, H: tc.h, W: tc.h})
		out := s.FactorizedReduce(b, "fr", 0, 8, true)
		net, err := b.Finish(1, out, 0)
		if tc.want == 0 {
			if err == nil || !strings.Contains(err.Error(), "even spatial size") {
				t.Errorf("%s H=%d: want an even-size error, got %v", tc.set, tc.h, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s H=%d: %v", tc.set, tc.h, err)
			continue
		}
		if got := net.Node(out).Out; got != (spec.Shape{C: 8, H: tc.want, W: tc.want}) {
			t.Errorf("%s H=%d: output %v", tc.set, tc.h, got)
		}
	}
}

func TestSharpChannelChange(t *testing.T) {
	s, _ := LookupOpSet("sharpdarts")
	b := spec.NewBuilder(spec.Shape{C: 8, H: 8, W: 8})
	out := s.Build(b, "max_pool_3x3", "p", 0, OpCtx{Cin: 8, Cout: 16, Stride: 2, Affine: true})
	net, err := b.Finish(1, out, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := learned(net); got != 8*16+2*16 {
		t.Errorf("ResizablePool 8->16: %d params, want %d", got, 8*16+2*16)
	}
	if bn := net.Node(out); bn.Kind != spec.BN || bn.Eps != 1e-3 {
		t.Errorf("ResizablePool BN: %+v, want eps 1e-3", bn)
	}
	// DARTS ops keep the channel count and say so.
	d, _ := LookupOpSet("darts")
	b = spec.NewBuilder(spec.Shape{C: 8, H: 8, W: 8})
	d.Build(b, "sep_conv_3x3", "x", 0, OpCtx{Cin: 8, Cout: 16, Stride: 1})
	if b.Err() == nil || !strings.Contains(b.Err().Error(), "keeps the channel count") {
		t.Errorf("darts channel change: %v", b.Err())
	}
}

func TestOpSetErrors(t *testing.T) {
	s, _ := LookupOpSet("rome")
	b := spec.NewBuilder(spec.Shape{C: 8, H: 8, W: 8})
	if out := s.Build(b, "none", "x", 0, OpCtx{Cin: 8, Cout: 8}); out != -1 || b.Err() == nil ||
		!strings.Contains(b.Err().Error(), `op "none" is not in op set rome`) {
		t.Errorf("rome none: out %d err %v", out, b.Err())
	}
	b = spec.NewBuilder(spec.Shape{C: 8, H: 8, W: 8})
	s.Build(b, "sep_conv_3x3", "x", 0, OpCtx{Cin: 4, Cout: 4})
	if b.Err() == nil || !strings.Contains(b.Err().Error(), "input has 8") {
		t.Errorf("channel mismatch: %v", b.Err())
	}
	if _, err := LookupOpSet("nope"); err == nil || !strings.Contains(err.Error(), "darts") {
		t.Errorf("unknown op set: %v", err)
	}
	for alias, name := range map[string]string{"PC-DARTS": "darts", "pcdarts": "darts", "GDAS": "gdas", "sharp": "sharpdarts"} {
		if s, err := LookupOpSet(alias); err != nil || s.Name != name {
			t.Errorf("alias %s: %v %v", alias, s, err)
		}
	}
}

func TestPrimitiveLists(t *testing.T) {
	for _, tc := range []struct {
		set   string
		prims string
	}{
		{"darts", "none max_pool_3x3 avg_pool_3x3 skip_connect sep_conv_3x3 sep_conv_5x5 dil_conv_3x3 dil_conv_5x5"},
		{"rome", "max_pool_3x3 avg_pool_3x3 skip_connect sep_conv_3x3 sep_conv_5x5 dil_conv_3x3 dil_conv_5x5"},
		{"gdas", "none max_pool_3x3 avg_pool_3x3 skip_connect sep_conv_3x3 sep_conv_5x5 dil_conv_3x3 dil_conv_5x5"},
		{"sharpdarts", "none max_pool_3x3 skip_connect sep_conv_3x3 dil_conv_3x3 flood_conv_3x3 dil_flood_conv_3x3 choke_conv_3x3 dil_choke_conv_3x3"},
		{"sharper", "none max_pool_3x3 avg_pool_3x3 skip_connect sep_conv_3x3 sep_conv_5x5 sep_conv_7x7 dil_conv_3x3 dil_conv_5x5 flood_conv_3x3 flood_conv_5x5 dil_flood_conv_3x3"},
		{"sharpsepconv", "none max_pool_3x3 avg_pool_3x3 skip_connect sep_conv_3x3 sep_conv_5x5 dil_conv_3x3 dil_conv_5x5"},
	} {
		s, err := LookupOpSet(tc.set)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(s.Primitives, " "); got != tc.prims {
			t.Errorf("%s primitives:\n got %s\nwant %s", tc.set, got, tc.prims)
		}
		for i, p := range s.Primitives {
			if s.Index(p) != i {
				t.Errorf("%s: Index(%s) = %d, want %d", tc.set, p, s.Index(p), i)
			}
		}
		if s.Index("no_such_op") != -1 || s.Has("no_such_op") {
			t.Errorf("%s: unknown op found", tc.set)
		}
	}
}

func TestGDASFixedReduce(t *testing.T) {
	s, _ := LookupOpSet("gdas")
	const c = 16
	b := spec.NewBuilder(spec.Shape{C: c, H: 8, W: 8})
	s1 := b.ReLU("s1", 0)
	out := s.FixedReduce(b, "cells.6", 0, s1, CellCtx{C: c, DropPath: true})
	net, err := b.Finish(1, out, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := net.Node(out).Out; got != (spec.Shape{C: 4 * c, H: 4, W: 4}) {
		t.Errorf("FRC output %v", got)
	}
	// Two branches: grouped 1x3 and 3x1 (C*C/8*3 each), BN, 1x1, BN; two
	// post-pool affine BNs.
	want := int64(2*(2*c*c/8*3+2*c+c*c+2*c) + 2*2*c)
	if got := learned(net); got != want {
		t.Errorf("FRC params %d, want %d", got, want)
	}
	drops := 0
	for _, nd := range net.Nodes {
		if nd.Kind == spec.DropPath {
			drops++
		}
	}
	if drops != 4 {
		t.Errorf("FRC has %d drop-path nodes, want 4", drops)
	}
	b = spec.NewBuilder(spec.Shape{C: 12, H: 8, W: 8})
	s.FixedReduce(b, "c", 0, 0, CellCtx{C: 12})
	if b.Err() == nil || !strings.Contains(b.Err().Error(), "divisible by 8") {
		t.Errorf("FRC C=12: %v", b.Err())
	}
}
