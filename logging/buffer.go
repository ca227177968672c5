package logging

import (
	"context"
	"sync"
	"time"
)

// ackPoint is an acknowledgement owed to a source for a dropped event.
type ackPoint struct {
	acker  Acker
	offset int64
}

// buffer is a bounded FIFO of events, counted in events and message bytes.
type buffer struct {
	mu        sync.Mutex
	notEmpty  *sync.Cond
	notFull   *sync.Cond
	q         []Event // ring
	head, n   int
	bytes     int
	maxBytes  int
	policy    Policy
	closed    bool
	dropped   []ackPoint
	dropCount int64
}

func newBuffer(maxEvents, maxBytes int, policy Policy) *buffer {
	b := &buffer{q: make([]Event, maxEvents), maxBytes: maxBytes, policy: policy}
	b.notEmpty = sync.NewCond(&b.mu)
	b.notFull = sync.NewCond(&b.mu)
	return b
}

func (b *buffer) full(size int) bool {
	return b.n == len(b.q) || (b.n > 0 && b.bytes+size > b.maxBytes)
}

// put appends events, waiting or dropping per policy. It returns the number
// of events accepted before an error.
func (b *buffer) put(ctx context.Context, evs []Event) (int, error) {
	now := time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	var stop func() bool
	for i := range evs {
		ev := &evs[i]
		for b.full(ev.Size()) && !b.closed {
			if b.policy == DropOldest {
				b.dropOldestLocked()
				continue
			}
			if err := ctx.Err(); err != nil {
				return i, err
			}
			if stop == nil {
				stop = context.AfterFunc(ctx, func() {
					b.mu.Lock()
					b.notFull.Broadcast()
					b.mu.Unlock()
				})
				defer stop()
			}
			b.notFull.Wait()
		}
		if b.closed {
			return i, ErrClosed
		}
		ev.enqueued = now
		b.q[(b.head+b.n)%len(b.q)] = *ev
		b.n++
		b.bytes += ev.Size()
	}
	b.notEmpty.Signal()
	return len(evs), nil
}

func (b *buffer) dropOldestLocked() {
	ev := &b.q[b.head]
	if ev.Acker != nil {
		b.dropped = append(b.dropped, ackPoint{ev.Acker, ev.Offset})
	}
	b.bytes -= ev.Size()
	*ev = Event{}
	b.head = (b.head + 1) % len(b.q)
	b.n--
	b.dropCount++
}

// take waits until events are buffered and either maxEvents/maxBytes are
// reached or linger passed since the first event was seen, or the buffer is
// closed. It appends the batch to dst and returns it with the drop
// acknowledgements owed so far. ok is false once closed and empty.
func (b *buffer) take(dst []Event, maxEvents, maxBytes int, linger time.Duration) (batch []Event, drops []ackPoint, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.n == 0 && !b.closed {
		if len(b.dropped) > 0 {
			drops, b.dropped = b.dropped, nil
			return dst, drops, true
		}
		b.notEmpty.Wait()
	}
	if b.n == 0 && b.closed {
		drops, b.dropped = b.dropped, nil
		return dst, drops, len(drops) > 0
	}
	if linger > 0 && b.n < maxEvents && b.bytes < maxBytes && !b.closed {
		deadline := time.Now().Add(linger)
		t := time.AfterFunc(linger, func() {
			b.mu.Lock()
			b.notEmpty.Broadcast()
			b.mu.Unlock()
		})
		for b.n < maxEvents && b.bytes < maxBytes && !b.closed && time.Now().Before(deadline) {
			b.notEmpty.Wait()
		}
		t.Stop()
	}
	size := 0
	for b.n > 0 && len(dst) < maxEvents {
		ev := &b.q[b.head]
		if len(dst) > 0 && size+ev.Size() > maxBytes {
			break
		}
		size += ev.Size()
		dst = append(dst, *ev)
		b.bytes -= ev.Size()
		*ev = Event{}
		b.head = (b.head + 1) % len(b.q)
		b.n--
	}
	drops, b.dropped = b.dropped, nil
	b.notFull.Broadcast()
	return dst, drops, true
}

// oldest returns the enqueue time of the oldest buffered event.
func (b *buffer) oldest() (time.Time, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n == 0 {
		return time.Time{}, false
	}
	return b.q[b.head].enqueued, true
}

func (b *buffer) len() (events, bytes int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n, b.bytes
}

func (b *buffer) close() {
	b.mu.Lock()
	b.closed = true
	b.notEmpty.Broadcast()
	b.notFull.Broadcast()
	b.mu.Unlock()
}
