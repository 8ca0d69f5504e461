package main

import (
	"errors"
	"io"

	"github.com/spf13/pflag"
)

var cmdEval = &command{
	name:    "eval",
	summary: "not yet implemented",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		return func([]string, io.Writer) error { return errors.New("eval: not yet implemented") }
	},
}
