package export

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"gonas/export/onnxpb"
	"gonas/internal/atomicfile"
)

// Marshal encodes a model in the ONNX binary format, deterministically.
func Marshal(model *onnxpb.ModelProto) ([]byte, error) {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(model)
	if err != nil {
		return nil, fmt.Errorf("export: encoding model: %w", err)
	}
	return b, nil
}

// WriteFile stores model at path atomically (atomicfile): readers see the old
// file or the complete new one.
func WriteFile(path string, model *onnxpb.ModelProto) error {
	b, err := Marshal(model)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return atomicfile.Write(path, b)
}
