package main

import (
	"fmt"
	"io"
	"runtime"

	"github.com/spf13/pflag"

	"gonas/internal/buildinfo"
)

var cmdVersion = &command{
	name:    "version",
	summary: "print the gonas version",
	flags: func(fs *pflag.FlagSet) func([]string, io.Writer) error {
		return func(_ []string, w io.Writer) error {
			fmt.Fprintf(w, "gonas %s (%s, %s/%s)\n", buildinfo.Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		}
	},
}
