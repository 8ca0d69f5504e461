package export

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonas/engine/model"
	"gonas/engine/nn"
	"gonas/internal/spec"
)

// This file compares exported models with the Go engine (engine/model), the
// implementation whose outputs users get from 'gonas eval' and 'gonas
// predict', rather than with the float64 reference of ref_test.go.

// engineLacks names the test nets the engine cannot run, and why.
var engineLacks = map[string]string{
	"vectors": "the engine's Add does not broadcast a Linear output [N, C] against a GAP output [N, C, 1, 1]; derived networks never do this",
}

// engineThreads is the engine's goroutine count in these tests.
const engineThreads = 2

// modelWeights lists the model's tensors by spec name (sharing memory).
func modelWeights(m *model.Model) map[string][]float32 {
	w := map[string][]float32{}
	for name, t := range m.Params.All() {
		w[name] = t.Data
	}
	return w
}

// engineModel builds net in the engine with the given weights, every
// parameter and buffer of which must be present with its size.
func engineModel(net *spec.Net, weights map[string][]float32) (*model.Model, error) {
	m, err := model.New(net, 0)
	if err != nil {
		return nil, err
	}
	for name, t := range m.Params.All() {
		v, ok := weights[name]
		if !ok {
			return nil, fmt.Errorf("no weights for %s", name)
		}
		if len(v) != len(t.Data) {
			return nil, fmt.Errorf("%s: %d values, want %d", name, len(v), len(t.Data))
		}
		copy(t.Data, v)
	}
	return m, nil
}

// engineForward runs m in evaluation mode on x (n images) and returns a copy
// of its logits.
func engineForward(m *model.Model, x []float32, n int) ([]float32, error) {
	in := m.Net.Input
	ctx := nn.NewCtx(0, engineThreads)
	ctx.SetTrain(false)
	ctx.SetGrad(false)
	defer ctx.Reset()
	t, err := nn.FromData(slices.Clone(x), n, in.C, in.H, in.W)
	if err != nil {
		return nil, err
	}
	y, _, err := m.Forward(ctx, t)
	if err != nil {
		return nil, err
	}
	return slices.Clone(y.Data), nil
}

// calibratedModel gives net the engine's default initialisation (seed),
// then makes it look like a trained network so that comparisons of logits
// mean something (with the default initialisation the logits of a deep
// network are its classifier's bias, whatever the input):
//
//   - batch-norm scales become 1±0.3 and shifts 1±0.3, and every running
//     statistic is set to the batch statistics of a random calibration
//     batch (one training-mode pass with momentum 1), so activations keep
//     unit scale through the depth;
//   - the classifier is rescaled so that on the calibration batch each logit
//     has mean 0 and the logits an RMS of 3: what is left depends on the
//     input.
//
// The positive shift keeps about five sixths of each ReLU's inputs
// positive. With shifts around 0, random networks of the papers' depth are
// chaotic: a float32 rounding of the input changes their logits by 1e-3 to
// 5e-2 relative (measured on the zoo), so no two float32 implementations
// agree to 1e-4; with the shift they change by 1e-5 to 1e-4.
func calibratedModel(net *spec.Net, seed uint64) (*model.Model, error) {
	calib := *net
	calib.Nodes = slices.Clone(net.Nodes)
	for i := range calib.Nodes {
		if calib.Nodes[i].Kind == spec.BN {
			calib.Nodes[i].Momentum = 1
		}
	}
	cm, err := model.New(&calib, seed)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 99))
	for _, nd := range net.Nodes {
		if nd.Kind != spec.BN || !nd.Affine {
			continue
		}
		for _, p := range []struct {
			suffix string
			centre float32
		}{{".weight", 1}, {".bias", 1}} {
			v := cm.Params.Get(nd.Name + p.suffix).Data
			for i := range v {
				v[i] = p.centre + float32(0.3*(rng.Float64()*2-1))
			}
		}
	}
	const calibBatch = 4
	in := net.Input
	ctx := nn.NewCtx(seed, engineThreads)
	ctx.SetTrain(true)
	ctx.SetGrad(false)
	x, err := nn.FromData(randomInput(net, calibBatch, seed+1000), calibBatch, in.C, in.H, in.W)
	if err != nil {
		return nil, err
	}
	if _, _, err := cm.Forward(ctx, x); err != nil {
		return nil, fmt.Errorf("calibration pass: %w", err)
	}
	ctx.Reset()
	m, err := engineModel(net, modelWeights(cm))
	if err != nil {
		return nil, err
	}
	if err := centreLogits(m, x.Data, calibBatch); err != nil {
		return nil, err
	}
	return m, nil
}

