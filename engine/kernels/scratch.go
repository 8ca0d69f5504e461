package kernels

import (
	"sync"
	"unsafe"
)

// alignedFloats returns a zeroed slice of n float32 whose first element is
// 64-byte aligned (one cache line, one zmm load).
func alignedFloats(n int) []float32 {
	buf := make([]float32, n+16)
	off := int(uintptr(unsafe.Pointer(&buf[0]))&63) / 4
	if off != 0 {
		off = 16 - off
	}
	return buf[off : off+n : off+n]
}

// growFloats returns buf if it holds n floats, else a new aligned slice.
func growFloats(buf []float32, n int) []float32 {
	if cap(buf) >= n {
		return buf[:n]
	}
	return alignedFloats(n)
}

// growInts returns buf resized to n ints, reallocating when too small.
func growInts(buf []int, n int) []int {
	if cap(buf) >= n {
		return buf[:n]
	}
	return make([]int, n)
}

// freeList keeps scratch objects between calls. Unlike sync.Pool it is not
// emptied by the garbage collector, so the large packing buffers are not
// reallocated after every GC cycle; it holds at most maxFree objects (the
// number of goroutines that ever needed one at the same time, in practice).
type freeList[T any] struct {
	mu    sync.Mutex
	items []*T
}

const maxFree = 64

func (l *freeList[T]) get() *T {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := len(l.items); n > 0 {
		it := l.items[n-1]
		l.items = l.items[:n-1]
		return it
	}
	return new(T)
}

func (l *freeList[T]) put(it *T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.items) < maxFree {
		l.items = append(l.items, it)
	}
}
