package model

import (
	"math/rand/v2"
	"slices"
	"testing"

	"gonas/engine/nn"
)

// TestInferenceMatchesForward: the chunked, multi-threaded inference gives
// Forward's logits (one context, the whole batch, batch norms folded) bit
// for bit, for chunk sizes that divide the batch and ones that do not, and
// for batches smaller than the threads.
func TestInferenceMatchesForward(t *testing.T) {
	m, err := New(dartsV2(t, false), 5)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(8, 9))
	for _, p := range m.Params.All() {
		for i := range p.Data {
			p.Data[i] += 0.1 * float32(r.NormFloat64())
		}
	}
	const n = 7
	in := m.Net.Input
	x := make([]float32, n*int(in.Numel()))
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	ctx := nn.NewCtx(1, 2)
	ctx.SetTrain(false)
	ctx.SetGrad(false)
	xt, err := nn.FromData(x, n, in.C, in.H, in.W)
	if err != nil {
		t.Fatal(err)
	}
	y, _, err := m.Forward(ctx, xt)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(y.Data)
	ctx.Reset()
	for _, tc := range []struct{ threads, chunk, n int }{
		{1, 0, n}, {2, 1, n}, {2, 2, n}, {2, 3, n}, {2, 0, n}, {3, 2, n}, {2, 0, 1}, {2, 4, 3},
	} {
		inf := NewInference(m, tc.threads, tc.chunk)
		for rep := range 2 { // the second run reuses the pools
			got, err := inf.Run(x[:tc.n*int(in.Numel())], tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want[:tc.n*m.Net.Classes]) {
				t.Errorf("threads %d, chunk %d, %d images, run %d: logits differ from Forward's", tc.threads, tc.chunk, tc.n, rep)
			}
		}
	}
}

func TestInferenceRejectsBadInput(t *testing.T) {
	m, err := New(tinyNet(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	inf := NewInference(m, 2, 0)
	if _, err := inf.Run(make([]float32, 5), 1); err == nil {
		t.Error("5 values for one image: no error")
	}
	if _, err := inf.Run(nil, 0); err == nil {
		t.Error("no images: no error")
	}
}
