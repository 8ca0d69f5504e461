package export

import (
	"fmt"
)

// The importer's fully connected layers: Flatten, then Gemm or MatMul (+ Add).

func (imp *importer) flatten(ins []int64, at *attrs) (*val, error) {
	at.only("axis")
	if ax := at.int("axis", 1); ax != 1 {
		return nil, fmt.Errorf("%w: Flatten axis %d", ErrUnsupported, ax)
	}
	x, _, err := imp.tensorIn(ins, 0)
	if err != nil {
		return nil, err
	}
	return &val{id: x, flat: true}, nil
}

// linear adds a Linear on x with weight [out, in] and bias.
func (imp *importer) linear(name string, ins []int64, w *constant, transposed bool, bias []float32) (*val, error) {
	x, flat, err := imp.tensorIn(ins, 0)
	if err != nil {
		return nil, err
	}
	if !flat && imp.b.Shape(x).H*imp.b.Shape(x).W != 1 {
		return nil, fmt.Errorf("%w: matrix product of an NCHW tensor (Flatten it first)", ErrUnsupported)
	}
	if len(w.shape) != 2 {
		return nil, fmt.Errorf("weight %q has shape %v, want 2-D", w.name, w.shape)
	}
	out, in := w.shape[0], w.shape[1]
	data := w.f32
	if transposed {
		out, in = in, out
		data = make([]float32, len(w.f32))
		for i := range in {
			for o := range out {
				data[o*in+i] = w.f32[i*out+o]
			}
		}
	}
	if int64(in) != imp.b.Shape(x).Numel() {
		return nil, fmt.Errorf("weight %q has %d inputs, the tensor %d features", w.name, in, imp.b.Shape(x).Numel())
	}
	if bias == nil {
		bias = make([]float32, out)
	}
	if len(bias) != out {
		return nil, fmt.Errorf("bias of %d values for %d outputs", len(bias), out)
	}
	sn := imp.specName(name, w, ".weight")
	imp.lastName = sn
	id := imp.b.Linear(sn, x, out)
	imp.w[sn+".weight"], imp.w[sn+".bias"] = data, bias
	return &val{id: id, flat: true}, nil
}

func (imp *importer) gemm(name string, ins []int64, at *attrs) (*val, error) {
	at.only("alpha", "beta", "transA", "transB")
	if at.float("alpha", 1) != 1 || at.float("beta", 1) != 1 || at.int("transA", 0) != 0 {
		return nil, fmt.Errorf("%w: Gemm with alpha, beta or transA", ErrUnsupported)
	}
	w, err := imp.floatsIn(ins, 1)
	if err != nil {
		return nil, err
	}
	var bias []float32
	if imp.present(ins, 2) {
		c, err := imp.floatsIn(ins, 2)
		if err != nil {
			return nil, err
		}
		if len(c.shape) > 2 || (len(c.shape) == 2 && c.shape[0] != 1) {
			return nil, fmt.Errorf("%w: Gemm bias of shape %v", ErrUnsupported, c.shape)
		}
		bias = c.f32
	}
	return imp.linear(name, ins, w, at.int("transB", 0) == 0, bias)
}

func (imp *importer) matmul(name string, ins []int64) (*val, error) {
	w, err := imp.floatsIn(ins, 1)
	if err != nil {
		return nil, err
	}
	v, err := imp.linear(name, ins, w, true, nil)
	if err == nil {
		imp.noBias[v.id] = imp.lastName
	}
	return v, err
}
