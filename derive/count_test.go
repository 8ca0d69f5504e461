package derive

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonas/internal/spec"
	"gonas/models"
)

func mustBuildCounts(t *testing.T, geno, set string, cfg Config) Counts {
	t.Helper()
	s, err := models.LookupOpSet(set)
	if err != nil {
		t.Fatal(err)
	}
	g, ok := refGenotypes[geno]
	if !ok {
		t.Fatalf("no reference genotype %s", geno)
	}
	net, err := Build(g, s, cfg)
	if err != nil {
		t.Fatalf("%s/%s: %v", geno, set, err)
	}
	return mustCount(t, net)
}

// The two exact anchors of docs/papers.md §6.4.
func TestExactParams(t *testing.T) {
	for geno, want := range map[string]int64{"DARTS_V2": 3349342, "PC_DARTS_cifar": 3634678} {
		if got := mustBuildCounts(t, geno, "darts", Config{Dataset: "cifar10", Channels: 36, Layers: 20}).Params; got != want {
			t.Errorf("%s CIFAR-10 C=36 L=20: %d params, want %d", geno, got, want)
		}
	}
}

// publishedRow is one size figure from docs/papers.md §6.1-6.3 (or a table it
// cites). The figure is compared at the published precision: round(got /
// 10^unitExp, digits) == value. Rows with reproduced=false are figures no
// consistent rule gives for the published genotype; the test asserts that
// they still differ (so a change that suddenly "fixes" them is noticed)
// and the comment gives our number.
type publishedRow struct {
	geno, set  string
	cfg        Config
	metric     string // "params", "macs" (conv+FC, AutoDL rule) or "full" (sovrasov rule)
	value      float64
	unitExp    int // 6: millions, 9: billions
	digits     int // decimals published
	reproduced bool
	source     string
}

var (
	c10  = Config{Dataset: "cifar10", Channels: 36, Layers: 20}
	c100 = Config{Dataset: "cifar100", Channels: 36, Layers: 20}
	in48 = Config{Dataset: "imagenet", Channels: 48, Layers: 14}
)

func withMid(c Config, mid int) Config { c.MidChannels = mid; return c }
func withC(c Config, ch int) Config    { c.Channels = ch; return c }

