package models

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"gonas/internal/spec"
)

// TestOpSetRoles checks the roles and colours every op set declares, and
// that the roles match what the builders do.
func TestOpSetRoles(t *testing.T) {
	choke := []string{"choke_conv_3x3", "dil_choke_conv_3x3"}
	want := map[string]struct {
		zero, identity string
		mid            []string
	}{
		"darts":        {"none", "skip_connect", nil},
		"rome":         {"", "skip_connect", nil},
		"gdas":         {"none", "skip_connect", nil},
		"autodl":       {"none", "skip_connect", nil},
		"sharpdarts":   {"none", "skip_connect", choke},
		"sharper":      {"none", "skip_connect", choke},
		"sharpsepconv": {"none", "skip_connect", choke},
	}
	// Every op any set has, and one no set has.
	all := []string{"no_such_op"}
	for _, s := range OpSets() {
		for _, op := range s.OpNames() {
			if !slices.Contains(all, op) {
				all = append(all, op)
			}
		}
	}
	if len(OpSets()) != len(want) {
		t.Fatalf("%d op sets, the table has %d", len(OpSets()), len(want))
	}
	for _, s := range OpSets() {
		w, ok := want[s.Name]
		if !ok {
			t.Errorf("op set %s is not in the table", s.Name)
			continue
		}
		if s.Zero != w.zero || s.Identity != w.identity || !slices.Equal(s.MidOps, w.mid) {
			t.Errorf("%s: zero %q identity %q mid %v; want %q %q %v", s.Name, s.Zero, s.Identity, s.MidOps, w.zero, w.identity, w.mid)
		}
		if s.Zero != "" && (s.Index(s.Zero) < 0 || !s.IsZero(s.Zero) || s.ZeroIndex() != s.Index(s.Zero)) {
			t.Errorf("%s: zero op %s is not a primitive (index %d, ZeroIndex %d)", s.Name, s.Zero, s.Index(s.Zero), s.ZeroIndex())
		}
		if s.Zero == "" && s.ZeroIndex() != -1 {
			t.Errorf("%s: no zero op but ZeroIndex %d", s.Name, s.ZeroIndex())
		}
		if !s.Has(s.Identity) || !s.IsIdentity(s.Identity) {
			t.Errorf("%s: identity op %q missing", s.Name, s.Identity)
		}
		colours := map[string]string{}
		for _, op := range s.OpNames() {
			c := s.Color(op)
			if c == "" || c == UnknownOpColor || c != OpColor(op) {
				t.Errorf("%s/%s: colour %q", s.Name, op, c)
			}
			if rgba := OpRGBA(op); fmt.Sprintf("#%02x%02x%02x", rgba.R, rgba.G, rgba.B) != c || rgba.A != 0xff {
				t.Errorf("%s/%s: RGBA %v for %s", s.Name, op, rgba, c)
			}
			if other, dup := colours[c]; dup {
				t.Errorf("%s: %s and %s share colour %s", s.Name, op, other, c)
			}
			colours[c] = op
			checkBuiltRoles(t, s, op)
		}
		for _, op := range all {
			if s.Has(op) {
				continue
			}
			if s.IsZero(op) || s.IsIdentity(op) || s.NeedsMid(op) || s.Color(op) != "" {
				t.Errorf("%s: op %s is not in the set but has a role (zero %v identity %v mid %v colour %q)",
					s.Name, op, s.IsZero(op), s.IsIdentity(op), s.NeedsMid(op), s.Color(op))
			}
		}
	}
	if OpColor("no_such_op") != UnknownOpColor {
		t.Errorf("unknown op colour %s", OpColor("no_such_op"))
	}
}

// checkBuiltRoles builds op and checks its roles against the result: the
// zero op emits a Zero node, the identity returns its input at stride 1,
// and exactly the mid-channel ops change with OpCtx.MidChannels.
func checkBuiltRoles(t *testing.T, s *OpSet, op string) {
	t.Helper()
	build := func(stride, mid int) (*spec.Net, int) {
		b := spec.NewBuilder(spec.Shape{C: 8, H: 8, W: 8})
		out := s.Build(b, op, "x", 0, OpCtx{Cin: 8, Cout: 8, Stride: stride, Affine: true, MidChannels: mid})
		net, err := b.Finish(1, out, 0)
		if err != nil {
			t.Fatalf("%s/%s: %v", s.Name, op, err)
		}
		return net, out
	}
	net, out := build(1, 16)
	if zero := net.Node(out).Kind == spec.Zero; zero != s.IsZero(op) {
		t.Errorf("%s/%s: builds a Zero node %v, IsZero %v", s.Name, op, zero, s.IsZero(op))
	}
	if (out == 0) != s.IsIdentity(op) {
		t.Errorf("%s/%s: returns its input %v, IsIdentity %v", s.Name, op, out == 0, s.IsIdentity(op))
	}
	if _, out2 := build(2, 16); s.IsIdentity(op) && out2 == 0 {
		t.Errorf("%s/%s: the stride-2 skip returns its input", s.Name, op)
	}
	other, _ := build(1, 24)
	if changes := learned(net) != learned(other); changes != s.NeedsMid(op) {
		t.Errorf("%s/%s: params change with MidChannels %v, NeedsMid %v", s.Name, op, changes, s.NeedsMid(op))
	}
}

func TestCountIdentity(t *testing.T) {
	e, ok := LookupZoo("GDAS_V1")
	if !ok {
		t.Fatal("GDAS_V1 not in the zoo")
	}
	s, err := LookupOpSet(e.OpSet)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.CountIdentity(e.Genotype.Normal); got != 4 {
		t.Errorf("GDAS_V1 normal cell: %d skip connections, want 4", got)
	}
	if got := s.CountIdentity(nil); got != 0 {
		t.Errorf("no pairs: %d skip connections", got)
	}
}

func TestOpSetRoleErrors(t *testing.T) {
	base := func() *OpSet {
		return &OpSet{Name: "t", Primitives: []string{"none", "skip_connect"}, Extra: []string{"choke_conv_3x3"},
			Zero: "none", Identity: "skip_connect", MidOps: []string{"choke_conv_3x3"}, DefaultMidChannels: 8,
			ops: map[string]OpBuilder{"none": zero, "skip_connect": identity, "choke_conv_3x3": identity}}
	}
	if err := base().check(); err != nil {
		t.Fatalf("valid set: %v", err)
	}
	for _, tc := range []struct {
		name string
		mod  func(*OpSet)
		want string
	}{
		{"zero not a primitive", func(s *OpSet) { s.Zero = "choke_conv_3x3" }, "zero op choke_conv_3x3 is not a primitive"},
		{"no identity", func(s *OpSet) { s.Identity = "" }, "identity op"},
		{"mid op missing", func(s *OpSet) { s.MidOps = []string{"x"} }, "mid-channel op x"},
		{"no mid default", func(s *OpSet) { s.DefaultMidChannels = 0 }, "no default mid channels"},
		{"no colour", func(s *OpSet) {
			s.Extra = append(s.Extra, "new_op")
			s.ops["new_op"] = identity
		}, "op new_op has no colour"},
	} {
		s := base()
		tc.mod(s)
		if err := s.check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := parseHexColor("gray70"); err == nil {
		t.Error("a colour name parsed as #rrggbb")
	}
}
