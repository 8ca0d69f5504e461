// Package models holds what gonas knows about architectures before any
// network is built: genotypes, op sets and the zoo of published genotypes.
//
// A Genotype is plain data: two cells (normal and reduce) of (op, input)
// pairs, two per intermediate node, and the states each cell concatenates
// (docs/papers.md §2). It travels as text in three forms, all read by Parse:
//
//   - the Python repr the reference code prints (Genotype.String), so that
//     genotypes can be pasted from papers, logs and genotypes.py files;
//   - the canonical line-oriented form of .geno files (Genotype.Canonical,
//     GenoFile.Canonical), which also records the name and the op set;
//   - JSON (encoding/json on Genotype or GenoFile; Reduce nil is null).
//
// Parse validates what it reads and reports every problem as a *ParseError
// with line and column. ReadGenoFile and WriteGenoFile (atomic) handle files;
// GenotypeFromArg resolves the CLI's --genotype (zoo name, file or text).
//
// Zoo and LookupZoo list the published genotypes of DARTS, PC-DARTS, GDAS
// and sharpDARTS with the op set each must be built with (zoo.txt, embedded).
//
// An OpSet is the table of primitives of one search space (DARTS, GDAS,
// sharpDARTS, ROME): every op is declared once, as a builder that emits spec
// nodes, with its roles (zero, identity, mid channels) and plot colour.
// Search supernets and derived networks are built from the table; counting,
// the engine and export see only the spec nodes it emits.
package models