var publishedRows = []publishedRow{
	// CIFAR-10, 20 cells, C=36.
	{"DARTS_V2", "darts", c10, "params", 3.3, 6, 1, true, "DARTS Table 1 (2nd order); exact 3,349,342"},
	{"PC_DARTS_cifar", "darts", c10, "params", 3.6, 6, 1, true, "PC-DARTS image/cifar.png; exact 3,634,678"},
	{"AmoebaNet", "darts", c10, "params", 3.1, 6, 1, true, "DARTS Table 1, AmoebaNet-A† (3,145,078)"},
	{"GDAS_V1", "gdas", c10, "params", 3.4, 6, 1, true, "ROME Table 2 (3,368,782)"},
	{"GDAS_F1", "gdas", c10, "params", 2.5, 6, 1, true, "GDAS abstract, GDAS (FRC) (2,543,014)"},
	{"SHARPSEPCONV_DARTS", "sharpsepconv", c10, "params", 3.6, 6, 1, true, "sharpDARTS table (3,555,622)"},
	{"SHARPSEPCONV_DARTS", "sharpsepconv", c10, "full", 0.579, 9, 3, true, "PAPERS §6.5, sharpDARTS 0.579B (578,604,672)"},
	{"DARTS_V2", "sharpsepconv", c10, "params", 3.5, 6, 1, true, "sharpDARTS table, DARTS+SSC no search (3,529,270)"},
	{"DARTS_V2", "darts", c10, "full", 0.547, 9, 3, true, "sharpDARTS table DARTS† 2nd order 0.547B (547,473,024)"},
	// SHARPER_MAX_W on CIFAR gives exactly the 950M that the sharpDARTS
	// ImageNet table prints for SharperDARTS-MaxW (see the ImageNet row).
	{"SHARPER_MAX_W", "sharper", c10, "full", 950, 6, 0, true, "sharpDARTS ImageNet table's 950M equals the CIFAR count (950,221,440)"},
	// Not reproduced: DARTS_V1 has 3,169,414 parameters (3.2M), not the
	// 3.3M of DARTS Table 1.
	{"DARTS_V1", "darts", c10, "params", 3.3, 6, 1, false, "DARTS Table 1 (1st order); we get 3,169,414"},
	// Not reproduced: NASNet from the DARTS genotypes file at C=36, L=20 has
	// 3,830,950 parameters (3.8M), not the 3.1M of DARTS Table 1 (NASNet-A†);
	// the paper must have trained it at another width.
	{"NASNet", "darts", c10, "params", 3.1, 6, 1, false, "DARTS Table 1, NASNet-A†; we get 3,830,950"},
	// Not reproduced: sharpDARTS (choke mid 32) has 1,974,934 (1.97M), not
	// the published 1.98M; its ImageNet rows below match to 3 digits.
	{"SHARP_DARTS", "sharpdarts", c10, "params", 1.98, 6, 2, false, "sharpDARTS table; we get 1,974,934"},
	// Not reproduced: sharpDARTS's DARTS† rows. 2nd order: 3,349,342 is
	// 3.3M (3.4M only by rounding twice, 3.349 -> 3.35 -> 3.4). 1st order:
	// 2.9M and 0.518B, while DARTS_V1 has 3,169,414 parameters and
	// 518,940,288 full FLOPs (0.519B rounded, 0.518B only truncated) - the
	// row is not the published DARTS_V1 genotype.
	{"DARTS_V2", "darts", c10, "params", 3.4, 6, 1, false, "sharpDARTS table DARTS† 2nd order 3.4M; we get 3,349,342"},
	{"DARTS_V1", "darts", c10, "params", 2.9, 6, 1, false, "sharpDARTS table DARTS† 1st order 2.9M; we get 3,169,414"},
	{"DARTS_V1", "darts", c10, "full", 0.518, 9, 3, false, "sharpDARTS table DARTS† 1st order 0.518B; we get 518,940,288"},

	// CIFAR-100.
	{"GDAS_V1", "gdas", c100, "params", 3.4, 6, 1, true, "ROME Table 3 (3,420,622)"},

	// ImageNet, 14 cells, C=48 unless noted.
	{"DARTS_V2", "darts", in48, "params", 4.7, 6, 1, true, "DARTS Table 3 (4,718,752)"},
	{"PC_DARTS_cifar", "darts", in48, "params", 5.3, 6, 1, true, "PC-DARTS image/imagenet.png (5,270,560)"},
	{"PC_DARTS_cifar", "darts", in48, "full", 586, 6, 0, true, "PC-DARTS 586M, full rule (586,359,552)"},
	{"PC_DARTS_image", "darts", in48, "params", 5.3, 6, 1, true, "PC-DARTS README (5,342,464)"},
	{"PC_DARTS_image", "darts", in48, "full", 597, 6, 0, true, "PC-DARTS 597M, full rule (597,206,976)"},
	{"GDAS_V1", "gdas", withC(in48, 50), "params", 5.3, 6, 1, true, "ROME Table 4, C=50 (5,345,075)"},
	{"GDAS_V1", "gdas", withC(in48, 50), "macs", 581, 6, 0, true, "ROME Table 4, AutoDL rule (581,010,000)"},
	{"GDAS_F1", "gdas", withC(in48, 52), "params", 4.4, 6, 1, true, "GDAS paper, FRC C=52 (4,430,386)"},
	{"GDAS_F1", "gdas", withC(in48, 52), "macs", 497, 6, 0, true, "GDAS paper, AutoDL rule (496,734,952)"},
	// Not reproduced at the published rounding: SharpSepConvDARTS ImageNet
	// has 4,973,728 parameters, 5.0M rounded (4.9M only truncated, but
	// truncation would turn SharperDARTS-MaxW's 8,267,296 into 8.2, not
	// the published 8.3).
	{"SHARPSEPCONV_DARTS", "sharpsepconv", in48, "params", 4.9, 6, 1, false, "sharpDARTS table; we get 4,973,728"},
	{"SHARPSEPCONV_DARTS", "sharpsepconv", in48, "full", 573, 6, 0, true, "sharpDARTS table 0.573B (572,981,376)"},
	{"SHARPER_MAX_W", "sharper", in48, "params", 8.3, 6, 1, true, "sharpDARTS table (8,267,296)"},
	{"SHARP_DARTS", "sharpdarts", withMid(in48, 96), "params", 3.71, 6, 2, true, "sharpDARTS table, cmid 96 (3,714,880)"},
	{"SHARP_DARTS", "sharpdarts", withMid(in48, 96), "full", 481, 6, 0, true, "sharpDARTS table, cmid 96 (481,055,808)"},
	{"SHARP_DARTS", "sharpdarts", withMid(in48, 32), "params", 3.17, 6, 2, true, "sharpDARTS table, cmid 32 (3,173,440)"},
	{"SHARP_DARTS", "sharpdarts", withMid(in48, 32), "full", 370, 6, 0, true, "sharpDARTS table, cmid 32 (370,417,728)"},
	{"DARTS_V2", "sharpsepconv", in48, "params", 4.9, 6, 1, true, "sharpDARTS table, DARTS re-count (4,927,072)"},
	// Not reproduced: DARTS's 574M (PAPERS §6.5): conv+FC gives
	// 529,912,552 and the full rule 544,588,032.
	{"DARTS_V2", "darts", in48, "macs", 574, 6, 0, false, "DARTS Table 3; we get 529,912,552"},
	{"DARTS_V2", "darts", in48, "full", 574, 6, 0, false, "DARTS Table 3; we get 544,588,032"},
	// Not reproduced: SharperDARTS-MaxW's 950M on ImageNet; the full rule
	// gives 924,680,640 there (and exactly 950M on CIFAR, row above).
	{"SHARPER_MAX_W", "sharper", in48, "full", 950, 6, 0, false, "sharpDARTS table; we get 924,680,640"},
	// Not reproduced: sharpDARTS's re-count of DARTS at 595M; with the
	// sharpDARTS ops the full rule gives 569,425,152 (DARTS ops: 544,588,032).
	{"DARTS_V2", "sharpsepconv", in48, "full", 595, 6, 0, false, "sharpDARTS table; we get 569,425,152"},
	// Not reproduced: ROME Table 4 quotes NASNet-A (564M, 5.3M) and
	// AmoebaNet-A (555M, 5.1M) from their own papers' ImageNet networks;
	// in the DARTS ImageNet network (C=48, 14 cells) the genotypes give
	// 5,564,320 / 604,032,616 and 4,627,360 / 526,747,624.
	{"NASNet", "darts", in48, "params", 5.3, 6, 1, false, "ROME Table 4; we get 5,564,320"},
	{"NASNet", "darts", in48, "macs", 564, 6, 0, false, "ROME Table 4; we get 604,032,616"},
	{"AmoebaNet", "darts", in48, "params", 5.1, 6, 1, false, "ROME Table 4; we get 4,627,360"},
	{"AmoebaNet", "darts", in48, "macs", 555, 6, 0, false, "ROME Table 4; we get 526,747,624"},
}

