package export

import (
	"fmt"
	"math"

	"gonas/export/onnxpb"
	"gonas/internal/spec"
)

// Suffixes of the constant scale and bias initializers that stand in for
// the missing parameters of a non-affine batch norm. The importer recognises
// them to rebuild a non-affine node.
const (
	constScale = "const_scale"
	constBias  = "const_bias"
)

// lowerNode emits the ONNX nodes of one live spec node and records its value.
func (l *lowering) lowerNode(nd *spec.Node) error {
	id := nd.ID
	if nd.Kind == spec.Input {
		if len(nd.Inputs) != 0 {
			return fmt.Errorf("input node has inputs")
		}
		if nd.Out != l.net.Input {
			return fmt.Errorf("input node shape %v differs from the net's input %v", nd.Out, l.net.Input)
		}
		l.value[id] = InputName
		return l.claim(InputName)
	}
	if len(nd.Inputs) == 0 {
		return fmt.Errorf("no inputs")
	}
	x := nd.Inputs[0]
	// Identities: the node's value is its input's.
	alias := func(src int) error {
		l.value[id], l.flat[id] = l.value[src], l.flat[src]
		return nil
	}
	switch nd.Kind {
	case spec.DropPath:
		return alias(x)
	case spec.BN:
		if l.folded[id] {
			return nil // the conv feeding it wrote its value
		}
	case spec.Add, spec.Concat:
		if len(nd.Inputs) == 1 {
			return alias(x)
		}
	}
	out := l.outName(nd)
	if err := l.claim(out); err != nil {
		return err
	}
	l.value[id] = out
	switch nd.Kind {
	case spec.Conv:
		return l.conv(nd, out)
	case spec.BN:
		return l.bn(nd, out)
	case spec.ReLU:
		l.flat[id] = l.flat[x]
		l.emit("Relu", nd.Name, []string{l.value[x]}, out)
	case spec.MaxPool, spec.AvgPool:
		return l.pool(nd, out)
	case spec.GAP:
		v, err := l.in4D(x)
		if err != nil {
			return err
		}
		l.emit("GlobalAveragePool", nd.Name, []string{v}, out)
	case spec.Linear:
		return l.linear(nd, out)
	case spec.Add:
		vs, flat, err := l.inputs(nd.Inputs)
		if err != nil {
			return err
		}
		l.flat[id] = flat
		op := "Add"
		if len(vs) > 2 {
			op = "Sum"
		}
		l.emit(op, nd.Name, vs, out)
	case spec.Concat:
		vs, flat, err := l.inputs(nd.Inputs)
		if err != nil {
			return err
		}
		l.flat[id] = flat
		l.emit("Concat", nd.Name, vs, out, attrInt("axis", 1))
	case spec.Zero:
		return l.zero(nd, out)
	case spec.Pad:
		return l.pad(nd, out)
	case spec.Shuffle:
		return l.shuffle(nd, out)
	case spec.Slice:
		l.flat[id] = l.flat[x]
		starts, err := l.ints(out+".starts", nd.Start)
		if err != nil {
			return err
		}
		ends, err := l.ints(out+".ends", nd.Start+nd.Out.C)
		if err != nil {
			return err
		}
		axes, err := l.ints(out+".axes", 1)
		if err != nil {
			return err
		}
		l.emit("Slice", nd.Name, []string{l.value[x], starts, ends, axes}, out)
	default:
		return fmt.Errorf("kind %q cannot be exported", nd.Kind)
	}
	return nil
}

func (l *lowering) conv(nd *spec.Node, out string) error {
	if nd.Pad.T < 0 || nd.Pad.L < 0 || nd.Pad.B < 0 || nd.Pad.R < 0 {
		return fmt.Errorf("negative convolution padding %+v", nd.Pad)
	}
	x, err := l.in4D(nd.Inputs[0])
	if err != nil {
		return err
	}
	wp, w, err := l.param(nd, "weight")
	if err != nil {
		return err
	}
	var bias []float32
	biasName := nd.Name + ".bias"
	if nd.Bias {
		_, bias, err = l.param(nd, "bias")
		if err != nil {
			return err
		}
	}
	if bn, ok := l.foldInto[nd.ID]; ok {
		bnNode := &l.net.Nodes[bn]
		if w, bias, err = l.foldBN(nd, bnNode, w, bias); err != nil {
			return err
		}
		// The conv now produces the batch norm's output.
		delete(l.names, out)
		out = l.outName(bnNode)
		if err := l.claim(out); err != nil {
			return err
		}
		l.value[nd.ID], l.value[bn] = out, out
	}
	inputs := []string{x}
	name, err := l.initializer(floatTensor(wp.Name, wp.Shape, w))
	if err != nil {
		return err
	}
	inputs = append(inputs, name)
	if bias != nil {
		name, err := l.initializer(floatTensor(biasName, []int{len(bias)}, bias))
		if err != nil {
			return err
		}
		inputs = append(inputs, name)
	}
	l.emit("Conv", nd.Name, inputs, out,
		attrInts("kernel_shape", nd.KH, nd.KW),
		attrInts("strides", one(nd.SH), one(nd.SW)),
		attrInts("dilations", one(nd.DH), one(nd.DW)),
		attrInts("pads", nd.Pad.T, nd.Pad.L, nd.Pad.B, nd.Pad.R),
		attrInt("group", one(nd.Groups)))
	return nil
}

