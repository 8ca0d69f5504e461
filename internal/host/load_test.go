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
