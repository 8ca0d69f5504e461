package host

import (
	"os"
	"testing"
)

func TestLoadAverage(t *testing.T) {
	if _, err := os.Stat("/proc/loadavg"); err != nil {
		if LoadAverage() != 0 {
			t.Fatal("no /proc/loadavg, but a load average")
		}
		return
	}
	if v := LoadAverage(); v < 0 || v > 1e4 {
		t.Fatalf("load average %v", v)
	}
}

func TestMemory(t *testing.T) {
	if _, err := os.Stat("/proc/meminfo"); err == nil {
		if m := Memory(); m < 1<<26 {
			t.Fatalf("Memory() = %d on a machine with /proc/meminfo", m)
		}
	}
}

func TestParseBytes(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{{"1024", 1024}, {"512M", 512 << 20}, {"20G", 20 << 30}, {"1.5g", 3 << 29}, {"2TiB", 2 << 40}, {"64KB", 64 << 10}} {
		if got, err := ParseBytes(c.in); err != nil || got != c.want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "0", "-3G", "lots", "1e30G", "G"} {
		if _, err := ParseBytes(bad); err == nil {
			t.Errorf("ParseBytes(%q) accepted", bad)
		}
	}
}
