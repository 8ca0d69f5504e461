package export

import (
	"fmt"
	"math"

	"gonas/internal/spec"
)

// The lowerings of the kinds that only move, pick or zero values.

// slice takes channels [Start, Start+C) of the input.
func (l *lowering) slice(nd *spec.Node, out string) error {
	x := nd.Inputs[0]
	l.flat[nd.ID] = l.flat[x]
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