// centreLogits rescales the classifier (the output node, when it is a
// Linear) so that on the n images x every logit has mean 0 over the images
// and the logits an RMS of 3: what remains depends on the input.
func centreLogits(m *model.Model, x []float32, n int) error {
	out := &m.Net.Nodes[m.Net.Output]
	if out.Kind != spec.Linear {
		return nil
	}
	y, err := engineForward(m, x, n)
	if err != nil {
		return err
	}
	k := len(y) / n
	mean := make([]float64, k)
	for i, v := range y {
		mean[i%k] += float64(v) / float64(n)
	}
	rms := 0.0
	for i, v := range y {
		d := float64(v) - mean[i%k]
		rms += d * d
	}
	rms = math.Sqrt(rms / float64(len(y)))
	if rms == 0 {
		return fmt.Errorf("the logits do not depend on the input")
	}
	s := 3 / rms
	w, b := m.Params.Get(out.Name+".weight").Data, m.Params.Get(out.Name+".bias").Data
	for i := range w {
		w[i] = float32(float64(w[i]) * s)
	}
	for j := range b {
		b[j] = float32((float64(b[j]) - mean[j]) * s)
	}
	return nil
}

// logitDiffs are the largest absolute and relative (|got-want| /
// max(1,|want|)) differences, and the largest |want|.
func logitDiffs(got, want []float32) (abs, rel, big float64) {
	for i := range want {
		w := float64(want[i])
		d := math.Abs(float64(got[i]) - w)
		abs = math.Max(abs, d)
		big = math.Max(big, math.Abs(w))
	}
	return abs, MaxRelDiff(got, want), big
}

// sensitivity is how much m's logits on x move, relative, when every input
// value is rounded differently: perturbed by a random relative 2^-24 (the
// float32 unit roundoff). It is the network's own amplification of one
// rounding error; two float32 implementations that round at every layer
// cannot be expected to agree much better than a few times this.
func sensitivity(m *model.Model, x []float32, n int, seed uint64) (float64, error) {
	y, err := engineForward(m, x, n)
	if err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(seed, 31))
	xp := slices.Clone(x)
	for i := range xp {
		xp[i] *= float32(1 + 0x1p-24*rng.NormFloat64())
	}
	yp, err := engineForward(m, xp, n)
	if err != nil {
		return 0, err
	}
	return MaxRelDiff(yp, y), nil
}

// tolerance is the relative difference accepted between two float32
// implementations of a network of the given sensitivity: 1e-4, or ten
// times the sensitivity where that is larger.
func tolerance(sens float64) float64 { return max(1e-4, 10*sens) }

// checkAgainstEngine fails when ONNX Runtime's logits differ from the
// engine's by more than tol relative, or when the engine's logits are too
// small for that comparison to mean much.
func checkAgainstEngine(t *testing.T, what string, got []float32, gotShape []int, want []float32, batch int, tol float64) {
	t.Helper()
	if len(gotShape) != 2 || gotShape[0] != batch || gotShape[0]*gotShape[1] != len(want) {
		t.Errorf("%s: ONNX Runtime output shape %v, the engine gives %d values for batch %d", what, gotShape, len(want), batch)
		return
	}
	abs, rel, big := logitDiffs(got, want)
	if !(rel <= tol) {
		t.Errorf("%s: ONNX Runtime and the engine differ by %.3g relative (%.3g absolute; tolerance %.3g)", what, rel, abs, tol)
	}
	if big < 0.5 {
		t.Errorf("%s: the engine's logits are nearly zero (max %.3g), the comparison proves little", what, big)
	}
}

