package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run "gonas" as a command: the test binary
// re-executes itself as the CLI.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"gonas": func() { os.Exit(mainErr(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scripts in testdata/script/*.txtar.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script"})
}
