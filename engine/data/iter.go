package data

import (
	"iter"
	"sync"
)

// Iter yields a loader's batches in order, from a start position to the end
// of an epoch (Loader.Epoch) or without end (Loader.Stream). With workers it
// prepares batches ahead in goroutines; the batches are the same either
// way. A batch returned by Next stays valid until the following Next or
// Close; an Iter must be closed (Close is idempotent) and is used by one
// goroutine.
type Iter struct {
	l      *Loader
	pos    Position // the next batch Next returns
	end    int      // epoch end (batches) for Epoch; -1 for Stream
	closed bool
	cur    *Batch

	// synchronous mode
	order      []int
	orderEpoch int

	// prefetch mode
	futures chan chan *Batch
	free    chan *Batch
	done    chan struct{}
	wg      sync.WaitGroup
}

// Epoch iterates over the batches of epoch e, starting at batch start.
func (l *Loader) Epoch(e, start int) *Iter {
	return l.newIter(Position{e, start}, l.batches)
}

// Stream iterates over batches from p on, across epoch boundaries, without
// end.
func (l *Loader) Stream(p Position) *Iter {
	return l.newIter(l.Normalize(p), -1)
}

func (l *Loader) newIter(p Position, end int) *Iter {
	it := &Iter{l: l, pos: p, end: end, orderEpoch: -1}
	if p.Epoch < 0 || p.Batch < 0 {
		it.closed = true
		return it
	}
	if l.cfg.Workers > 0 {
		it.start()
	}
	return it
}

// Pos is the position of the next batch: after the last batch of epoch e it
// is {e+1, 0}. Saved in a checkpoint, it resumes the stream exactly.
func (it *Iter) Pos() Position { return it.l.Normalize(it.pos) }

func (it *Iter) atEnd(p Position) bool { return it.end >= 0 && p.Batch >= it.end }

// Next returns the next batch, or false at the end of the epoch or after
// Close.
func (it *Iter) Next() (*Batch, bool) {
	if it.closed || it.atEnd(it.pos) {
		return nil, false
	}
	if it.futures == nil {
		if it.cur == nil {
			it.cur = new(Batch)
		}
		p := it.l.Normalize(it.pos)
		if p.Epoch != it.orderEpoch {
			it.order, it.orderEpoch = it.l.Order(p.Epoch), p.Epoch
		}
		it.l.fill(it.cur, p, it.order)
		it.pos = Position{p.Epoch, p.Batch + 1}
		return it.cur, true
	}
	if it.cur != nil {
		select { // recycle the previous batch's memory
		case it.free <- it.cur:
		default:
		}
		it.cur = nil
	}
	f, ok := <-it.futures
	if !ok {
		return nil, false
	}
	it.cur = <-f
	it.pos = Position{it.cur.Pos.Epoch, it.cur.Pos.Batch + 1}
	return it.cur, true
}

// All adapts the iterator to a range loop; the iterator is closed when the
// loop ends.
func (it *Iter) All() iter.Seq[*Batch] {
	return func(yield func(*Batch) bool) {
		defer it.Close()
		for {
			b, ok := it.Next()
			if !ok || !yield(b) {
				return
			}
		}
	}
}

// Close stops the workers and releases the batches.
func (it *Iter) Close() {
	if it.closed {
		return
	}
	it.closed = true
	if it.done != nil {
		close(it.done)
		it.wg.Wait()
	}
	it.cur = nil
}

type job struct {
	pos   Position
	order []int
	out   chan *Batch
}

// start launches the dispatcher, which hands positions in order to the
// workers and queues one future per batch, and the workers.
func (it *Iter) start() {
	cfg := it.l.cfg
	prefetch := cfg.Prefetch
	if prefetch == 0 {
		prefetch = 2 * cfg.Workers
	}
	it.futures = make(chan chan *Batch, prefetch)
	it.free = make(chan *Batch, prefetch+cfg.Workers+2)
	it.done = make(chan struct{})
	jobs := make(chan job)
	it.wg.Add(1 + cfg.Workers)
	go func() { // dispatcher
		defer it.wg.Done()
		defer close(jobs)
		defer close(it.futures)
		p := it.pos
		var order []int
		epoch := -1
		for !it.atEnd(p) {
			q := it.l.Normalize(p)
			if q.Epoch != epoch {
				order, epoch = it.l.Order(q.Epoch), q.Epoch
			}
			out := make(chan *Batch, 1)
			select {
			case it.futures <- out:
			case <-it.done:
				return
			}
			select {
			case jobs <- job{q, order, out}:
			case <-it.done:
				return
			}
			p = Position{q.Epoch, q.Batch + 1}
		}
	}()
	for range cfg.Workers {
		go func() {
			defer it.wg.Done()
			for j := range jobs {
				var b *Batch
				select {
				case b = <-it.free:
				default:
					b = new(Batch)
				}
				it.l.fill(b, j.pos, j.order)
				j.out <- b
			}
		}()
	}
}
