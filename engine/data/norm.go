package data

import "math"

// Normalisation constants, per channel on the [0,1] scale.
var (
	// The usual MNIST values (mean and std of the 60000 training digits);
	// TestRealMNIST recomputes them.
	mnistMean = []float32{0.1307}
	mnistStd  = []float32{0.3081}
	// Fashion-MNIST: mean and std of its 60,000 training images, computed
	// here (TestRealFashionMNIST recomputes them).
	fashionMean = []float32{0.2860406}
	fashionStd  = []float32{0.35302424}
	// CIFAR-10 values from the DARTS code (docs/papers.md §5).
	cifar10Mean = []float32{0.49139968, 0.48215827, 0.44653124}
	cifar10Std  = []float32{0.24703233, 0.24348505, 0.26158768}
	// CIFAR-100 values used by the DARTS family's CIFAR-100 scripts.
	cifar100Mean = []float32{0.5071, 0.4865, 0.4409}
	cifar100Std  = []float32{0.2673, 0.2564, 0.2762}
)

// channelStats computes per-channel mean and population standard deviation
// of CHW uint8 images on the [0,1] scale. A channel with zero spread gets
// std 1 so that normalising stays finite.
func channelStats(images []uint8, c, hw int) (mean, std []float32) {
	mean, std = make([]float32, c), make([]float32, c)
	sum, sq, cnt := make([]float64, c), make([]float64, c), make([]float64, c)
	for off := 0; off+c*hw <= len(images); off += c * hw {
		for ch := 0; ch < c; ch++ {
			var s, q uint64
			for _, v := range images[off+ch*hw : off+(ch+1)*hw] {
				s += uint64(v)
				q += uint64(v) * uint64(v)
			}
			sum[ch] += float64(s)
			sq[ch] += float64(q)
			cnt[ch] += float64(hw)
		}
	}
	for ch := 0; ch < c; ch++ {
		if cnt[ch] == 0 {
			mean[ch], std[ch] = 0, 1
			continue
		}
		m := sum[ch] / cnt[ch] / 255
		v := sq[ch]/cnt[ch]/(255*255) - m*m
		mean[ch] = float32(m)
		if v <= 1e-12 {
			std[ch] = 1
		} else {
			std[ch] = float32(math.Sqrt(v))
		}
	}
	return mean, std
}

// Norm returns the fixed per-channel normalisation of a built-in dataset
// ("mnist", "cifar10", "cifar100") without loading it; ok is false for image
// folders, whose constants come from their training images.
func Norm(name string) (mean, std []float32, ok bool) {
	switch name {
	case "mnist":
		return clone(mnistMean), clone(mnistStd), true
	case "cifar10":
		return clone(cifar10Mean), clone(cifar10Std), true
	case "cifar100":
		return clone(cifar100Mean), clone(cifar100Std), true
	}
	return nil, nil, false
}
