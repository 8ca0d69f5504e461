package export

import (
	"fmt"
	"slices"

	"gonas/internal/spec"
)

// The importer's shape operators: Pad, Slice, Reshape and Transpose, which
// map to spec nodes only in the patterns the writer emits (and their
// natural variants).

// pad records a pending zero pad; a crop Slice right after it merges into
// the same spec.Pad.
func (imp *importer) pad(name string, ins []int64, at *attrs) (*val, error) {
	at.only("mode", "pads", "value")
	if m := at.str("mode", "constant"); m != "constant" {
		return nil, fmt.Errorf("%w: Pad mode %q", ErrUnsupported, m)
	}
	var pads []int64
	if imp.present(ins, 1) {
		var err error
		if pads, err = imp.intsIn(ins, 1); err != nil {
			return nil, err
		}
		if imp.present(ins, 2) {
			c, err := imp.floatsIn(ins, 2)
			if err != nil {
				return nil, err
			}
			if c.numel() != 1 || c.f32[0] != 0 {
				return nil, fmt.Errorf("%w: Pad with a non-zero constant", ErrUnsupported)
			}
		}
		if imp.present(ins, 3) {
			return nil, fmt.Errorf("%w: Pad with axes", ErrUnsupported)
		}
	} else {
		for _, p := range at.ints("pads", nil) {
			pads = append(pads, int64(p))
		}
		if at.float("value", 0) != 0 {
			return nil, fmt.Errorf("%w: Pad with a non-zero value", ErrUnsupported)
		}
	}
	if len(pads) != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 {
		return nil, fmt.Errorf("%w: Pad %v: only spatial pads of an NCHW tensor", ErrUnsupported, pads)
	}
	for _, p := range pads {
		if p < -maxDim || p > maxDim {
			return nil, fmt.Errorf("pads %v out of range", pads)
		}
	}
	x, err := imp.nchwIn(ins, 0)
	if err != nil {
		return nil, err
	}
	p := spec.Pads{T: int(pads[2]), L: int(pads[3]), B: int(pads[6]), R: int(pads[7])}
	return &val{id: x, pad: &p, padName: name}, nil
}