func one(v int) int {
	if v == 0 {
		return 1
	}
	return v
}

// bnTensors returns the scale, bias, mean and variance of a batch norm; a
// non-affine one gets scale 1 and bias 0.
func (l *lowering) bnTensors(nd *spec.Node) (scale, bias, mean, variance []float32, err error) {
	if _, mean, err = l.param(nd, "running_mean"); err != nil {
		return
	}
	if _, variance, err = l.param(nd, "running_var"); err != nil {
		return
	}
	if nd.Affine {
		if _, scale, err = l.param(nd, "weight"); err != nil {
			return
		}
		_, bias, err = l.param(nd, "bias")
		return
	}
	scale, bias = make([]float32, len(mean)), make([]float32, len(mean))
	for i := range scale {
		scale[i] = 1
	}
	return
}

func (l *lowering) bn(nd *spec.Node, out string) error {
	x := nd.Inputs[0]
	l.flat[nd.ID] = l.flat[x]
	scale, bias, mean, variance, err := l.bnTensors(nd)
	if err != nil {
		return err
	}
	if len(mean) != nd.Out.C {
		return fmt.Errorf("batch norm over %d channels has %d statistics", nd.Out.C, len(mean))
	}
	scaleName, biasName := nd.Name+".weight", nd.Name+".bias"
	if !nd.Affine {
		scaleName, biasName = nd.Name+"."+constScale, nd.Name+"."+constBias
	}
	inputs := []string{l.value[x]}
	for _, t := range []struct {
		name string
		data []float32
	}{{scaleName, scale}, {biasName, bias}, {nd.Name + ".running_mean", mean}, {nd.Name + ".running_var", variance}} {
		name, err := l.initializer(floatTensor(t.name, []int{len(t.data)}, t.data))
		if err != nil {
			return err
		}
		inputs = append(inputs, name)
	}
	attrs := []*onnxpb.AttributeProto{attrFloat("epsilon", float32(nd.Eps))}
	if nd.Momentum > 0 && nd.Momentum < 1 {
		// ONNX's momentum weighs the running value, PyTorch's the new one.
		attrs = append(attrs, attrFloat("momentum", float32(1-nd.Momentum)))
	}
	l.emit("BatchNormalization", nd.Name, inputs, out, attrs...)
	return nil
}

// foldBN folds the eval-mode batch norm bn into the weights and bias of
// conv: y = s*(conv(x)+b-mean)+beta with s = gamma/sqrt(var+eps).
func (l *lowering) foldBN(conv, bn *spec.Node, w, b []float32) ([]float32, []float32, error) {
	gamma, beta, mean, variance, err := l.bnTensors(bn)
	if err != nil {
		return nil, nil, fmt.Errorf("folding %s: %w", bn.Name, err)
	}
	cout := conv.Out.C
	if len(mean) != cout || len(w)%cout != 0 {
		return nil, nil, fmt.Errorf("folding %s: %d statistics for %d channels", bn.Name, len(mean), cout)
	}
	per := len(w) / cout
	fw, fb := make([]float32, len(w)), make([]float32, cout)
	for c := range cout {
		s := float64(gamma[c]) / math.Sqrt(float64(variance[c])+bn.Eps)
		for i := range per {
			fw[c*per+i] = float32(float64(w[c*per+i]) * s)
		}
		bc := 0.0
		if b != nil {
			bc = float64(b[c])
		}
		fb[c] = float32((bc-float64(mean[c]))*s + float64(beta[c]))
	}
	return fw, fb, nil
}

func (l *lowering) pool(nd *spec.Node, out string) error {
	x, err := l.in4D(nd.Inputs[0])
	if err != nil {
		return err
	}
	if nd.Pad.T < 0 || nd.Pad.L < 0 || nd.Pad.B < 0 || nd.Pad.R < 0 {
		return fmt.Errorf("negative pooling padding %+v", nd.Pad)
	}
	attrs := []*onnxpb.AttributeProto{
		attrInts("kernel_shape", nd.KH, nd.KW),
		attrInts("strides", one(nd.SH), one(nd.SW)),
		attrInts("pads", nd.Pad.T, nd.Pad.L, nd.Pad.B, nd.Pad.R),
	}
	op := "MaxPool"
	if nd.Kind == spec.AvgPool {
		op = "AveragePool"
		cip := 0
		if nd.CountPad {
			cip = 1
		}
		attrs = append(attrs, attrInt("count_include_pad", cip))
	}
	l.emit(op, nd.Name, []string{x}, out, attrs...)
	return nil
}

