package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckDir(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(tmp, "ro")
	if err := os.Mkdir(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dir, want string
	}{
		{filepath.Join(tmp, "new", "deeper"), ""},
		{tmp, ""},
		{file, "is a file"},
		{filepath.Join(file, "sub"), "cannot be created"},
		{"/proc/gonas-no-such-folder", "cannot be created"},
		{readOnly, "not writable"}, // as root the mode does not stop a write: skipped below
	} {
		if c.dir == readOnly && os.Geteuid() == 0 {
			continue
		}
		err := CheckDir(c.dir)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("CheckDir(%s): %v", c.dir, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.dir)):
			t.Errorf("CheckDir(%s) = %v, want an error naming it and saying %q", c.dir, err, c.want)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, ".gonas-write-check-*")); len(left) != 0 {
		t.Errorf("probe files left behind: %v", left)
	}
}

func TestCheckFileAndWriteRefuseDirectories(t *testing.T) {
	dir := t.TempDir()
	if err := CheckFile(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("CheckFile(a directory) = %v", err)
	}
	if err := Write(dir, []byte("x")); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("Write(a directory) = %v", err)
	}
	if err := CheckFile(filepath.Join(dir, "model.onnx")); err != nil {
		t.Errorf("CheckFile(a new file) = %v", err)
	}
	if err := CheckFile(filepath.Join(dir, "sub", "model.onnx")); err == nil || !strings.Contains(err.Error(), "no folder") {
		t.Errorf("CheckFile(a file in a missing folder) = %v", err)
	}
}
