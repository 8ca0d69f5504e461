package units

import (
	"math"
	"testing"
)

func TestFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Thousands(0), "0"},
		{Thousands(999), "999"},
		{Thousands(1000), "1,000"},
		{Thousands(3349342), "3,349,342"},
		{Thousands(-1234567), "-1,234,567"},
		{Count(999), "999"},
		{Count(696800), "696.8K"},
		{Count(21650000), "21.65M"},
		{Count(1500000000), "1.50G"},
		{Bytes(512), "512 bytes"},
		{Bytes(41472), "40.5 kB"},
		{Bytes(3 << 20), "3.0 MB"},
		{Bytes(23 << 30), "23.0 GB"},
		{Bytes(5 << 40), "5.0 TB"},
		{Bytes(math.MaxInt64), "more than 8 EB"},
		{Seconds(5.44), "5.4s"},
		{Seconds(125.6), "2m6s"},
		{Seconds(3723), "1h2m3s"},
		{Floats([]float32{0.1307}), "0.1307"},
		{Floats([]float32{0.49139968, 0.5, 1}), "0.49139968,0.5,1"},
		{Floats(nil), ""},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
