package spec

import (
	"math"
	"testing"
)

func TestSaturating(t *testing.T) {
	const max = math.MaxInt64
	for _, c := range []struct{ got, want int64 }{
		{MulSat(), 1},
		{MulSat(3, 4, 5), 60},
		{MulSat(0, max, max), 0},
		{MulSat(1<<32, 1<<31), max}, // 2^63 overflows
		{MulSat(1<<31, 1<<31), 1 << 62},
		{MulSat(-1, 2), max},
		{AddSat(max-1, 1), max},
		{AddSat(max, 1), max},
		{AddSat(2, 3), 5},
		{Shape{C: 1 << 30, H: 1 << 30, W: 1 << 30}.Numel(), max},
		{Param{Shape: []int{1 << 40, 1 << 40}}.Numel(), max},
	} {
		if c.got != c.want {
			t.Errorf("got %d, want %d", c.got, c.want)
		}
	}
}
