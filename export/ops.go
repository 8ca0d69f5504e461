package export

import (
	"fmt"
	"math"
	"slices"

	"gonas/internal/spec"
)

// apply rebuilds one ONNX operator.
func (imp *importer) apply(a appliedOp, name string) error {
	if len(a.outputs) == 0 {
		return fmt.Errorf("no outputs")
	}
	ins, ok := a.outputs[0].in()
	if !ok {
		return fmt.Errorf("inputs are not numbered 0..n-1")
	}
	at := newAttrs(a.op)
	var v *val
	var err error
	switch a.op.Name {
	case "Conv":
		v, err = imp.conv(name, ins, at)
	case "BatchNormalization":
		v, err = imp.batchNorm(name, ins, at)
	case "Relu":
		v, err = imp.unary(ins, func(x int) int { return imp.b.ReLU(imp.uniq(name), x) })
	case "MaxPool", "AveragePool":
		v, err = imp.pool(name, a.op.Name, ins, at)
	case "GlobalAveragePool":
		v, err = imp.spatial(ins, func(x int) int { return imp.b.GAP(imp.uniq(name), x) })
	case "Flatten":
		v, err = imp.flatten(ins, at)
	case "Gemm":
		v, err = imp.gemm(name, ins, at)
	case "MatMul":
		v, err = imp.matmul(name, ins)
	case "Add", "Sum":
		v, err = imp.add(name, ins)
	case "Concat":
		v, err = imp.concat(name, ins, at)
	case "Mul":
		v, err = imp.mulZero(name, ins)
	case "Pad":
		v, err = imp.pad(name, ins, at)
	case "Slice":
		v, err = imp.slice(name, ins, at)
	case "Reshape":
		v, err = imp.reshape(name, ins, at)
	case "Transpose":
		v, err = imp.transpose(ins, at)
	case "Identity", "Dropout":
		v, err = imp.identity(ins, at)
	default:
		return fmt.Errorf("%w operator %s", ErrUnsupported, a.op.Name)
	}
	if err == nil {
		err = at.err
	}
	if err == nil {
		err = imp.b.Err()
	}
	if err != nil {
		return err
	}
	imp.vals[a.outputs[0].id] = v
	return nil
}

// Operators.

func (imp *importer) conv(name string, ins []int64, at *attrs) (*val, error) {
	at.only("kernel_shape", "strides", "dilations", "pads", "group", "auto_pad")
	x, err := imp.nchwIn(ins, 0)
	if err != nil {
		return nil, err
	}
	w, err := imp.floatsIn(ins, 1)
	if err != nil {
		return nil, err
	}
	if len(w.shape) != 4 {
		return nil, fmt.Errorf("%w: weight %q has shape %v, want 4-D", ErrUnsupported, w.name, w.shape)
	}
	cout, kh, kw := w.shape[0], w.shape[2], w.shape[3]
	if ks := at.ints("kernel_shape", []int{kh, kw}); !slices.Equal(ks, []int{kh, kw}) {
		return nil, fmt.Errorf("kernel_shape %v disagrees with weight shape %v", ks, w.shape)
	}
	groups := at.int("group", 1)
	if groups <= 0 || imp.b.Shape(x).C != w.shape[1]*groups {
		return nil, fmt.Errorf("input has %d channels, weight %v with %d groups wants %d", imp.b.Shape(x).C, w.shape, groups, w.shape[1]*groups)
	}
	s, d, p, err := windowAttrs(at, 2)
	if err != nil {
		return nil, err
	}
	var bias *constant
	if imp.present(ins, 2) {
		if bias, err = imp.floatsIn(ins, 2, cout); err != nil {
			return nil, err
		}
	}
	sn := imp.specName(name, w, ".weight")
	id := imp.b.Conv(sn, x, spec.ConvOpts{Out: cout, KH: kh, KW: kw, SH: s[0], SW: s[1], DH: d[0], DW: d[1],
		Pad: p, Groups: groups, Bias: bias != nil})
	imp.w[sn+".weight"] = w.f32
	if bias != nil {
		imp.w[sn+".bias"] = bias.f32
	}
	return &val{id: id}, nil
}

