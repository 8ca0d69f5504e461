package models

import (
	"errors"
	"fmt"
	"image/color"
	"slices"
	"strconv"
)

// The roles ops play outside their builders, declared once per op set (the
// Zero, Identity and MidOps fields) and read through the methods below, and
// the one palette every plot colours ops with.

// The ops with a role in the built-in op sets.
const (
	opNone  = "none"
	opSkip  = "skip_connect"
	opNoise = "noise"
)

// opPalette is the colour of every op of the built-in op sets as
// "#rrggbb", which Graphviz, SVG and gonum/plot (via OpRGBA) all take. The
// values are the X11/SVG colours the cell drawings have always used, named
// in the comments; purple is SVG's (X11's, and so Graphviz's, is #a020f0).
var opPalette = map[string]string{
	"none":               "#b3b3b3", // gray70
	"max_pool_3x3":       "#ff8c00", // darkorange
	"avg_pool_3x3":       "#daa520", // goldenrod
	"skip_connect":       "#000000", // black
	"sep_conv_3x3":       "#4169e1", // royalblue
	"sep_conv_5x5":       "#0000cd", // mediumblue
	"sep_conv_7x7":       "#000080", // navy
	"dil_conv_3x3":       "#228b22", // forestgreen
	"dil_conv_5x5":       "#006400", // darkgreen
	"conv_7x1_1x7":       "#a0522d", // sienna
	"noise":              "#9acd32", // yellowgreen
	"flood_conv_3x3":     "#dc143c", // crimson
	"flood_conv_5x5":     "#8b0000", // darkred
	"dil_flood_conv_3x3": "#ff1493", // deeppink
	"choke_conv_3x3":     "#800080", // purple
	"dil_choke_conv_3x3": "#9400d3", // darkviolet
}

// UnknownOpColor is the colour of ops outside the palette (gray40).
const UnknownOpColor = "#666666"

// OpColor is op's plot colour as "#rrggbb": the palette's, UnknownOpColor
// for an op no op set has. Plots that know only op names use it; an op has
// the same colour in every op set.
func OpColor(op string) string {
	if c, ok := opPalette[op]; ok {
		return c
	}
	return UnknownOpColor
}

// OpRGBA is OpColor as an opaque color.RGBA (for gonum/plot).
func OpRGBA(op string) color.RGBA {
	c, err := parseHexColor(OpColor(op))
	if err != nil {
		panic(err) // the palette is checked when the op sets register
	}
	return c
}

// parseHexColor parses "#rrggbb".
func parseHexColor(s string) (color.RGBA, error) {
	if len(s) != 7 || s[0] != '#' {
		return color.RGBA{}, fmt.Errorf("colour %q is not #rrggbb", s)
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.RGBA{}, fmt.Errorf("colour %q is not #rrggbb: %w", s, err)
	}
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}, nil
}

// lists reports whether op is a primitive or an extra of the set (Has for
// the registered sets, which also have a builder for each).
func (s *OpSet) lists(op string) bool {
	return slices.Contains(s.Primitives, op) || slices.Contains(s.Extra, op)
}

// IsZero reports whether op is the set's zero op.
func (s *OpSet) IsZero(op string) bool { return s.Zero != "" && op == s.Zero }

// ZeroIndex is the zero op's column in alpha, -1 if the set has none.
func (s *OpSet) ZeroIndex() int {
	if s.Zero == "" {
		return -1
	}
	return s.Index(s.Zero)
}

// IsIdentity reports whether op is the set's skip connection (at any
// stride: at stride 2 it is a FactorizedReduce but still a skip).
func (s *OpSet) IsIdentity(op string) bool { return s.Identity != "" && op == s.Identity }

// NeedsMid reports whether op's width is OpCtx.MidChannels.
func (s *OpSet) NeedsMid(op string) bool { return slices.Contains(s.MidOps, op) }

// CountIdentity counts the pairs whose op is the skip connection.
func (s *OpSet) CountIdentity(pairs []Pair) int {
	n := 0
	for _, p := range pairs {
		if s.IsIdentity(p.Op) {
			n++
		}
	}
	return n
}

// Color is op's plot colour as "#rrggbb" (OpColor), "" if op is not in the
// set.
func (s *OpSet) Color(op string) string {
	if !s.lists(op) {
		return ""
	}
	return OpColor(op)
}

// checkRoles verifies the roles and colours of a set; called by check.
func (s *OpSet) checkRoles() error {
	if s.Zero != "" && s.Index(s.Zero) < 0 {
		return fmt.Errorf("zero op %s is not a primitive", s.Zero)
	}
	if s.Identity == "" || !s.lists(s.Identity) {
		return fmt.Errorf("identity op %q is not in the set", s.Identity)
	}
	for _, op := range s.MidOps {
		if !s.lists(op) {
			return fmt.Errorf("mid-channel op %s is not in the set", op)
		}
	}
	if len(s.MidOps) > 0 && s.DefaultMidChannels <= 0 {
		return errors.New("mid-channel ops but no default mid channels")
	}
	for _, op := range s.OpNames() {
		c, ok := opPalette[op]
		if !ok {
			return fmt.Errorf("op %s has no colour in the palette", op)
		}
		if _, err := parseHexColor(c); err != nil {
			return fmt.Errorf("op %s: %w", op, err)
		}
	}
	return nil
}
