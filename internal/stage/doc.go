// Package stage holds the pipeline's stages as plain functions over files
// and values: derive a genotype into a network, read a checkpoint into a
// model, export it with the metadata that explains it, and compare the
// exported file with the engine. `gonas derive|train|eval|export|predict`
// (cmd/gonas) and `gonas run` (internal/pipeline) both call these; the
// callers parse flags, keep state and print.
package stage
