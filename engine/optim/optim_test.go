package optim

import (
	"math"
	"testing"
)

// sgdRef is the textbook update in float64, written independently.
func sgdRef(p, g []float64, steps int, lr, m, wd float64, nesterov bool) []float64 {
	p = append([]float64(nil), p...)
	buf := make([]float64, len(p))
	for s := 0; s < steps; s++ {
		for i := range p {
			d := g[i] + wd*p[i]
			if s == 0 {
				buf[i] = d
			} else {
				buf[i] = m*buf[i] + d
			}
			if nesterov {
				d += m * buf[i]
			} else {
				d = buf[i]
			}
			p[i] -= lr * d
		}
	}
	return p
}

func TestSGD(t *testing.T) {
	for _, nesterov := range []bool{false, true} {
		p := []float32{1, -2, 0.5}
		g := []float32{0.3, 0.1, -0.7}
		o := NewSGD(0.9, 3e-4, nesterov)
		for s := 0; s < 3; s++ {
			o.Step([]Slot{{Name: "w", Data: p, Grad: g}}, 0.1)
		}
		want := sgdRef([]float64{1, -2, 0.5}, []float64{0.3, 0.1, -0.7}, 3, 0.1, 0.9, 3e-4, nesterov)
		for i := range p {
			if math.Abs(float64(p[i])-want[i]) > 1e-6 {
				t.Errorf("nesterov=%v: p[%d] = %v, want %v", nesterov, i, p[i], want[i])
			}
		}
	}
}

func TestAdamFirstStepIsSignTimesLR(t *testing.T) {
	// With bias correction, Adam's first step is lr*g/(|g|+eps) ≈ lr*sign(g).
	p := []float32{0, 0}
	o := NewAdam(0.5, 0.999, 1e-8, 0)
	o.Step([]Slot{{Name: "a", Data: p, Grad: []float32{2, -0.001}}}, 3e-4)
	if math.Abs(float64(p[0])+3e-4) > 1e-7 || math.Abs(float64(p[1])-3e-4) > 1e-7 {
		t.Fatalf("first Adam step = %v, want [-3e-4, 3e-4]", p)
	}
	// Second step with the same gradient: m and v converge to g, g^2.
	o.Step([]Slot{{Name: "a", Data: p, Grad: []float32{2, -0.001}}}, 3e-4)
	if math.Abs(float64(p[0])+6e-4) > 1e-7 {
		t.Fatalf("second Adam step p[0] = %v, want -6e-4", p[0])
	}
}

func TestClipGradNorm(t *testing.T) {
	g := []float32{3, 4}
	n, err := ClipGradNorm([]Slot{{Grad: g}}, 1)
	if err != nil || n != 5 {
		t.Fatalf("norm %v err %v", n, err)
	}
	if math.Abs(float64(g[0])-0.6) > 1e-6 || math.Abs(float64(g[1])-0.8) > 1e-6 {
		t.Errorf("clipped %v", g)
	}
	small := []float32{0.1}
	ClipGradNorm([]Slot{{Grad: small}}, 5)
	if small[0] != 0.1 {
		t.Errorf("small gradient changed: %v", small)
	}
	if _, err := ClipGradNorm([]Slot{{Grad: []float32{float32(math.NaN())}}}, 5); err == nil {
		t.Error("NaN norm: no error")
	}
}
