package export

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeORTDir is a runner folder (run.js, package-lock.json) without its
// node_modules, pointed to by $GONAS_ORT_SCRIPT, and a PATH whose npm is a
// script recording its arguments and environment and creating the package.
func fakeORTDir(t *testing.T, npmOK bool) (dir string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH")
	}
	mkdir, err := exec.LookPath("mkdir")
	if err != nil {
		t.Skip("no mkdir on PATH")
	}
	dir = t.TempDir()
	for name, text := range map[string]string{"run.js": "// runner\n", "package.json": "{}\n", "package-lock.json": "{}\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := t.TempDir()
	npm := "#!/bin/sh\necho \"npm $* ONNXRUNTIME_NODE_INSTALL=$ONNXRUNTIME_NODE_INSTALL\" > npm.log\n"
	if npmOK {
		npm += mkdir + " -p node_modules/onnxruntime-node && echo '{}' > node_modules/onnxruntime-node/package.json\n"
	} else {
		npm += "echo 'npm ERR! network' >&2; exit 1\n"
	}
	if err := os.WriteFile(filepath.Join(bin, "npm"), []byte(npm), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(node, filepath.Join(bin, "node")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	t.Setenv(ScriptEnv, filepath.Join(dir, "run.js"))
	return dir
}

func TestEnsureORTInstalls(t *testing.T) {
	dir := fakeORTDir(t, true)
	var log bytes.Buffer
	installed, err := EnsureORT(context.Background(), &log)
	if err != nil || !installed {
		t.Fatalf("EnsureORT = %v, %v; log:\n%s", installed, err, log.String())
	}
	got, err := os.ReadFile(filepath.Join(dir, "npm.log"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "npm ci --no-audit --no-fund --loglevel=error ONNXRUNTIME_NODE_INSTALL=skip"; strings.TrimSpace(string(got)) != want {
		t.Errorf("npm ran as %q, want %q", got, want)
	}
	if !strings.Contains(log.String(), "npm ci in "+dir) {
		t.Errorf("log does not say what it installs where:\n%s", log.String())
	}
	// Installed now: a second call does nothing.
	if installed, err := EnsureORT(context.Background(), &log); err != nil || installed {
		t.Errorf("second EnsureORT = %v, %v, want nothing to do", installed, err)
	}
}

func TestEnsureORTFails(t *testing.T) {
	dir := fakeORTDir(t, false)
	var log bytes.Buffer
	_, err := EnsureORT(context.Background(), &log)
	if !errors.Is(err, ErrNoInstaller) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("EnsureORT with a failing npm: %v, want ErrNoInstaller naming %s", err, dir)
	}
	if !strings.Contains(log.String(), "npm ERR! network") {
		t.Errorf("npm's own message is not in the log:\n%s", log.String())
	}
	// Without npm: ErrNoInstaller saying so.
	os.Remove(filepath.Join(os.Getenv("PATH"), "npm"))
	if _, err := EnsureORT(context.Background(), &log); !errors.Is(err, ErrNoInstaller) || !strings.Contains(err.Error(), "no npm") {
		t.Errorf("EnsureORT without npm: %v", err)
	}
}