// ONNX Runtime agrees with the Go engine on every test net (all spec kinds
// and the lowering's special cases), at both ends of the opset range, with
// and without BN folding.
func TestORTMatchesEngine(t *testing.T) {
	needORT(t)
	var files []exported
	for _, f := range exportAll(t, MinOpset, MaxOpset) {
		if engineLacks[f.tn.name] == "" {
			files = append(files, f)
		}
	}
	const batch = 2
	jobs := make([]ORTJob, len(files))
	want := make([][]float32, len(files))
	for i, f := range files {
		m, err := engineModel(f.tn.net, f.tn.weights)
		if err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		in := f.tn.net.Input
		x := randomInput(f.tn.net, batch, uint64(100+i))
		if want[i], err = engineForward(m, x, batch); err != nil {
			t.Fatalf("%v: engine: %v", f, err)
		}
		jobs[i] = ORTJob{Model: f.path, X: x, Shape: []int{batch, in.C, in.H, in.W}}
	}
	res, err := RunORTBatch(context.Background(), jobs)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		abs, rel, big := logitDiffs(res[i].Y, want[i])
		if !(rel <= 1e-4) || len(res[i].Y) != len(want[i]) {
			t.Errorf("%v: ONNX Runtime and the engine differ by %.3g relative (%.3g absolute)", f, rel, abs)
		}
		if big < 1e-2 {
			t.Errorf("%v: the engine's logits are nearly zero (max %.3g)", f, big)
		}
	}
}

// Export, decode through onnx-go and rebuild in the engine: the rebuilt
// model computes bit-identical logits where the graph is the same (only
// DropPath identities are dropped), and the same within 1e-5 relative when
// batch norms were folded into the convolutions (1e-4 for deep networks:
// see checkRoundTrip).
func TestEngineRoundTrip(t *testing.T) {
	for _, tn := range testNets(t) {
		if why := engineLacks[tn.name]; why != "" {
			t.Logf("%s: not run in the engine: %s", tn.name, why)
			continue
		}
		m0, err := engineModel(tn.net, tn.weights)
		if err != nil {
			t.Fatalf("%s: %v", tn.name, err)
		}
		x := randomInput(tn.net, 2, 21)
		want, err := engineForward(m0, x, 2)
		if err != nil {
			t.Fatalf("%s: %v", tn.name, err)
		}
		for _, fold := range []bool{false, true} {
			name := fmt.Sprintf("%s/fold=%v", tn.name, fold)
			got, err := roundTripEngine(tn.net, tn.weights, Options{FoldBN: fold}, x, 2)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			checkRoundTrip(t, name, got, want, fold, 1e-5)
		}
	}
}

// roundTripEngine exports net, decodes the bytes with Decode and runs the
// rebuilt model in the engine on x.
func roundTripEngine(net *spec.Net, weights map[string][]float32, opt Options, x []float32, n int) ([]float32, error) {
	pb, err := Build(net, weights, opt)
	if err != nil {
		return nil, err
	}
	data, err := Marshal(pb)
	if err != nil {
		return nil, err
	}
	net2, w2, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	m, err := engineModel(net2, w2)
	if err != nil {
		return nil, fmt.Errorf("rebuilt model: %w", err)
	}
	return engineForward(m, x, n)
}

// checkRoundTrip wants bit-identical logits, or within tol relative where
// folding changed the arithmetic: a folded weight w*g/sqrt(v+eps) is
// rounded once instead of the engine rounding conv and BN separately, a
// difference of an ulp per layer that grows to about 2e-5 relative over the
// zoo networks' depth.
func checkRoundTrip(t *testing.T, name string, got, want []float32, folded bool, tol float64) {
	t.Helper()
	if !folded {
		if !slices.Equal(got, want) {
			_, rel, _ := logitDiffs(got, want)
			t.Errorf("%s: the engine's logits changed after the round trip (%.3g relative)", name, rel)
		}
		return
	}
	if _, rel, _ := logitDiffs(got, want); !(rel <= tol) || len(got) != len(want) {
		t.Errorf("%s: folded round trip differs by %.3g relative (tolerance %.3g)", name, rel, tol)
	}
}

// The calibration gives logits of a useful size and leaves the network
// computing what its weights say (the engine model is rebuilt from them).
func TestCalibratedModel(t *testing.T) {
	tn := findNet(t, "cell")
	m, err := calibratedModel(tn.net, 5)
	if err != nil {
		t.Fatal(err)
	}
	y, err := engineForward(m, randomInput(tn.net, 3, 1), 3)
	if err != nil {
		t.Fatal(err)
	}
	_, _, big := logitDiffs(y, y)
	if big < 1 || big > 100 {
		t.Errorf("calibrated logits peak at %.3g, want between 1 and 100", big)
	}
	for name, v := range modelWeights(m) {
		if strings.HasSuffix(name, ".running_var") && slices.Equal(v, slices.Repeat([]float32{1}, len(v))) {
			t.Errorf("%s still holds its initial value", name)
		}
	}
}
