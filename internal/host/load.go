// Package host reads what the machine says about itself that gonas reports
// beside its timings.
package host

import (
	"os"
	"strconv"
	"strings"
)

// LoadAverage is the one-minute load average of /proc/loadavg, 0 where the
// file is missing or unreadable: timings taken at a load above the core
// count are slower than the machine's own.
func LoadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 0
	}
	return v
}
