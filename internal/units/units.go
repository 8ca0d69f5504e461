// Package units writes the numbers gonas prints for people: counts with
// thousands separators or SI suffixes, byte sizes, durations.
package units

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Thousands writes n with thousands separators: 1,234,567.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return neg + s
}

// Count writes a count as 1.23G, 12.34M or 456.7K (plain below 1000).
func Count(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fG", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fK", float64(n)/1e3)
	}
	return strconv.FormatInt(n, 10)
}

// Bytes writes a size in TB, GB, MB, kB or bytes (powers of 1024); the
// saturated size math.MaxInt64 is "more than 8 EB".
func Bytes(n int64) string {
	switch {
	case n == math.MaxInt64:
		return "more than 8 EB"
	case n >= 1<<40:
		return fmt.Sprintf("%.1f TB", float64(n)/(1<<40))
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// Seconds writes a duration given in seconds: 12.3s below a minute, then
// rounded to the second (1m5s, 2h3m4s).
func Seconds(s float64) string {
	if s < 60 {
		return strconv.FormatFloat(s, 'f', 1, 64) + "s"
	}
	return time.Duration(s * float64(time.Second)).Round(time.Second).String()
}

// Floats writes float32 values, comma-separated, in their shortest form.
func Floats(v []float32) string {
	b := make([]byte, 0, 12*len(v))
	for i, x := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendFloat(b, float64(x), 'g', -1, 32)
	}
	return string(b)
}
