// Package schedule holds the learning-rate schedules of the papers: cosine
// annealing (with DARTS's step-before-epoch convention and optional linear
// warm-up), sharpDARTS cosine power annealing, and the step and linear decays
// of the ImageNet protocols. A schedule maps a 0-based epoch to a rate.
package schedule
