package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// ErrNoInstaller says that ONNX Runtime is missing and cannot be installed
// here (no npm, or no package-lock.json beside the runner script).
var ErrNoInstaller = errors.New("cannot install ONNX Runtime")

// EnsureORT makes ONNX Runtime ready for RunORT: when Node.js and the
// runner script are there but the onnxruntime-node package is not, it runs
// `npm ci` in the script's folder (tools/ort, pinned by its
// package-lock.json; ONNXRUNTIME_NODE_INSTALL=skip keeps npm from fetching
// the CUDA build), writing what it does to log. installed tells whether it
// installed; an error wraps ErrNoRuntime or ErrNoInstaller and says why.
func EnsureORT(ctx context.Context, log io.Writer) (installed bool, err error) {
	_, _, err = FindORT()
	if err == nil {
		return false, nil
	}
	if _, lerr := exec.LookPath("node"); lerr != nil {
		return false, err // no node: nothing to install into
	}
	script, serr := findScript()
	if serr != nil {
		return false, serr
	}
	dir := filepath.Dir(script)
	if _, lerr := os.Stat(filepath.Join(dir, "package-lock.json")); lerr != nil {
		return false, fmt.Errorf("%w: %v", ErrNoInstaller, lerr)
	}
	npm, lerr := exec.LookPath("npm")
	if lerr != nil {
		return false, fmt.Errorf("%w: no npm on PATH to install onnxruntime-node in %s", ErrNoInstaller, dir)
	}
	fmt.Fprintf(log, "installing ONNX Runtime for the verification: npm ci in %s (once) ...\n", dir)
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ONNXRUNTIME_NODE_INSTALL=skip")
	cmd.Stdout, cmd.Stderr = log, log
	if rerr := cmd.Run(); rerr != nil {
		return false, fmt.Errorf("%w: npm ci in %s: %v", ErrNoInstaller, dir, rerr)
	}
	if _, _, err := FindORT(); err != nil {
		return false, fmt.Errorf("%w: npm ci in %s finished, but: %v", ErrNoInstaller, dir, err)
	}
	return true, nil
}
