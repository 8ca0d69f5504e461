// Package optim holds the optimizers of the papers with PyTorch's exact update
// rules (SGD with momentum, L2 weight decay and optional Nesterov; Adam with
// L2 weight decay) and global gradient-norm clipping. Optimizers work on named
// parameter slots, so their state saves by name into checkpoints.
package optim
