package kernels

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNoAsmEnvironment runs this test binary again with GONAS_NOASM=1 and
// checks that the kernels start on the pure-Go path.
func TestNoAsmEnvironment(t *testing.T) {
	if os.Getenv("GONAS_NOASM_CHILD") == "1" {
		if ISA() != "generic" {
			t.Fatalf("GONAS_NOASM=1 but ISA() = %q", ISA())
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoAsmEnvironment$", "-test.v")
	cmd.Env = append(os.Environ(), "GONAS_NOASM=1", "GONAS_NOASM_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Fatalf("child with GONAS_NOASM=1: %v\n%s", err, out)
	}
	ForceGeneric(true)
	if ISA() != "generic" {
		t.Fatal("ForceGeneric(true) did not select the generic path")
	}
	ForceGeneric(false)
	if ISA() != hostISA.String() {
		t.Fatalf("ForceGeneric(false): ISA() = %q, want %q", ISA(), hostISA)
	}
}
