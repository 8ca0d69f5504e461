package nn

import "testing"

// TestDWChunks checks that the weight-gradient chunk count depends on the
// shapes only, within its bounds.
func TestDWChunks(t *testing.T) {
	cases := []struct {
		n, nx, ndy, nw, want int
	}{
		{32, 32 * 64 * 256, 32 * 64 * 256, 64 * 576, 8}, // the benchmark conv
		{3, 1000, 1000, 10, 3},                          // fewer images than chunks
		{2, 108, 144, 432, 1},                           // weights larger than activations
		{16, 4000, 4000, 1000, 5},                       // partial sums bounded by the activations
		{1, 10, 10, 10, 1},
		{0, 0, 0, 10, 1},
	}
	for _, tc := range cases {
		r := convRun{n: tc.n}
		if got := r.dwChunks(tc.nx, tc.ndy, tc.nw); got != tc.want {
			t.Errorf("n=%d nx=%d ndy=%d nw=%d: %d chunks, want %d", tc.n, tc.nx, tc.ndy, tc.nw, got, tc.want)
		}
	}
}
