package nn

// pool recycles float32 buffers by exact size and keeps the byte accounting:
// live is what is handed out, external what the caller declared through
// Ctx.Account, peak the largest live+external seen.
type pool struct {
	free     map[int][][]float32
	ifree    map[int][][]int32
	live     int64
	external int64
	peak     int64
	reserved int64
}

func (p *pool) get(n int, zero bool) []float32 {
	if n <= 0 {
		return nil
	}
	var b []float32
	if l := p.free[n]; len(l) > 0 {
		b = l[len(l)-1]
		p.free[n] = l[:len(l)-1]
		if zero {
			clear(b)
		}
	} else {
		b = make([]float32, n)
		p.reserved += int64(n) * 4
	}
	p.live += int64(n) * 4
	p.bump()
	return b
}

func (p *pool) put(b []float32) {
	n := cap(b)
	if n == 0 {
		return
	}
	if p.free == nil {
		p.free = map[int][][]float32{}
	}
	p.free[n] = append(p.free[n], b[:n])
	p.live -= int64(n) * 4
}

// getIdx and putIdx are get and put for int32 index buffers (max-pool
// argmax), accounted the same way.
func (p *pool) getIdx(n int) []int32 {
	if n <= 0 {
		return nil
	}
	var b []int32
	if l := p.ifree[n]; len(l) > 0 {
		b = l[len(l)-1]
		p.ifree[n] = l[:len(l)-1]
	} else {
		b = make([]int32, n)
		p.reserved += int64(n) * 4
	}
	p.live += int64(n) * 4
	p.bump()
	return b
}

func (p *pool) putIdx(b []int32) {
	n := cap(b)
	if n == 0 {
		return
	}
	if p.ifree == nil {
		p.ifree = map[int][][]int32{}
	}
	p.ifree[n] = append(p.ifree[n], b[:n])
	p.live -= int64(n) * 4
}

func (p *pool) bump() {
	if t := p.live + p.external; t > p.peak {
		p.peak = t
	}
}

// trim drops every free buffer.
func (p *pool) trim() {
	for n, l := range p.free {
		p.reserved -= int64(n) * 4 * int64(len(l))
	}
	for n, l := range p.ifree {
		p.reserved -= int64(n) * 4 * int64(len(l))
	}
	p.free, p.ifree = nil, nil
}

// LiveBytes is the memory held now: pooled buffers in use (activations,
// their gradients, op workspaces) plus what the caller accounted.
func (c *Ctx) LiveBytes() int64 { return c.pool.live + c.pool.external }

// PeakBytes is the largest LiveBytes since the context was made or ResetPeak.
func (c *Ctx) PeakBytes() int64 { return c.pool.peak }

// ResetPeak restarts peak tracking from the current LiveBytes.
func (c *Ctx) ResetPeak() { c.pool.peak = c.LiveBytes() }

// ReservedBytes is everything the pool has allocated, in use or free: the
// engine's real footprint apart from the caller's accounted memory.
func (c *Ctx) ReservedBytes() int64 { return c.pool.reserved }

// Account adds delta bytes (negative to remove) of memory the caller holds
// (parameters, gradients, optimizer state) to the live and peak figures.
func (c *Ctx) Account(delta int64) {
	c.pool.external += delta
	c.pool.bump()
}

// Trim returns the pool's free buffers to the Go runtime.
func (c *Ctx) Trim() { c.pool.trim() }
