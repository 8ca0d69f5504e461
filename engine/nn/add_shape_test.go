package nn

import (
	"slices"
	"testing"
)

// TestAddShapes checks the shape rule of Add (and WeightedSum): equal up to
// trailing 1s, the result as long as the longest operand.
func TestAddShapes(t *testing.T) {
	cases := []struct {
		name   string
		shapes [][]int
		want   []int // nil: an error
	}{
		{"equal", [][]int{{2, 3, 4, 5}, {2, 3, 4, 5}}, []int{2, 3, 4, 5}},
		{"linear+map", [][]int{{2, 6}, {2, 6, 1, 1}}, []int{2, 6, 1, 1}},
		{"map+linear", [][]int{{2, 6, 1, 1}, {2, 6}}, []int{2, 6, 1, 1}},
		{"three", [][]int{{2, 6}, {2, 6, 1}, {2, 6, 1, 1}}, []int{2, 6, 1, 1}},
		{"same numel, other layout", [][]int{{2, 6}, {2, 1, 6}}, nil},
		{"batch differs", [][]int{{2, 6}, {3, 6, 1, 1}}, nil},
		{"spatial map", [][]int{{2, 6}, {2, 6, 2, 1}}, nil},
		{"one channel", [][]int{{2, 1}, {2, 1, 1, 1}}, []int{2, 1, 1, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, op := range []string{"add", "weightedsum"} {
				c := NewCtx(1, 1)
				var xs []*Tensor
				var want []float32
				for i, s := range tc.shapes {
					x := NewTensor(s...)
					for j := range x.Data {
						x.Data[j] = float32((i + 1) * (j + 1))
					}
					xs = append(xs, x)
					if i == 0 {
						want = make([]float32, len(x.Data))
					}
					for j, v := range x.Data {
						if j < len(want) {
							want[j] += 2 * v
						}
					}
				}
				var y *Tensor
				if op == "add" {
					y = Scale(c, Add(c, xs...), 2)
				} else {
					w := NewTensor(len(xs))
					for i := range w.Data {
						w.Data[i] = 2
					}
					y = WeightedSum(c, xs, w)
				}
				if tc.want == nil {
					if c.Err() == nil {
						t.Fatalf("%s: shapes %v accepted as %v", op, tc.shapes, y.Shape)
					}
					continue
				}
				if c.Err() != nil {
					t.Fatalf("%s: %v", op, c.Err())
				}
				if !slices.Equal(y.Shape, tc.want) || !slices.Equal(y.Data, want) {
					t.Fatalf("%s: got %v %v, want %v %v", op, y.Shape, y.Data, tc.want, want)
				}
			}
		})
	}
}