// slice is a channel slice, a spatial crop (merged with a pending pad) or
// the strided view of a Zero.
func (imp *importer) slice(name string, ins []int64, at *attrs) (*val, error) {
	at.only("starts", "ends", "axes")
	var starts, ends, axes, steps []int64
	if len(ins) == 1 {
		for _, p := range []struct {
			name string
			dst  *[]int64
		}{{"starts", &starts}, {"ends", &ends}, {"axes", &axes}} {
			for _, v := range at.ints(p.name, nil) {
				*p.dst = append(*p.dst, int64(v))
			}
		}
	} else {
		var err error
		if starts, err = imp.intsIn(ins, 1); err != nil {
			return nil, err
		}
		if ends, err = imp.intsIn(ins, 2); err != nil {
			return nil, err
		}
		if imp.present(ins, 3) {
			if axes, err = imp.intsIn(ins, 3); err != nil {
				return nil, err
			}
		}
		if imp.present(ins, 4) {
			if steps, err = imp.intsIn(ins, 4); err != nil {
				return nil, err
			}
		}
	}
	n := len(starts)
	if axes == nil {
		for i := range n {
			axes = append(axes, int64(i))
		}
	}
	if steps == nil {
		steps = slices.Repeat([]int64{1}, n)
	}
	if len(ends) != n || len(axes) != n || len(steps) != n {
		return nil, fmt.Errorf("Slice with %d starts, %d ends, %d axes, %d steps", n, len(ends), len(axes), len(steps))
	}
	v, err := imp.value(ins, 0)
	if err != nil {
		return nil, err
	}
	if v.pending() {
		_, err := imp.materialize(v)
		return nil, err
	}
	s := imp.b.Shape(v.id)
	if v.pad != nil {
		s.H += v.pad.T + v.pad.B
		s.W += v.pad.L + v.pad.R
	}
	dims := []int{s.C, s.H, s.W}
	if v.flat {
		dims = []int{int(s.Numel())}
	}
	type cut struct{ start, end, step int }
	cuts := map[int]cut{}
	for i := range n {
		a := int(axes[i])
		if a < 0 {
			a += len(dims) + 1
		}
		if a < 0 || a > len(dims) {
			return nil, fmt.Errorf("Slice axis %d of a rank-%d tensor", axes[i], len(dims)+1)
		}
		if _, dup := cuts[a]; dup {
			return nil, fmt.Errorf("Slice axis %d given twice", a)
		}
		if steps[i] <= 0 || steps[i] > maxDim {
			return nil, fmt.Errorf("%w: Slice step %d", ErrUnsupported, steps[i])
		}
		if a == 0 {
			if starts[i] != 0 || ends[i] < 1<<31 || steps[i] != 1 {
				return nil, fmt.Errorf("%w: slicing the batch dimension", ErrUnsupported)
			}
			continue
		}
		st, en := clampSlice(starts[i], ends[i], dims[a-1])
		cuts[a] = cut{st, en, int(steps[i])}
	}
	ch, hasCh := cuts[1]
	h, hasH := cuts[2]
	w, hasW := cuts[3]
	if v.flat {
		hasH, hasW = false, false
	}
	switch {
	case hasCh && (hasH || hasW):
		return nil, fmt.Errorf("%w: channel and spatial slicing in one Slice", ErrUnsupported)
	case hasCh:
		if ch.step != 1 || ch.end <= ch.start {
			return nil, fmt.Errorf("%w: channel slice [%d:%d:%d]", ErrUnsupported, ch.start, ch.end, ch.step)
		}
		x, err := imp.materialize(v)
		if err != nil {
			return nil, err
		}
		return &val{id: imp.b.Slice(imp.uniq(name), x, ch.start, ch.end-ch.start), flat: v.flat}, nil
	case !hasH && !hasW:
		return v, nil
	}
	if !hasH {
		h = cut{0, s.H, 1}
	}
	if !hasW {
		w = cut{0, s.W, 1}
	}
	if h.step == 1 && w.step == 1 {
		crop := spec.Pads{T: -h.start, L: -w.start, B: h.end - s.H, R: w.end - s.W}
		if v.pad != nil {
			p := *v.pad
			p.T, p.L, p.B, p.R = p.T+crop.T, p.L+crop.L, p.B+crop.B, p.R+crop.R
			return &val{id: imp.b.Pad(imp.uniq(name), v.id, p)}, nil
		}
		return &val{id: imp.b.Pad(imp.uniq(name), v.id, crop)}, nil
	}
	if h.step != w.step || h.start != 0 || w.start != 0 || h.end != s.H || w.end != s.W {
		return nil, fmt.Errorf("%w: strided Slice other than x[:, :, ::s, ::s]", ErrUnsupported)
	}
	x, err := imp.materialize(v)
	if err != nil {
		return nil, err
	}
	return &val{id: x, sub: h.step}, nil
}

// clampSlice applies ONNX's rules for a positive step: negative indices
// count from the end, then both are clamped to [0, dim].
func clampSlice(start, end int64, dim int) (int, int) {
	d := int64(dim)
	norm := func(i int64) int {
		if i < 0 {
			i += d
		}
		return int(max(0, min(i, d)))
	}
	return norm(start), norm(end)
}