func TestPublishedSizes(t *testing.T) {
	for _, r := range publishedRows {
		name := fmt.Sprintf("%s/%s/%s/C%d/%s", r.geno, r.set, r.cfg.Dataset, r.cfg.Channels, r.metric)
		c := mustBuildCounts(t, r.geno, r.set, r.cfg)
		var got int64
		switch r.metric {
		case "params":
			got = c.Params
		case "macs":
			got = c.MACs
		case "full":
			got = c.FLOPsFull
		default:
			t.Fatalf("%s: unknown metric", name)
		}
		scale := math.Pow(10, float64(r.digits))
		rounded := math.Round(float64(got)/math.Pow(10, float64(r.unitExp))*scale) / scale
		match := math.Abs(rounded-r.value) < 0.5/scale
		switch {
		case r.reproduced && !match:
			t.Errorf("%s: got %d (%.*f), published %.*f [%s]", name, got, r.digits, rounded, r.digits, r.value, r.source)
		case !r.reproduced && match:
			t.Errorf("%s: got %d, which now matches the published %.*f listed as not reproduced [%s]", name, got, r.digits, r.value, r.source)
		}
	}
}

// The auxiliary heads, by formula (docs/papers.md §1.4): conv1x1 C->128, BN,
// conv2x2 128->768, [BN], linear 768->classes.
func TestAuxParams(t *testing.T) {
	head := func(c, classes int, bn bool) int64 {
		p := c*128 + 2*128 + 128*768*4 + 768*classes + classes
		if bn {
			p += 2 * 768
		}
		return int64(p)
	}
	for _, tc := range []struct {
		geno, set string
		cfg       Config
		want      int64
	}{
		{"DARTS_V2", "darts", c10, head(576, 10, true)},
		{"NASNet", "darts", c10, head(3*144, 10, true)}, // reduce_concat has 3 states
		{"DARTS_V2", "darts", in48, head(768, 1000, false)},
		{"GDAS_F1", "gdas", withC(in48, 52), head(4*208, 1000, false)},
		{"SHARP_DARTS", "sharpdarts", in48, head(768, 1000, true)},
	} {
		cfg := tc.cfg
		cfg.Auxiliary = true
		got := mustBuildCounts(t, tc.geno, tc.set, cfg)
		if got.AuxParams != tc.want {
			t.Errorf("%s/%s/%s: aux params %d, want %d", tc.geno, tc.set, cfg.Dataset, got.AuxParams, tc.want)
		}
		cfg.Auxiliary = false
		plain := mustBuildCounts(t, tc.geno, tc.set, cfg)
		if plain.Params != got.Params || plain.MACs != got.MACs || plain.FLOPsFull != got.FLOPsFull || plain.AuxParams != 0 {
			t.Errorf("%s: the auxiliary head changed the main counts: %+v vs %+v", tc.geno, got, plain)
		}
	}
}

