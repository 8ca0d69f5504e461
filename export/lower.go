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

// lowerFunc emits the ONNX nodes of one node of its kind, whose value is
// named out.
type lowerFunc func(l *lowering, nd *spec.Node, out string) error

// lowerers is the exporter's entry for every kind of the IR that ONNX
// files hold: all but the input, the eval identities and the search-only
// kinds, which lowerNode handles by their rows of the kind table
// (TestEveryKindExports checks that none is missing).
var lowerers = map[spec.Kind]lowerFunc{
	spec.Conv: (*lowering).conv,
	spec.BN:   (*lowering).bn,
	spec.ReLU: func(l *lowering, nd *spec.Node, out string) error {
		x := nd.Inputs[0]
		l.flat[nd.ID] = l.flat[x]
		l.emit("Relu", nd.Name, []string{l.value[x]}, out)
		return nil
	},
	spec.MaxPool: (*lowering).pool,
	spec.AvgPool: (*lowering).pool,
	spec.GAP: func(l *lowering, nd *spec.Node, out string) error {
		v, err := l.in4D(nd.Inputs[0])
		if err != nil {
			return err
		}
		l.emit("GlobalAveragePool", nd.Name, []string{v}, out)
		return nil
	},
	spec.Linear:  (*lowering).linear,
	spec.Add:     (*lowering).add,
	spec.Concat:  (*lowering).concat,
	spec.Zero:    (*lowering).zero,
	spec.Noise:   (*lowering).zero, // its evaluation-mode value: the mean, zeros
	spec.Pad:     (*lowering).pad,
	spec.Shuffle: (*lowering).shuffle,
	spec.Slice:   (*lowering).slice,
}

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
	row, err := spec.Info(nd.Kind)
	if err != nil {
		return fmt.Errorf("kind %q cannot be exported: %w", nd.Kind, err)
	}
	if row.SearchOnly {
		return fmt.Errorf("kind %q exists only in search supernets and cannot be exported (derive a genotype first)", nd.Kind)
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
	switch {
	case row.EvalIdentity:
		return alias(x)
	case nd.Kind == spec.BN && l.folded[id]:
		return nil // the conv feeding it wrote its value
	case (nd.Kind == spec.Add || nd.Kind == spec.Concat) && len(nd.Inputs) == 1:
		return alias(x)
	}
	lower, ok := lowerers[nd.Kind]
	if !ok {
		return fmt.Errorf("kind %q cannot be exported", nd.Kind)
	}
	out := l.outName(nd)
	if err := l.claim(out); err != nil {
		return err
	}
	l.value[id] = out
	return lower(l, nd, out)
}

// add is Add for two inputs, Sum for more.
func (l *lowering) add(nd *spec.Node, out string) error {
	vs, flat, err := l.inputs(nd.Inputs)
	if err != nil {
		return err
	}
	l.flat[nd.ID] = flat
	op := "Add"
	if len(vs) > 2 {
		op = "Sum"
	}
	l.emit(op, nd.Name, vs, out)
	return nil
}

func (l *lowering) concat(nd *spec.Node, out string) error {
	vs, flat, err := l.inputs(nd.Inputs)
	if err != nil {
		return err
	}
	l.flat[nd.ID] = flat
	l.emit("Concat", nd.Name, vs, out, attrInt("axis", 1))
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
