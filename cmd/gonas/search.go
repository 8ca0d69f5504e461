package main

import (
	"errors"
	"io"

	"github.com/spf13/pflag"
)

var cmdSearch = &command{
	name:    "search",
	summary: "not yet implemented",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		return func([]string, io.Writer) error { return errors.New("search: not yet implemented") }
	},
}
