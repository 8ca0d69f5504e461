package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

// ProfileEnv names a file that receives a CPU profile of the whole command
// (go tool pprof reads it): GONAS_CPUPROFILE=cpu.out gonas train ...
const ProfileEnv = "GONAS_CPUPROFILE"

// startProfile starts the CPU profile $GONAS_CPUPROFILE asks for and
// returns what stops it; a profile that cannot start is reported, not fatal.
func startProfile(stderr io.Writer) (stop func()) {
	path := os.Getenv(ProfileEnv)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(stderr, "gonas: $%s: no profile: %v\n", ProfileEnv, err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
