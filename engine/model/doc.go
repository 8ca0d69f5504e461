// Package model runs a spec.Net on the nn engine: it creates the network's
// parameters under their spec names with PyTorch's default initialisation,
// and executes the nodes in order, releasing every intermediate activation
// after its last consumer so that a no-grad forward holds only what is still
// needed and a training forward holds only what backward needs.
package model