// windowAttrs reads strides, dilations and pads of a 2-D window op;
// auto_pad may only be NOTSET or VALID.
func windowAttrs(at *attrs, n int) (s, d []int, p spec.Pads, err error) {
	s = at.ints("strides", []int{1, 1})
	d = at.ints("dilations", []int{1, 1})
	pads := at.ints("pads", []int{0, 0, 0, 0})
	if ap := at.str("auto_pad", "NOTSET"); ap != "NOTSET" && ap != "VALID" {
		return nil, nil, p, fmt.Errorf("%w auto_pad %s", ErrUnsupported, ap)
	}
	if len(s) != n || len(d) != n || len(pads) != 2*n {
		return nil, nil, p, fmt.Errorf("%w: strides %v, dilations %v, pads %v for a 2-D window", ErrUnsupported, s, d, pads)
	}
	for i := range n {
		if s[i] <= 0 || d[i] <= 0 {
			return nil, nil, p, fmt.Errorf("strides %v and dilations %v must be positive", s, d)
		}
	}
	for _, v := range pads {
		if v < 0 || v > maxDim {
			return nil, nil, p, fmt.Errorf("pads %v out of range", pads)
		}
	}
	return s, d, spec.Pads{T: pads[0], L: pads[1], B: pads[2], R: pads[3]}, nil
}

func (imp *importer) batchNorm(name string, ins []int64, at *attrs) (*val, error) {
	at.only("epsilon", "momentum", "training_mode", "spatial", "is_test", "consumed_inputs")
	if at.int("training_mode", 0) != 0 || at.int("spatial", 1) != 1 {
		return nil, fmt.Errorf("%w: training-mode or non-spatial batch norm", ErrUnsupported)
	}
	x, flat, err := imp.tensorIn(ins, 0)
	if err != nil {
		return nil, err
	}
	c := imp.b.Shape(x).C
	if flat {
		c = int(imp.b.Shape(x).Numel())
		if imp.b.Shape(x).C != c {
			return nil, fmt.Errorf("%w: batch norm of a flattened NCHW tensor", ErrUnsupported)
		}
	}
	var t [4]*constant
	for i := range t {
		if t[i], err = imp.floatsIn(ins, i+1, c); err != nil {
			return nil, err
		}
	}
	scale, bias, mean, variance := t[0], t[1], t[2], t[3]
	affine := !(hasSuffix(scale.name, "."+constScale) && hasSuffix(bias.name, "."+constBias) && allEqual(scale.f32, 1) && allEqual(bias.f32, 0))
	eps := at.float("epsilon", 1e-5)
	mom := math.Round((1-at.float("momentum", 0.9))*1e9) / 1e9
	sn := imp.specName(name, mean, ".running_mean")
	id := imp.b.BNWith(sn, x, affine, spec.BNOpts{Eps: eps, Momentum: mom})
	if affine {
		imp.w[sn+".weight"], imp.w[sn+".bias"] = scale.f32, bias.f32
	}
	imp.w[sn+".running_mean"], imp.w[sn+".running_var"] = mean.f32, variance.f32
	return &val{id: id, flat: flat}, nil
}

func hasSuffix(s, suffix string) bool {
	return len(s) > len(suffix) && s[len(s)-len(suffix):] == suffix
}

func allEqual(v []float32, x float32) bool {
	for _, e := range v {
		if e != x {
			return false
		}
	}
	return true
}

// unary applies an elementwise op, keeping the input's rank.
func (imp *importer) unary(ins []int64, f func(int) int) (*val, error) {
	x, flat, err := imp.tensorIn(ins, 0)
	if err != nil {
		return nil, err
	}
	return &val{id: f(x), flat: flat}, nil
}

// spatial applies an op that needs an NCHW input.
func (imp *importer) spatial(ins []int64, f func(int) int) (*val, error) {
	x, err := imp.nchwIn(ins, 0)
	if err != nil {
		return nil, err
	}
	return &val{id: f(x)}, nil
}

