package main

import (
	"github.com/spf13/pflag"

	"gonas/internal/host"
	"gonas/internal/units"
)

// memFlag is --max-memory: a size such as 20G; unset, the machine's memory.
type memFlag int64

func (m *memFlag) String() string {
	if *m == 0 {
		return ""
	}
	return units.Bytes(int64(*m))
}

func (m *memFlag) Set(s string) error {
	v, err := host.ParseBytes(s)
	if err != nil {
		return err
	}
	*m = memFlag(v)
	return nil
}

func (m *memFlag) Type() string { return "size" }

// registerMaxMemory adds --max-memory to fs.
func registerMaxMemory(fs *pflag.FlagSet, m *memFlag) {
	fs.Var(m, "max-memory", "refuse a network whose training step is estimated (before anything is allocated) to need more than this, e.g. 20G (default: this machine's memory)")
}
