package ckpt

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonas/internal/atomicfile"
)

// onlyFile fails the test unless dir holds exactly the named file (no
// temporary files left behind).
func onlyFile(t *testing.T, dir, name string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != name {
		t.Errorf("directory holds %v, want only %s", names, name)
	}
}

func TestWriteReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.ckpt")
	if err := Write(path, map[string]int{"epoch": 1}, sampleTensors()); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, map[string]int{"epoch": 2}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(f.Header) != `{"epoch":2}` || len(f.Tensors) != 0 {
		t.Errorf("got %s with %d tensors", f.Header, len(f.Tensors))
	}
	onlyFile(t, dir, "a.ckpt")
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v", st.Mode(), err)
	}
}

// TestFailedWriteKeepsOld simulates a writer failing half way: the old file
// must be intact and no temporary file may remain.
func TestFailedWriteKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.ckpt")
	if err := Write(path, "old", sampleTensors()); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(path)
	boom := errors.New("disk full")
	err := atomicfile.WriteFunc(path, func(w io.Writer) error {
		w.Write([]byte("GONASCKP partial"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, old) {
		t.Error("the old checkpoint changed")
	}
	onlyFile(t, dir, "a.ckpt")
	// A rejected checkpoint must not touch the old one either.
	if err := Write(path, nil, []Tensor{{Name: "x", Shape: []int{2}}}); err == nil {
		t.Fatal("bad tensor accepted")
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, old) {
		t.Error("the old checkpoint changed")
	}
}

func TestWriteErrors(t *testing.T) {
	dir := t.TempDir()
	// The target is a non-empty directory: the rename must fail.
	target := filepath.Join(dir, "busy")
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(target, nil, nil); err == nil || !strings.Contains(err.Error(), target) {
		t.Errorf("error %v", err)
	}
	onlyFile(t, dir, "busy")
	missing := filepath.Join(dir, "no", "such", "dir", "a.ckpt")
	if err := Write(missing, nil, nil); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("error %v", err)
	}
}

func TestWriteReadOnlyDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: permissions do not stop writes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "a.ckpt")
	if err := Write(path, "old", nil); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(path)
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	if err := Write(path, "new", nil); err == nil {
		t.Fatal("write into a read-only directory succeeded")
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, old) {
		t.Error("the old checkpoint changed")
	}
}
