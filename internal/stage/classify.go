package stage

import "gonas/engine/data"

// Normalise turns a dataset's pixels into the network's input as the
// loaders do: (pixel/255 - mean[c]) / std[c], NCHW.
func Normalise(ds *data.Dataset) []float32 {
	hw := ds.H * ds.W
	x := make([]float32, len(ds.Images))
	for i, p := range ds.Images {
		c := (i / hw) % ds.C
		x[i] = (float32(p)/255 - ds.Mean[c]) / ds.Std[c]
	}
	return x
}

// Argmax is the index of v's largest value, the first on ties.
func Argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// CountCorrect counts the rows of logits ([N, k]) whose Argmax is the label.
func CountCorrect(logits []float32, labels []int, k int) int {
	n := 0
	for i, l := range labels {
		if Argmax(logits[i*k:(i+1)*k]) == l {
			n++
		}
	}
	return n
}

// Agreement counts the rows on which two sets of logits ([N, k]) pick the
// same class.
func Agreement(a, b []float32, k int) int {
	n := 0
	for i := 0; i+k <= len(a) && i+k <= len(b); i += k {
		if Argmax(a[i:i+k]) == Argmax(b[i:i+k]) {
			n++
		}
	}
	return n
}