// reshape is a flatten, an unflatten, a no-op, or the first or last step
// of a channel shuffle.
func (imp *importer) reshape(name string, ins []int64, at *attrs) (*val, error) {
	at.only("allowzero")
	if at.int("allowzero", 0) != 0 {
		return nil, fmt.Errorf("%w: Reshape allowzero", ErrUnsupported)
	}
	shape, err := imp.intsIn(ins, 1)
	if err != nil {
		return nil, err
	}
	v, err := imp.value(ins, 0)
	if err != nil {
		return nil, err
	}
	var dims []int // per image
	switch {
	case v.transposed:
		s := imp.b.Shape(v.id)
		dims = []int{s.C / v.split, v.split, s.H, s.W}
	case v.split > 0:
		s := imp.b.Shape(v.id)
		dims = []int{v.split, s.C / v.split, s.H, s.W}
	default:
		if _, err := imp.materialize(v); err != nil {
			return nil, err
		}
		s := imp.b.Shape(v.id)
		dims = []int{s.C, s.H, s.W}
		if v.flat {
			dims = []int{int(s.Numel())}
		}
	}
	out, err := resolveShape(shape, dims)
	if err != nil {
		return nil, err
	}
	s := imp.b.Shape(v.id)
	same := len(out) == 3 && out[0] == s.C && out[1] == s.H && out[2] == s.W
	switch {
	case v.transposed && same:
		return &val{id: imp.b.Shuffle(imp.uniq(name), v.id, v.split)}, nil
	case v.pending():
	case len(out) == 1:
		return &val{id: v.id, flat: true}, nil
	case same:
		return &val{id: v.id}, nil
	case len(out) == 4 && !v.flat && out[0] > 0 && out[0]*out[1] == s.C && out[2] == s.H && out[3] == s.W:
		return &val{id: v.id, split: out[0]}, nil
	}
	return nil, fmt.Errorf("%w: Reshape of %v to %v (per image)", ErrUnsupported, dims, out)
}

// resolveShape applies Reshape's 0 (copy) and -1 (infer) to a target shape
// whose first entry is the batch, given the input's per-image dims; it
// returns the per-image result.
func resolveShape(shape []int64, dims []int) ([]int, error) {
	if len(shape) < 2 || len(shape) > 5 {
		return nil, fmt.Errorf("%w: Reshape to rank %d", ErrUnsupported, len(shape))
	}
	if b := shape[0]; b < -1 || b > maxDim {
		return nil, fmt.Errorf("Reshape batch dimension %d", b)
	}
	numel := 1
	for _, d := range dims {
		numel *= d
	}
	out := make([]int, len(shape)-1)
	infer := -1
	for i, d := range shape[1:] {
		switch {
		case d == 0:
			if i >= len(dims) {
				return nil, fmt.Errorf("Reshape copies dimension %d of a rank-%d tensor", i+1, len(dims)+1)
			}
			out[i] = dims[i]
		case d == -1:
			if infer >= 0 || shape[0] == -1 {
				return nil, fmt.Errorf("%w: Reshape with two inferred dimensions", ErrUnsupported)
			}
			infer = i
		case d > 0 && d <= maxDim:
			out[i] = int(d)
		default:
			return nil, fmt.Errorf("Reshape dimension %d", d)
		}
	}
	if infer >= 0 {
		rest := 1
		for i, d := range out {
			if i != infer {
				rest *= d
			}
		}
		if rest == 0 || numel%rest != 0 {
			return nil, fmt.Errorf("Reshape of %v to %v: cannot infer the -1", dims, shape)
		}
		out[infer] = numel / rest
	}
	n := 1
	for _, d := range out {
		n *= d
		if n > maxTensorElems {
			return nil, fmt.Errorf("Reshape to %v is too large", shape)
		}
	}
	if n != numel {
		return nil, fmt.Errorf("%w: Reshape of %v to %v changes the size of an image", ErrUnsupported, dims, shape)
	}
	return out, nil
}

// transpose swaps the channel axes of a channel shuffle's 5-D view.
func (imp *importer) transpose(ins []int64, at *attrs) (*val, error) {
	at.only("perm")
	v, err := imp.value(ins, 0)
	if err != nil {
		return nil, err
	}
	perm := at.ints("perm", nil)
	if v.split > 0 && !v.transposed && slices.Equal(perm, []int{0, 2, 1, 3, 4}) {
		return &val{id: v.id, split: v.split, transposed: true}, nil
	}
	return nil, fmt.Errorf("%w: Transpose %v other than a channel shuffle's", ErrUnsupported, perm)
}
