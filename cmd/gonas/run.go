package main

import (
	"errors"
	"io"

	"github.com/spf13/pflag"
)

var cmdRun = &command{
	name:    "run",
	summary: "not yet implemented",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		return func([]string, io.Writer) error { return errors.New("run: not yet implemented") }
	},
}
