package models

import (
	"strconv"
	"strings"
)

// Canonical prints g in the canonical text form of .geno files (see
// GenoFile.Canonical), without name and op set.
func (g *Genotype) Canonical() string {
	if g == nil {
		return ""
	}
	return (&GenoFile{Genotype: *g}).Canonical()
}

// Canonical prints gf in the canonical text form of .geno files:
//
//	# gonas genotype
//	# <each line of Comment>
//	name: DARTS_V2
//	op_set: darts
//	normal: sep_conv_3x3 0, sep_conv_3x3 1 | sep_conv_3x3 0, sep_conv_3x3 1 | sep_conv_3x3 1, skip_connect 0 | skip_connect 0, dil_conv_3x3 2
//	normal_concat: 2 3 4 5
//	reduce: max_pool_3x3 0, max_pool_3x3 1 | skip_connect 2, max_pool_3x3 1 | max_pool_3x3 0, skip_connect 2 | skip_connect 2, max_pool_3x3 1
//	reduce_concat: 2 3 4 5
//
// Each node's two (op, input) pairs are separated by ',' and nodes by '|'.
// The name, op_set and space lines appear when set; "reduce: none" stands for a nil
// Reduce. Parse reads it back.
func (gf *GenoFile) Canonical() string {
	var b strings.Builder
	b.WriteString("# " + genoCanonicalHeader + "\n")
	if gf.Comment != "" {
		for _, line := range strings.Split(gf.Comment, "\n") {
			if line = strings.TrimRight(line, " \t\r"); line == "" {
				b.WriteString("#\n")
			} else {
				b.WriteString("# " + line + "\n")
			}
		}
	}
	if gf.Name != "" {
		b.WriteString("name: " + gf.Name + "\n")
	}
	if gf.OpSet != "" {
		b.WriteString("op_set: " + gf.OpSet + "\n")
	}
	if gf.Space != "" {
		b.WriteString("space: " + gf.Space + "\n")
	}
	b.WriteString("normal: ")
	writeCanonicalPairs(&b, gf.Normal)
	b.WriteString("\nnormal_concat:")
	writeCanonicalConcat(&b, gf.NormalConcat)
	b.WriteString("\nreduce: ")
	if gf.Reduce == nil {
		b.WriteString("none")
	} else {
		writeCanonicalPairs(&b, gf.Reduce)
	}
	b.WriteString("\nreduce_concat:")
	writeCanonicalConcat(&b, gf.ReduceConcat)
	b.WriteString("\n")
	return b.String()
}

func writeCanonicalPairs(b *strings.Builder, ps []Pair) {
	for i, p := range ps {
		switch {
		case i == 0:
		case i%2 == 0:
			b.WriteString(" | ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(p.Op + " " + strconv.Itoa(p.Input))
	}
}

func writeCanonicalConcat(b *strings.Builder, c []int) {
	for _, v := range c {
		b.WriteString(" " + strconv.Itoa(v))
	}
}
