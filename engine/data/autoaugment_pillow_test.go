package data

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"testing"
)

// TestAutoAugmentMatchesPillow applies every AutoAugment operation at every
// level and sign (and off-policy magnitudes) to small RGB and gray images
// and compares each pixel with what Pillow made of the same images
// (testdata/autoaugment_pillow.json.gz, written by tools/pillow-oracle/gen.py
// with Debian's python3-pil), and each level's magnitude with numpy's.
func TestAutoAugmentMatchesPillow(t *testing.T) {
	f, err := os.Open("testdata/autoaugment_pillow.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Pillow string
		Images []struct {
			C, H, W int
			Pix     []uint8
		}
		Cases []struct {
			Img, Level int
			Op         string
			Sign, Mag  float64
			Out        []int
		}
	}
	if err := json.NewDecoder(zr).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	ops := map[string]aaOp{}
	for o := range aaOps {
		ops[o.String()] = o
	}
	seen := map[aaOp]int{}
	for _, c := range doc.Cases {
		op, ok := ops[c.Op]
		if !ok {
			t.Fatalf("unknown op %q", c.Op)
		}
		seen[op]++
		if c.Level >= 0 {
			if m := aaMagnitude(op, c.Level); m != c.Mag {
				t.Errorf("%s level %d: magnitude %v, numpy %v", c.Op, c.Level, m, c.Mag)
			}
		}
		im := doc.Images[c.Img]
		pix := append([]uint8(nil), im.Pix...)
		op.apply(img8{pix: pix, c: im.C, h: im.H, w: im.W}, c.Mag, c.Sign, make([]uint8, len(pix)))
		diff := 0
		for i, v := range c.Out {
			if int(pix[i]) != v {
				diff++
			}
		}
		if diff > 0 {
			t.Errorf("%s level %d sign %v magnitude %v on image %d (%dx%dx%d): %d of %d values differ from Pillow %s",
				c.Op, c.Level, c.Sign, c.Mag, c.Img, im.C, im.H, im.W, diff, len(pix), doc.Pillow)
		}
	}
	if len(seen) != int(aaOps) {
		t.Errorf("the oracle covers %d of %d operations", len(seen), aaOps)
	}
}
