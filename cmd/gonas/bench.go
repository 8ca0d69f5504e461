package main

import (
	"errors"
	"io"

	"github.com/spf13/pflag"
)

var cmdBench = &command{
	name:    "bench",
	summary: "not yet implemented",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		return func([]string, io.Writer) error { return errors.New("bench: not yet implemented") }
	},
}