func (imp *importer) pool(name, op string, ins []int64, at *attrs) (*val, error) {
	at.only("kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "dilations", "count_include_pad", "storage_order")
	k := at.ints("kernel_shape", nil)
	s, d, p, err := windowAttrs(at, 2)
	if err != nil {
		return nil, err
	}
	if len(k) != 2 || k[0] != k[1] || s[0] != s[1] || d[0] != 1 || d[1] != 1 || p.T != p.L || p.T != p.B || p.T != p.R {
		return nil, fmt.Errorf("%w: pools need a square kernel, equal strides, equal pads and no dilation (kernel %v, strides %v, pads %+v)", ErrUnsupported, k, s, p)
	}
	if at.int("ceil_mode", 0) != 0 || at.int("storage_order", 0) != 0 {
		return nil, fmt.Errorf("%w: ceil_mode or storage_order", ErrUnsupported)
	}
	kind := spec.MaxPool
	if op == "AveragePool" {
		kind = spec.AvgPool
	}
	cip := at.int("count_include_pad", 0) != 0
	return imp.spatial(ins, func(x int) int { return imp.b.Pool(imp.uniq(name), kind, x, k[0], s[0], p.T, cip) })
}

// add is Add or Sum of tensors, or the bias Add after a MatMul.
func (imp *importer) add(name string, ins []int64) (*val, error) {
	if len(ins) == 2 {
		for i := range 2 {
			c, isConst := imp.consts[ins[i]]
			if !isConst {
				continue
			}
			v, err := imp.value(ins, 1-i)
			if err != nil {
				return nil, err
			}
			lin, ok := imp.noBias[v.id]
			if !ok || v.pad != nil {
				return nil, fmt.Errorf("%w: adding constant %q other than a MatMul's bias", ErrUnsupported, c.name)
			}
			out := imp.b.Shape(v.id).C
			if c.f32 == nil || c.numel() != out || len(c.shape) > 2 {
				return nil, fmt.Errorf("%w: bias %q of shape %v for %d outputs", ErrUnsupported, c.name, c.shape, out)
			}
			delete(imp.noBias, v.id)
			copy(imp.w[lin+".bias"], c.f32)
			return v, nil
		}
	}
	if len(ins) == 1 {
		return imp.identity(ins, &attrs{})
	}
	ids, flat, err := imp.sameRank(ins)
	if err != nil {
		return nil, err
	}
	return &val{id: imp.b.Add(imp.uniq(name), ids...), flat: flat}, nil
}

// sameRank returns the spec ids of tensor inputs that are all NCHW or all flat.
func (imp *importer) sameRank(ins []int64) ([]int, bool, error) {
	ids := make([]int, len(ins))
	flats := 0
	for i := range ins {
		id, flat, err := imp.tensorIn(ins, i)
		if err != nil {
			return nil, false, err
		}
		ids[i] = id
		if flat {
			flats++
		}
	}
	if flats != 0 && flats != len(ins) {
		return nil, false, fmt.Errorf("%w: mixing [batch, features] and NCHW inputs", ErrUnsupported)
	}
	return ids, flats > 0, nil
}

func (imp *importer) concat(name string, ins []int64, at *attrs) (*val, error) {
	at.only("axis")
	ids, flat, err := imp.sameRank(ins)
	if err != nil {
		return nil, err
	}
	rank := 4
	if flat {
		rank = 2
	}
	if ax := at.int("axis", 1); ax != 1 && ax != 1-rank {
		return nil, fmt.Errorf("%w: Concat along axis %d", ErrUnsupported, ax)
	}
	if len(ids) == 1 {
		return &val{id: ids[0], flat: flat}, nil
	}
	return &val{id: imp.b.Concat(imp.uniq(name), ids...), flat: flat}, nil
}

// mulZero is x*0 (after a strided Slice for a strided Zero).
func (imp *importer) mulZero(name string, ins []int64) (*val, error) {
	if len(ins) != 2 {
		return nil, fmt.Errorf("Mul needs 2 inputs")
	}
	for i := range 2 {
		c, ok := imp.consts[ins[i]]
		if !ok {
			continue
		}
		if c.numel() != 1 || c.f32 == nil || c.f32[0] != 0 {
			return nil, fmt.Errorf("%w: Mul by constant %q other than a scalar 0", ErrUnsupported, c.name)
		}
		v, err := imp.value(ins, 1-i)
		if err != nil {
			return nil, err
		}
		if v.sub > 0 {
			return &val{id: imp.b.Zero(imp.uniq(name), v.id, v.sub)}, nil
		}
		x, err := imp.materialize(v)
		if err != nil {
			return nil, err
		}
		return &val{id: imp.b.Zero(imp.uniq(name), x, 1), flat: v.flat}, nil
	}
	return nil, fmt.Errorf("%w: Mul of two tensors", ErrUnsupported)
}

func (imp *importer) identity(ins []int64, at *attrs) (*val, error) {
	at.only("seed", "ratio", "is_test")
	if len(ins) > 2 {
		return nil, fmt.Errorf("%w: Dropout with a training_mode input", ErrUnsupported)
	}
	// The same val: a pending pattern stays shared, not duplicated.
	return imp.value(ins, 0)
}