func (l *lowering) linear(nd *spec.Node, out string) error {
	xid := nd.Inputs[0]
	x := l.value[xid]
	in := int(l.net.Nodes[xid].Out.Numel())
	wp, w, err := l.param(nd, "weight")
	if err != nil {
		return err
	}
	if len(wp.Shape) != 2 || wp.Shape[0] != nd.Out.C || wp.Shape[1] != in {
		return fmt.Errorf("weight shape %v, want [%d %d]", wp.Shape, nd.Out.C, in)
	}
	_, b, err := l.param(nd, "bias")
	if err != nil {
		return err
	}
	if !l.flat[xid] {
		f := out + "/flatten"
		if err := l.claim(f); err != nil {
			return err
		}
		l.emit("Flatten", f, []string{x}, f, attrInt("axis", 1))
		x = f
	}
	wn, err := l.initializer(floatTensor(wp.Name, wp.Shape, w))
	if err != nil {
		return err
	}
	bn, err := l.initializer(floatTensor(nd.Name+".bias", []int{len(b)}, b))
	if err != nil {
		return err
	}
	l.flat[nd.ID] = true
	l.emit("Gemm", nd.Name, []string{x, wn, bn}, out, attrInt("transB", 1))
	return nil
}

// zero is x*0, after a strided slice x[:, :, ::s, ::s] when the stride is
// above 1; the batch dimension stays dynamic.
func (l *lowering) zero(nd *spec.Node, out string) error {
	xid := nd.Inputs[0]
	x := l.value[xid]
	l.flat[nd.ID] = l.flat[xid]
	if s := one(nd.Stride); s > 1 {
		l.flat[nd.ID] = false
		v, err := l.in4D(xid)
		if err != nil {
			return err
		}
		sub := out + "/subsample"
		if err := l.claim(sub); err != nil {
			return err
		}
		starts, err := l.ints(sub+".starts", 0, 0)
		if err != nil {
			return err
		}
		ends, err := l.ints(sub+".ends", math.MaxInt64, math.MaxInt64)
		if err != nil {
			return err
		}
		axes, err := l.ints(sub+".axes", 2, 3)
		if err != nil {
			return err
		}
		steps, err := l.ints(sub+".steps", s, s)
		if err != nil {
			return err
		}
		l.emit("Slice", sub, []string{v, starts, ends, axes, steps}, sub)
		x = sub
	}
	zero, err := l.initializer(floatTensor(out+".zero", nil, []float32{0}))
	if err != nil {
		return err
	}
	l.emit("Mul", nd.Name, []string{x, zero}, out)
	return nil
}

// pad zero-pads the positive sides (Pad) and crops the negative ones (Slice).
func (l *lowering) pad(nd *spec.Node, out string) error {
	x, err := l.in4D(nd.Inputs[0])
	if err != nil {
		return err
	}
	p := nd.Pad
	pos := spec.Pads{T: max(p.T, 0), L: max(p.L, 0), B: max(p.B, 0), R: max(p.R, 0)}
	crop := spec.Pads{T: max(-p.T, 0), L: max(-p.L, 0), B: max(-p.B, 0), R: max(-p.R, 0)}
	needCrop := crop != spec.Pads{}
	if pos != (spec.Pads{}) || !needCrop {
		v := out
		if needCrop {
			v = out + "/pad"
			if err := l.claim(v); err != nil {
				return err
			}
		}
		pads, err := l.ints(v+".pads", 0, 0, pos.T, pos.L, 0, 0, pos.B, pos.R)
		if err != nil {
			return err
		}
		l.emit("Pad", v, []string{x, pads}, v)
		x = v
	}
	if !needCrop {
		return nil
	}
	in := l.net.Nodes[nd.Inputs[0]].Out
	h, w := in.H+pos.T+pos.B, in.W+pos.L+pos.R
	starts, err := l.ints(out+".starts", crop.T, crop.L)
	if err != nil {
		return err
	}
	ends, err := l.ints(out+".ends", h-crop.B, w-crop.R)
	if err != nil {
		return err
	}
	axes, err := l.ints(out+".axes", 2, 3)
	if err != nil {
		return err
	}
	l.emit("Slice", nd.Name, []string{x, starts, ends, axes}, out)
	return nil
}

// shuffle is PC-DARTS's channel shuffle: view as (N, g, C/g, H, W), swap
// the two channel axes, view as (N, C, H, W). Shape 0 copies the batch.
func (l *lowering) shuffle(nd *spec.Node, out string) error {
	x, err := l.in4D(nd.Inputs[0])
	if err != nil {
		return err
	}
	s, g := nd.Out, nd.Groups
	if g <= 0 || s.C%g != 0 {
		return fmt.Errorf("%d channels not divisible into %d groups", s.C, g)
	}
	split, tr := out+"/split", out+"/transpose"
	for _, n := range []string{split, tr} {
		if err := l.claim(n); err != nil {
			return err
		}
	}
	shape5, err := l.ints(split+".shape", 0, g, s.C/g, s.H, s.W)
	if err != nil {
		return err
	}
	shape4, err := l.ints(out+".shape", 0, s.C, s.H, s.W)
	if err != nil {
		return err
	}
	l.emit("Reshape", split, []string{x, shape5}, split)
	l.emit("Transpose", tr, []string{split}, tr, attrInts("perm", 0, 2, 1, 3, 4))
	l.emit("Reshape", nd.Name, []string{tr, shape4}, out)
	return nil
}
