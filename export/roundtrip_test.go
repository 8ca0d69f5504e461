package export

import (
	"math"
	"reflect"
	"slices"
	"testing"

	"gonas/internal/spec"
)

// exportedNodes lists the nodes an export keeps: those the logits depend
// on, without the DropPath identities (worked out here independently of the
// writer).
func exportedNodes(net *spec.Net) []spec.Node {
	live := make([]bool, len(net.Nodes))
	live[net.Output] = true
	for i := len(net.Nodes) - 1; i >= 0; i-- {
		if live[i] {
			for _, in := range net.Nodes[i].Inputs {
				live[in] = true
			}
		}
	}
	var out []spec.Node
	for i, nd := range net.Nodes {
		if live[i] && nd.Kind != spec.DropPath {
			out = append(out, nd)
		}
	}
	return out
}

// sameNode compares everything but ids, inputs and BN eps/momentum (which
// travel as float32).
func sameNode(a, b spec.Node) bool {
	a.ID, b.ID, a.Inputs, b.Inputs = 0, 0, nil, nil
	if math.Abs(a.Eps-b.Eps) > 1e-12 || math.Abs(a.Momentum-b.Momentum) > 1e-6 {
		return false
	}
	a.Eps, b.Eps, a.Momentum, b.Momentum = 0, 0, 0, 0
	if len(a.Params) != len(b.Params) {
		return false
	}
	for i := range a.Params {
		if a.Params[i].Name != b.Params[i].Name || !slices.Equal(a.Params[i].Shape, b.Params[i].Shape) || a.Params[i].Buffer != b.Params[i].Buffer {
			return false
		}
	}
	a.Params, b.Params = nil, nil
	return reflect.DeepEqual(a, b)
}

// Build -> bytes -> Load (through onnx-go) gives the same nodes, names,
// shapes and attributes, bit-identical weights, the same metadata, and the
// reference interpreter computes the same logits on both.
func TestRoundTrip(t *testing.T) {
	for _, tn := range testNets(t) {
		for _, opset := range []int{13, 17} {
			m, err := Build(tn.net, tn.weights, Options{Opset: opset, Meta: map[string]string{MetaMean: "0.49,0.48,0.45"}})
			if err != nil {
				t.Fatal(err)
			}
			data, err := Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			net, w, err := Decode(data)
			if err != nil {
				t.Fatalf("%s opset %d: %v", tn.name, opset, err)
			}
			want := exportedNodes(tn.net)
			got := net.Nodes[:]
			if len(got) != len(want) {
				t.Fatalf("%s: loaded %d nodes, want %d", tn.name, len(got), len(want))
			}
			for i := range want {
				if !sameNode(got[i], want[i]) {
					t.Errorf("%s: node %d\n got %+v\nwant %+v", tn.name, i, got[i], want[i])
				}
			}
			if net.Input != tn.net.Input || net.Classes != int(tn.net.Nodes[tn.net.Output].Out.Numel()) {
				t.Errorf("%s: input %v classes %d", tn.name, net.Input, net.Classes)
			}
			for _, p := range net.Params() {
				if !slices.Equal(w[p.Name], tn.weights[p.Name]) {
					t.Errorf("%s: weights of %s differ", tn.name, p.Name)
				}
			}
			if len(w) != len(net.Params()) {
				t.Errorf("%s: %d weight tensors for %d parameters", tn.name, len(w), len(net.Params()))
			}
			mt, mg := tn.net.Meta, net.Meta
			if mg.Genotype != mt.Genotype || mg.OpSet != mt.OpSet || mg.Dataset != mt.Dataset || mg.Layers != mt.Layers || mg.Channels != mt.Channels {
				t.Errorf("%s: meta %+v, want %+v", tn.name, mg, mt)
			}
			if mg.Extra[MetaMean] != "0.49,0.48,0.45" || mg.Extra[MetaVersion] == "" {
				t.Errorf("%s: extra meta %v", tn.name, mg.Extra)
			}
			x := randomInput(tn.net, 2, 5)
			y0, err := refForward(tn.net, tn.weights, x, 2)
			if err != nil {
				t.Fatal(err)
			}
			y1, err := refForward(net, w, x, 2)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(y0, y1) {
				t.Errorf("%s: reference logits differ after the round trip\n got %v\nwant %v", tn.name, y1, y0)
			}
		}
	}
}

// A model with folded batch norms loads as convs with biases and computes
// the same function (checked with the reference interpreter, so the folding
// algebra is checked without ONNX Runtime).
func TestFoldBNRoundTrip(t *testing.T) {
	for _, tn := range testNets(t) {
		m, err := Build(tn.net, tn.weights, Options{FoldBN: true})
		if err != nil {
			t.Fatal(err)
		}
		data, err := Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		net, w, err := Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", tn.name, err)
		}
		x := randomInput(tn.net, 2, 9)
		want, err := refForward(tn.net, tn.weights, x, 2)
		if err != nil {
			t.Fatal(err)
		}
		got, err := refForward(net, w, x, 2)
		if err != nil {
			t.Fatal(err)
		}
		f := make([]float32, len(got))
		for i, v := range got {
			f[i] = float32(v)
		}
		assertClose(t, tn.name+"/folded", f, want)
		if tn.name == "fold" {
			var bns []string
			for _, nd := range net.Nodes {
				if nd.Kind == spec.BN {
					bns = append(bns, nd.Name)
				}
			}
			if !slices.Equal(bns, []string{"c3.bn"}) {
				t.Errorf("batch norms left after folding: %v, want [c3.bn]", bns)
			}
		}
	}
}
