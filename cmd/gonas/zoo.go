package main

import (
	"errors"
	"io"

	"github.com/spf13/pflag"
)

var cmdZoo = &command{
	name:    "zoo",
	summary: "not yet implemented",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		return func([]string, io.Writer) error { return errors.New("zoo: not yet implemented") }
	},
}
