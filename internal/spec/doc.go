// Package spec is gonas's network IR: a typed graph of primitive ops
// (conv, batch norm, ReLU, pools, add, concat, ...) with every tensor shape
// and parameter declared. Op sets emit spec nodes through a Builder; the
// derive stage produces a Net; the engine runs it, the counters count it and
// the ONNX exporter lowers it. Nothing else in gonas describes a network.
package spec
