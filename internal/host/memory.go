package host

import (
	"os"
	"strconv"
	"strings"
)

// Memory is the memory this process may use, in bytes: the machine's
// (MemTotal of /proc/meminfo), or the cgroup's limit where that is lower;
// 0 when neither can be read.
func Memory() int64 {
	total := meminfoTotal()
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && v > 0 && (total == 0 || v < total) {
			total = v
		}
	}
	return total
}

func meminfoTotal() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// ParseBytes reads a size such as 512M, 20G, 1.5T or a plain number of
// bytes (K, M, G, T are powers of 1024; a trailing B or iB is allowed).
func ParseBytes(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "IB"), "B")
	mult := 1.0
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			mult = float64(int64(1) << (10 * (i + 1)))
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || !(v > 0) || v*mult > 9e18 {
		return 0, &sizeError{s}
	}
	return int64(v * mult), nil
}

type sizeError struct{ s string }

func (e *sizeError) Error() string {
	return "size " + strconv.Quote(e.s) + ": want a positive number of bytes, optionally with K, M, G or T (e.g. 20G)"
}
