// Command gonas searches, derives, trains and exports neural architectures.
// Run "gonas help" for the list of commands.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"gonas/internal/pipeline"
)

// command is one sub-command. run gets the arguments after the command name.
type command struct {
	name    string
	summary string
	usage   string // the argument synopsis after "gonas NAME"
	flags   func(fs *pflag.FlagSet) func(args []string, stdout io.Writer) error
}

// commands is the CLI, in the order of the pipeline.
var commands = []*command{
	cmdSearch, cmdDerive, cmdTrain, cmdExport, cmdEval, cmdPredict, cmdRun,
	cmdZoo, cmdSpaces, cmdCount, cmdPlot, cmdInspect, cmdBench, cmdVersion,
}

// errUsage marks errors caused by bad arguments; main prints usage for them.
var errUsage = errors.New("usage")

func usagef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

func main() {
	stop := startProfile(os.Stderr)
	code := mainErr(os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func find(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// errInterrupted reports a command stopped by SIGINT or SIGTERM after it
// saved a checkpoint; the process exits with exitInterrupted (128+SIGINT,
// the shell's convention), so scripts can tell it from success and failure.
var errInterrupted = errors.New("interrupted")

const exitInterrupted = 130

// mainErr runs the CLI and returns the exit code.
func mainErr(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) >= 2 {
			if c := find(args[1]); c != nil {
				printHelp(c, stdout)
				return 0
			}
			fmt.Fprintf(stderr, "gonas: unknown command %q\n", args[1])
			return 2
		}
		printUsage(stdout)
		return 0
	}
	c := find(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "gonas: unknown command %q (run 'gonas help')\n", args[0])
		return 2
	}
	fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	run := c.flags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printHelp(c, stdout)
			return 0
		}
		fmt.Fprintf(stderr, "gonas %s: %v\n(run 'gonas help %s')\n", c.name, err, c.name)
		return 2
	}
	if err := checkCounts(fs); err != nil {
		fmt.Fprintf(stderr, "gonas %s: %v\n(run 'gonas help %s')\n", c.name, err, c.name)
		return 2
	}
	if err := run(fs.Args(), stdout); err != nil {
		fmt.Fprintf(stderr, "gonas %s: %v\n", c.name, err)
		if errors.Is(err, errInterrupted) || errors.Is(err, pipeline.ErrInterrupted) {
			return exitInterrupted
		}
		if errors.Is(err, errUsage) {
			fmt.Fprintf(stderr, "(run 'gonas help %s')\n", c.name)
			return 2
		}
		return 1
	}
	return 0
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "gonas: neural architecture search, derivation, training and ONNX export.")
	fmt.Fprintln(w, "\nUsage: gonas COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'gonas help COMMAND' for a command's flags.")
}

func printHelp(c *command, w io.Writer) {
	fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
	c.flags(fs)
	fmt.Fprintf(w, "Usage: gonas %s %s\n\n%s\n", c.name, c.usage, c.summary)
	if u := fs.FlagUsages(); strings.TrimSpace(u) != "" {
		fmt.Fprintf(w, "\nFlags:\n%s", u)
	}
}
