package export

import (
	"testing"

	"google.golang.org/protobuf/proto"
)

// FuzzLoad feeds arbitrary bytes to the importer: it must never panic, and
// whatever it accepts must export again. Seeds: every test net at both ends
// of the opset range (plain and folded), the foreign models, and damaged
// copies of them.
func FuzzLoad(f *testing.F) {
	var seeds [][]byte
	for _, tn := range testNets(f) {
		for _, opt := range []Options{{Opset: MinOpset}, {Opset: MaxOpset, FoldBN: true}} {
			m, err := Build(tn.net, tn.weights, opt)
			if err != nil {
				f.Fatal(err)
			}
			b, err := Marshal(m)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, b)
		}
	}
	for _, fm := range foreignModels() {
		b, err := proto.Marshal(fm.model)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	for _, b := range seeds {
		f.Add(b)
		f.Add(b[:len(b)/2])
		flipped := append([]byte(nil), b...)
		flipped[len(b)/3] ^= 0x40
		f.Add(flipped)
	}
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		net, w, err := Decode(data)
		if err != nil {
			return
		}
		if _, err := Build(net, w, Options{}); err != nil {
			t.Fatalf("loaded a net that does not export: %v", err)
		}
	})
}
