package kernels

import "sync"

// planeJob runs one of the plane-parallel kernels (im2col, col2im,
// depthwise, pools) over [0, total) split into parts, without allocating: the job
// comes from a pool and its arguments are plain fields.
type planeJob struct {
	kind                      planeKind
	x, w, y, dy, dx, dw, cols []float32
	idx                       []int32
	n, c                      int
	g                         ConvGeom
	countPad                  bool // average pools: count_include_pad
	relu                      bool // depthwise: of relu(x)
	total, parts              int
	wg                        sync.WaitGroup
}

type planeKind int

const (
	jobIm2col     planeKind = iota // channels
	jobCol2im                      // channels
	jobDWFwd                       // planes
	jobDWBwdData                   // planes, dx only
	jobDWBwd                       // channels, dx and dw
	jobMaxPool                     // planes
	jobMaxPoolBwd                  // planes
	jobAvgPool                     // planes
	jobAvgPoolBwd                  // planes
)

var planeJobPool = sync.Pool{New: func() any { return new(planeJob) }}

// run executes the job over total items, in parallel when work (a rough
// count of floats touched) is large enough.
func (j *planeJob) run(total, work int) {
	j.total = total
	j.parts = Parts(total)
	if work < minParallelFloats {
		j.parts = min(1, total)
	}
	runParts(j, j.parts, &j.wg)
	*j = planeJob{}
	planeJobPool.Put(j)
}

func newPlaneJob(kind planeKind) *planeJob {
	j := planeJobPool.Get().(*planeJob)
	j.kind = kind
	return j
}

func (j *planeJob) runPart(p int) {
	lo, hi := p*j.total/j.parts, (p+1)*j.total/j.parts
	switch j.kind {
	case jobIm2col:
		im2colChannels(j.x, j.g, j.cols, lo, hi)
	case jobCol2im:
		col2imChannels(j.cols, j.g, j.dx, lo, hi)
	case jobDWFwd:
		depthwisePlanes(j.x, j.w, j.c, j.g, j.y, j.relu, lo, hi)
	case jobDWBwdData:
		s := getDWScratch(j.g)
		for pl := lo; pl < hi; pl++ {
			dwBackwardPlane(s, j.x, j.w, j.dy, j.c, pl, j.dx, nil, j.relu)
		}
		dwScratchPool.put(s)
	case jobDWBwd:
		s := getDWScratch(j.g)
		for ch := lo; ch < hi; ch++ {
			for img := 0; img < j.n; img++ {
				dwBackwardPlane(s, j.x, j.w, j.dy, j.c, img*j.c+ch, j.dx, j.dw, j.relu)
			}
		}
		dwScratchPool.put(s)
	case jobMaxPool:
		maxPoolPlanes(j.x, j.g, j.y, j.idx, lo, hi)
	case jobMaxPoolBwd:
		maxPoolBackwardPlanes(j.dy, j.idx, j.g, j.dx, lo, hi)
	case jobAvgPool:
		avgPlanes(j.x, j.g, j.y, j.countPad, lo, hi)
	case jobAvgPoolBwd:
		avgBackPlanes(j.dy, j.g, j.dx, j.countPad, lo, hi)
	}
}
