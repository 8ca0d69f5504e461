package derive

import (
	"fmt"

	"gonas/internal/spec"
)

// auxHead adds the auxiliary classifier on node x (the output of cell
// after) and returns its logits node. Its nodes are marked Aux and named
// auxiliary_head.*, so counters (docs/papers.md §7) and export leave them out.
//
//	CIFAR    (AuxiliaryHeadCIFAR):    ReLU, AvgPool(5, s3, count_include_pad=False), Conv1x1->128, BN, ReLU,
//	                                  Conv2x2->768, BN, ReLU, Linear(768)
//	ImageNet (AuxiliaryHeadImageNet): the same with AvgPool stride 2 and, in DARTS and GDAS, no BN
//	                                  after the 2x2 conv (sharpDARTS keeps it)
//
// The reference heads assume an 8x8 (CIFAR) or 7x7 (ImageNet) input: the
// 2x2 conv must end at 1x1 for Linear(768). Other sizes are refused here
// with the sizes rather than given a different linear layer.
func (m *macro) auxHead(x, after int) (int, error) {
	b := m.b
	in := b.Shape(x)
	stride, want, bn := 3, "8x8 to 10x10", true
	if m.cfg.Network == NetworkImageNet {
		stride, want, bn = 2, "7x7 or 8x8", m.set.ImageNetAuxBN
	}
	pooled := func(n int) int {
		if n < 5 {
			return 0
		}
		return (n-5)/stride + 1
	}
	if pooled(in.H) != 2 || pooled(in.W) != 2 {
		return 0, fmt.Errorf("the auxiliary head after cell %d needs a %s feature map (AvgPool 5 stride %d to 2x2, conv 2x2 to 1x1, Linear 768), "+
			"but input %v gives %dx%d there; drop --auxiliary or change the input size", after, want, stride, m.cfg.Input, in.H, in.W)
	}
	b.SetAux(true)
	defer b.SetAux(false)
	p := "auxiliary_head.features."
	x = b.ReLU(p+"0", x)
	x = b.Pool(p+"1", spec.AvgPool, x, 5, stride, 0, false)
	x = b.Conv(p+"2", x, spec.Square(128, 1, 1, 0, 1))
	x = b.BN(p+"3", x, true)
	x = b.ReLU(p+"4", x)
	x = b.Conv(p+"5", x, spec.Square(768, 2, 1, 0, 1))
	next := 6
	if bn {
		x = b.BN(p+"6", x, true)
		next = 7
	}
	x = b.ReLU(fmt.Sprintf("%s%d", p, next), x)
	out := b.Linear("auxiliary_head.classifier", x, m.cfg.Classes)
	return out, b.Err()
}
