// Package export lowers a gonas network (spec.Net plus its weights) to an
// ONNX model, verifies exported files in ONNX Runtime, and imports ONNX
// files back into a spec.Net.
//
// Writing uses the repo's own protobuf types (package onnxpb): Build lowers
// every spec.Kind to standard ONNX operators (opsets 13 to 17, IR version 7)
// with a dynamic batch dimension, named initializers (the spec parameter
// names) and metadata describing how the network was made; WriteFile stores
// the model atomically.
//
// Reading goes through github.com/owulveryck/onnx-go as an independent
// decoder: Load hands the file to onnx-go with a graph backend of this
// package and rebuilds a spec.Net through spec.Builder, so every shape is
// inferred again. Node names and metadata, which onnx-go does not expose, come
// from the onnxpb decoding of the same bytes.
//
// RunORT runs a model in ONNX Runtime (onnxruntime-node through
// tools/ort/run.js); it reports ErrNoRuntime where Node or the npm package is
// missing.
package export
