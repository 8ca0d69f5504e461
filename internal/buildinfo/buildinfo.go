// Package buildinfo tells which gonas build made a file: the version written
// into every artifact's provenance.
package buildinfo

import "runtime/debug"

// version is set by -ldflags "-X gonas/buildinfo.version=..." for releases.
var version = ""

// Version is the gonas version: the linker-set value, else the VCS revision
// recorded by the Go tool, else "devel".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			if dirty {
				rev += "-dirty"
			}
			return "devel-" + rev
		}
	}
	return "devel"
}
