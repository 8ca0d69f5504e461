package main

import (
	"errors"
	"io"

	"github.com/spf13/pflag"
)

var cmdExport = &command{
	name:    "export",
	summary: "not yet implemented",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		return func([]string, io.Writer) error { return errors.New("export: not yet implemented") }
	},
}
