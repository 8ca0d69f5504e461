package nn

import (
	"math"
	"slices"
	"testing"
)

// replayGumbel draws n Gumbel values exactly as the documented procedure
// does from a fresh context seeded like checkOp's: -log(Exp(1)) in order,
// rounded to float32.
func replayGumbel(n int) []float64 {
	r := NewCtx(ckSeed, 1).Rand()
	g := make([]float64, n)
	for i := range g {
		g[i] = float64(float32(-math.Log(r.ExpFloat64())))
	}
	return g
}

// perturbedRef is softmax((log_softmax(a) + g)/tau) and the perturbed logits.
func perturbedRef(a []float64, k int, g []float64, tau float64) ([]float64, []float64) {
	ls := refSoftmaxRows(a, k, true)
	z := make([]float64, len(a))
	for i := range z {
		z[i] = (ls[i] + g[i]) / tau
	}
	return refSoftmaxRows(z, k, false), z
}

func TestOpsGrad(t *testing.T) {
	d := dims4{2, 3, 7, 5}
	x4 := []int{2, 3, 7, 5}
	const tau = 0.7
	cases := []opCase{
		{
			name: "relu", ins: []in{{shape: x4, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return ReLU(c, x[0]) },
			ref: func(x [][]float64) []float64 { return refMap(x[0], func(v float64) float64 { return math.Max(v, 0) }) },
		},
		{
			name: "add3", ins: []in{{shape: x4, grad: true}, {shape: x4}, {shape: x4, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Add(c, x...) },
			ref: func(x [][]float64) []float64 {
				y := make([]float64, len(x[0]))
				for i := range y {
					y[i] = x[0][i] + x[1][i] + x[2][i]
				}
				return y
			},
		},
		{
			// A Linear output [N, C] plus a 1x1 map [N, C, 1, 1] (spec
			// shapes agree: both are C x 1 x 1 per image).
			name: "add-linear-and-1x1", ins: []in{{shape: []int{2, 6}, grad: true}, {shape: []int{2, 6, 1, 1}, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Add(c, x...) },
			ref: func(x [][]float64) []float64 {
				y := make([]float64, len(x[0]))
				for i := range y {
					y[i] = x[0][i] + x[1][i]
				}
				return y
			},
		},
		{
			name: "scale", ins: []in{{shape: x4, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Scale(c, x[0], -1.5) },
			ref: func(x [][]float64) []float64 { return refMap(x[0], func(v float64) float64 { return -1.5 * v }) },
		},
		{
			name: "addconst", ins: []in{{shape: x4, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return AddConst(c, x[0], 0.25) },
			ref: func(x [][]float64) []float64 { return refMap(x[0], func(v float64) float64 { return v + 0.25 }) },
		},
		{
			name: "mul-scalar-tensor", ins: []in{{shape: x4, grad: true}, {shape: []int{1}, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Mul(c, x[0], x[1]) },
			ref: func(x [][]float64) []float64 { return refMap(x[0], func(v float64) float64 { return x[1][0] * v }) },
		},
		{
			name: "weighted-sum", ins: []in{{shape: x4, grad: true}, {shape: x4}, {shape: x4, grad: true}, {shape: []int{3}, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return WeightedSum(c, x[:3], x[3]) },
			ref: func(x [][]float64) []float64 {
				y := make([]float64, len(x[0]))
				for i := range y {
					y[i] = x[3][0]*x[0][i] + x[3][1]*x[1][i] + x[3][2]*x[2][i]
				}
				return y
			},
		},
		{
			name: "concat-channels", ins: []in{{shape: []int{2, 1, 3, 2}, grad: true}, {shape: []int{2, 3, 3, 2}}, {shape: []int{2, 2, 3, 2}, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Concat(c, x...) },
			ref: func(x [][]float64) []float64 {
				var y []float64
				for n := 0; n < 2; n++ {
					y = append(y, x[0][n*6:(n+1)*6]...)
					y = append(y, x[1][n*18:(n+1)*18]...)
					y = append(y, x[2][n*12:(n+1)*12]...)
				}
				return y
			},
		},
		{
			name: "concat-vectors", ins: []in{{shape: []int{2}, grad: true}, {shape: []int{3}, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return ConcatAxis(c, 0, x...) },
			ref: func(x [][]float64) []float64 { return append(append([]float64(nil), x[0]...), x[1]...) },
		},
		{
			name: "slice-channels", ins: []in{{shape: x4, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return SliceChannels(c, x[0], 1, 2) },
			ref: func(x [][]float64) []float64 {
				var y []float64
				for n := 0; n < 2; n++ {
					y = append(y, x[0][(n*3+1)*35:(n*3+3)*35]...)
				}
				return y
			},
		},
		{
			name: "narrow-rows", ins: []in{{shape: []int{5, 4}, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Narrow(c, x[0], 0, 2, 3) },
			ref: func(x [][]float64) []float64 { return append([]float64(nil), x[0][8:20]...) },
		},
		{
			name: "gather-repeats", ins: []in{{shape: []int{2, 4}, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Gather(c, x[0], 5, 0, 5, 7) },
			ref: func(x [][]float64) []float64 { return []float64{x[0][5], x[0][0], x[0][5], x[0][7]} },
		},
		{
			name: "pad", ins: []in{{shape: x4, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Pad2d(c, x[0], Pads{1, 0, 2, 1}) },
			ref: func(x [][]float64) []float64 { return refPad(x[0], d, Pads{1, 0, 2, 1}) },
		},
		{
			name: "crop-factorized-reduce", ins: []in{{shape: x4, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Pad2d(c, x[0], Pads{-1, -1, 0, 0}) },
			ref: func(x [][]float64) []float64 { return refPad(x[0], d, Pads{-1, -1, 0, 0}) },
		},
		{
			name: "pad-and-crop", ins: []in{{shape: x4, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Pad2d(c, x[0], Pads{-2, 1, 1, -2}) },
			ref: func(x [][]float64) []float64 { return refPad(x[0], d, Pads{-2, 1, 1, -2}) },
		},
		{
			name: "shuffle2", ins: []in{{shape: []int{2, 6, 2, 3}, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return ChannelShuffle(c, x[0], 2) },
			ref: func(x [][]float64) []float64 { return refShuffle(x[0], dims4{2, 6, 2, 3}, 2) },
		},
		{
			name: "shuffle3", ins: []in{{shape: []int{2, 6, 2, 3}, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return ChannelShuffle(c, x[0], 3) },
			ref: func(x [][]float64) []float64 { return refShuffle(x[0], dims4{2, 6, 2, 3}, 3) },
		},
		{
			name: "zero-stride2", ins: []in{{shape: x4, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor {
				y := Zero(c, x[0], 2)
				if !slices.Equal(y.Shape, []int{2, 3, 4, 3}) || y.RequiresGrad() {
					c.fail("zero: shape %v requires grad %v", y.Shape, y.RequiresGrad())
				}
				return Add(c, y, Pad2d(c, x[0], Pads{0, 0, -3, -2}))
			},
			ref: func(x [][]float64) []float64 { return refPad(x[0], d, Pads{0, 0, -3, -2}) },
		},
		{
			name: "gap", ins: []in{{shape: x4, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return GlobalAvgPool(c, x[0]) },
			ref: func(x [][]float64) []float64 {
				y := make([]float64, 6)
				for p := range y {
					for _, v := range x[0][p*35 : (p+1)*35] {
						y[p] += v / 35
					}
				}
				return y
			},
		},
		{
			name: "linear", ins: []in{{shape: []int{3, 2, 2, 2}, grad: true}, {shape: []int{5, 8}, grad: true}, {shape: []int{5}, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Linear(c, x[0], x[1], x[2]) },
			ref: func(x [][]float64) []float64 { return refLinear(x[0], x[1], x[2], 3, 8, 5) },
		},
		{
			name: "linear-no-bias", ins: []in{{shape: []int{4, 7}, grad: true}, {shape: []int{3, 7}, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Linear(c, x[0], x[1], nil) },
			ref: func(x [][]float64) []float64 { return refLinear(x[0], x[1], nil, 4, 7, 3) },
		},
		{
			name: "softmax-rows", ins: []in{{shape: []int{3, 5}, grad: true, init: uniform(-3, 3)}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Softmax(c, x[0]) },
			ref: func(x [][]float64) []float64 { return refSoftmaxRows(x[0], 5, false) },
		},
		{
			name: "softmax-vector", ins: []in{{shape: []int{8}, grad: true, init: uniform(-3, 3)}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Softmax(c, x[0]) },
			ref: func(x [][]float64) []float64 { return refSoftmaxRows(x[0], 8, false) },
		},
		{
			name: "log-softmax", ins: []in{{shape: []int{3, 5}, grad: true, init: uniform(-3, 3)}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return LogSoftmax(c, x[0]) },
			ref: func(x [][]float64) []float64 { return refSoftmaxRows(x[0], 5, true) },
		},
		{
			name: "cross-entropy", ins: []in{{shape: []int{4, 6}, grad: true, init: uniform(-3, 3)}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return SoftmaxCrossEntropy(c, x[0], []int{2, 0, 5, 2}, 0) },
			ref: func(x [][]float64) []float64 { return refCrossEntropy(x[0], 6, []int{2, 0, 5, 2}, 0) },
		},
		{
			name: "cross-entropy-smoothing", ins: []in{{shape: []int{4, 6, 1, 1}, grad: true, init: uniform(-3, 3)}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return SoftmaxCrossEntropy(c, x[0], []int{1, 3, 3, 0}, 0.1) },
			ref: func(x [][]float64) []float64 { return refCrossEntropy(x[0], 6, []int{1, 3, 3, 0}, 0.1) },
		},
		{
			name: "sum", ins: []in{{shape: x4, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Sum(c, x[0]) },
			ref: func(x [][]float64) []float64 {
				var s float64
				for _, v := range x[0] {
					s += v
				}
				return []float64{s}
			},
		},
		{
			name: "mean", ins: []in{{shape: x4, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return Mean(c, x[0]) },
			ref: func(x [][]float64) []float64 {
				var s float64
				for _, v := range x[0] {
					s += v
				}
				return []float64{s / 210}
			},
		},
		{
			name: "droppath", ins: []in{{shape: []int{6, 2, 3, 3}, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor { return DropPath(c, x[0], 0.3) },
			ref: func(x [][]float64) []float64 {
				r := NewCtx(ckSeed, 1).Rand()
				y := make([]float64, len(x[0]))
				for n := 0; n < 6; n++ {
					if r.Float64() < 0.7 {
						for i := n * 18; i < (n+1)*18; i++ {
							y[i] = x[0][i] / 0.7
						}
					}
				}
				return y
			},
		},
		{
			name: "droppath-eval", ins: []in{{shape: []int{6, 2, 3, 3}, grad: true}}, eval: true,
			run: func(c *Ctx, x []*Tensor) *Tensor { return Scale(c, DropPath(c, x[0], 0.3), 1) },
			ref: func(x [][]float64) []float64 { return x[0] },
		},
		{
			name: "straight-through", ins: []in{{shape: []int{2, 3}, grad: true, init: uniform(0, 1)}},
			run:  func(c *Ctx, x []*Tensor) *Tensor { return StraightThrough(c, x[0], []float32{0, 1, 0, 1, 0, 0}) },
			ref:  func(x [][]float64) []float64 { return []float64{0, 1, 0, 1, 0, 0} },
			soft: func(x [][]float64) []float64 { return x[0] },
		},
		{
			name: "gumbel-softmax-st", ins: []in{{shape: []int{3, 5}, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor {
				y, idx := GumbelSoftmaxST(c, x[0], tau)
				if len(idx) != 3 {
					c.fail("gumbel: %d indices for 3 rows", len(idx))
				}
				for r, j := range idx {
					if y.Data[r*5+j] < 0.999 {
						c.fail("gumbel: index %d of row %d is not hot", j, r)
					}
				}
				return y
			},
			ref: func(x [][]float64) []float64 {
				_, z := perturbedRef(x[0], 5, replayGumbel(15), tau)
				y := make([]float64, 15)
				for r := 0; r < 3; r++ {
					y[r*5+refTopK(z[r*5:(r+1)*5], 1)[0]] = 1
				}
				return y
			},
			soft: func(x [][]float64) []float64 {
				p, _ := perturbedRef(x[0], 5, replayGumbel(15), tau)
				return p
			},
		},
		{
			name: "gumbel-top2", ins: []in{{shape: []int{2, 5}, grad: true}},
			run: func(c *Ctx, x []*Tensor) *Tensor {
				y, idx := GumbelTopK(c, x[0], 2, tau)
				if len(idx) != 2 || len(idx[0]) != 2 || idx[0][0] == idx[0][1] {
					c.fail("top-k: indices %v", idx)
				}
				return y
			},
			ref: func(x [][]float64) []float64 {
				_, z := perturbedRef(x[0], 5, replayGumbel(10), tau)
				y := make([]float64, 10)
				for r := 0; r < 2; r++ {
					for _, j := range refTopK(z[r*5:(r+1)*5], 2) {
						y[r*5+j] = 1
					}
				}
				return y
			},
			soft: func(x [][]float64) []float64 {
				p, _ := perturbedRef(x[0], 5, replayGumbel(10), tau)
				return p
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkOp(t, tc) })
	}
}
