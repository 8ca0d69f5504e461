package main

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/spf13/pflag"
)

// zeroMeans finds where a flag's help says what 0 means: "(0: ...)" or
// "...; 0: ...".
var zeroMeans = regexp.MustCompile(`[(;] ?0: `)

// checkCounts applies one rule to every command's integer flags: a value
// given on the command line must be positive, except 0 where the flag's
// help says what 0 means ("(0: ...)"). Defaults are not checked: a default
// of 0 stands for what the help names (all cores, the preset's value).
func checkCounts(fs *pflag.FlagSet) error {
	var err error
	fs.Visit(func(f *pflag.Flag) {
		if err != nil || (f.Value.Type() != "int" && f.Value.Type() != "int64") {
			return
		}
		v, perr := strconv.ParseInt(f.Value.String(), 10, 64)
		switch {
		case perr != nil:
			return
		case v < 0:
			err = fmt.Errorf("--%s must not be negative, got %d", f.Name, v)
		case v == 0 && !zeroMeans.MatchString(f.Usage):
			err = fmt.Errorf("--%s must be positive, got 0", f.Name)
		}
	})
	return err
}
