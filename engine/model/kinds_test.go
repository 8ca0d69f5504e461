package model

import (
	"testing"

	"gonas/internal/spec"
)

// TestEveryKindRuns checks the engine's registry against the kind table:
// every kind but the input has a forward entry, and nothing else does.
func TestEveryKindRuns(t *testing.T) {
	for _, k := range spec.Kinds() {
		if _, ok := forwards[k]; ok == (k == spec.Input) {
			t.Errorf("kind %s: forward registered %v", k, ok)
		}
	}
	for k := range forwards {
		if _, err := spec.Info(k); err != nil {
			t.Errorf("forward registered for %v", err)
		}
	}
}
