package stage

import (
	"gonas/engine/data"
	"gonas/train"
)

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

// Agreement counts the rows on which two sets of logits ([N, k]) pick the
// same class.
func Agreement(a, b []float32, k int) int {
	n := 0
	for i := 0; i+k <= len(a) && i+k <= len(b); i += k {
		if train.Argmax(a[i:i+k]) == train.Argmax(b[i:i+k]) {
			n++
		}
	}
	return n
}