// Count's per-kind rules on a network small enough to count on paper.
func TestCountRules(t *testing.T) {
	b := spec.NewBuilder(spec.Shape{C: 3, H: 8, W: 8})
	x := b.Conv("c1", 0, spec.Square(4, 3, 1, 1, 1))   // 3*4*9*64 = 6912 MACs, 108 params
	x = b.BN("bn1", x, true)                           // full 2*256; 8 params, 8 buffers
	x = b.ReLU("r", x)                                 // full 256
	p := b.Pool("mp", spec.MaxPool, x, 3, 2, 1, false) // full 256 (input), out 4x4x4
	dw := spec.Square(4, 3, 1, 1, 1)
	dw.Groups, dw.Bias = 4, true
	x = b.Conv("c2", p, dw)                    // 4*9*16 = 576 + bias 64 = 640; 40 params
	x = b.BN("bn2", x, false)                  // full 64 (not affine); 8 buffers
	x = b.DropPath("dp", x)                    // nothing
	x = b.Add("add", x, b.Zero("z", p, 1))     // nothing
	out := b.Linear("fc", b.GAP("gap", x), 10) // gap full 64; fc 40 (+10 bias in MACs); 50 params
	b.SetAux(true)
	aux := b.Linear("auxiliary_head.classifier", b.GAP("auxiliary_head.gap", p), 10) // 50 aux params, no FLOPs
	net, err := b.Finish(10, out, aux)
	if err != nil {
		t.Fatal(err)
	}
	want := Counts{Params: 108 + 8 + 40 + 50, AuxParams: 50, Buffers: 16,
		MACs: 6912 + 640 + 50, FLOPsFull: 6912 + 512 + 256 + 256 + 640 + 64 + 64 + 40}
	if got := mustCount(t, net); got != want {
		t.Errorf("Count = %+v\nwant    %+v", got, want)
	}
}

// mustCount counts net and fails the test on an error.
func mustCount(t testing.TB, net *spec.Net) Counts {
	t.Helper()
	c, err := Count(net)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// An unknown kind is an error, never a count of zero.
func TestCountUnknownKind(t *testing.T) {
	net := &spec.Net{Nodes: []spec.Node{{Kind: spec.Input}, {ID: 1, Kind: "gelu", Name: "g", Inputs: []int{0}}}}
	if _, err := Count(net); err == nil || !strings.Contains(err.Error(), `unknown kind "gelu"`) {
		t.Fatalf("Count of an unknown kind: %v, want an error naming it", err)
	}
}

// Counts past int64 are an error, never a wrapped negative figure.
func TestCountOverflow(t *testing.T) {
	set, err := models.LookupOpSet("darts")
	if err != nil {
		t.Fatal(err)
	}
	net, err := Build(refGenotypes["DARTS_V2"], set, Config{Dataset: "mnist", Layers: 3, Channels: 1_000_000_000})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := Count(net); err == nil || !strings.Contains(err.Error(), "too large to count") {
		t.Fatalf("Count of a 1e9-channel network = %+v, %v; want an error", c, err)
	}
}
