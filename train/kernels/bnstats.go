package kernels

// ChannelMeanVar computes the per-channel mean and biased variance (divided
// by n*hw) of x, NCHW with n images, c channels and hw pixels per plane:
// the batch-norm statistics. Sums are formed in float64, the variance in a
// second pass around the mean (no cancellation). Channels are split over
// Threads() goroutines; each channel is summed in a fixed order.
func ChannelMeanVar(x []float32, n, c, hw int, mean, variance []float32) {
	checkChannels("ChannelMeanVar", n, c, hw, x)
	checkLen("ChannelMeanVar", "mean", mean, c)
	checkLen("ChannelMeanVar", "variance", variance, c)
	j := newPlaneJob(jobMeanVar)
	j.x, j.n, j.c, j.hw, j.mean, j.vari = x, n, c, hw, mean, variance
	j.run(c, 2*n*c*hw)
}

// ChannelSumDot computes per channel sumA = sum(a) and sumAB = sum(a*b)
// over the n images and hw pixels (NCHW), in float64: the two reductions of
// the batch-norm backward pass (a = dy, b = x or x-hat).
func ChannelSumDot(a, b []float32, n, c, hw int, sumA, sumAB []float32) {
	checkChannels("ChannelSumDot", n, c, hw, a)
	checkChannels("ChannelSumDot", n, c, hw, b)
	checkLen("ChannelSumDot", "sumA", sumA, c)
	checkLen("ChannelSumDot", "sumAB", sumAB, c)
	j := newPlaneJob(jobSumDot)
	j.x, j.y, j.n, j.c, j.hw, j.mean, j.vari = a, b, n, c, hw, sumA, sumAB
	j.run(c, 2*n*c*hw)
}

func checkChannels(fn string, n, c, hw int, x []float32) {
	if n < 0 || c < 0 || hw < 0 {
		panic("kernels: " + fn + ": negative size")
	}
	checkLen(fn, "input", x, n*c*hw)
}

func meanVarChannels(x []float32, n, c, hw int, mean, variance []float32, lo, hi int) {
	cnt := float64(n * hw)
	for ch := lo; ch < hi; ch++ {
		if cnt == 0 {
			mean[ch], variance[ch] = 0, 0
			continue
		}
		var s float64
		for i := 0; i < n; i++ {
			s += sum64(x[(i*c+ch)*hw : (i*c+ch+1)*hw])
		}
		mu := s / cnt
		var q float64
		for i := 0; i < n; i++ {
			q += sqDev64(x[(i*c+ch)*hw:(i*c+ch+1)*hw], mu)
		}
		mean[ch], variance[ch] = float32(mu), float32(q/cnt)
	}
}

func sumDotChannels(a, b []float32, n, c, hw int, sumA, sumAB []float32, lo, hi int) {
	for ch := lo; ch < hi; ch++ {
		var s, d float64
		for i := 0; i < n; i++ {
			o := (i*c + ch) * hw
			s1, d1 := sumDot64(a[o:o+hw], b[o:o+hw])
			s += s1
			d += d1
		}
		sumA[ch], sumAB[ch] = float32(s), float32(d)
	}
}

// sum64 sums x in float64 with four independent accumulators.
func sum64(x []float32) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += float64(x[i])
		s1 += float64(x[i+1])
		s2 += float64(x[i+2])
		s3 += float64(x[i+3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// sqDev64 is sum((x-mu)^2) in float64.
func sqDev64(x []float32, mu float64) float64 {
	var s0, s1 float64
	i := 0
	for ; i+2 <= len(x); i += 2 {
		d0, d1 := float64(x[i])-mu, float64(x[i+1])-mu
		s0 += d0 * d0
		s1 += d1 * d1
	}
	for ; i < len(x); i++ {
		d := float64(x[i]) - mu
		s0 += d * d
	}
	return s0 + s1
}

// sumDot64 is (sum(a), sum(a*b)) in float64.
func sumDot64(a, b []float32) (float64, float64) {
	b = b[:len(a)]
	var s0, s1, d0, d1 float64
	i := 0
	for ; i+2 <= len(a); i += 2 {
		s0 += float64(a[i])
		s1 += float64(a[i+1])
		d0 += float64(a[i]) * float64(b[i])
		d1 += float64(a[i+1]) * float64(b[i+1])
	}
	for ; i < len(a); i++ {
		s0 += float64(a[i])
		d0 += float64(a[i]) * float64(b[i])
	}
	return s0 + s1, d0 + d1
}
