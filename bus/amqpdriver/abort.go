package amqpdriver

import (
	"context"
	"sync"
)

// writeWatch aborts a publish whose context ends while its frames are being
// written. amqp091-go checks the context only before it starts writing, and a
// write to a node that stopped reading blocks until the socket fails. A
// message cannot be taken back halfway through its frames, so the only way
// to honour the context is to reset the socket: the broker discards the
// partial message (it is never delivered) and the connection fails over.
type writeWatch struct {
	mu      sync.Mutex
	writing bool
	aborted bool
	stop    func() bool
}

// watch starts watching ctx, which can end, for one write on c; call
// finish after the write.
func (c *channel) watch(ctx context.Context) *writeWatch {
	w := &writeWatch{writing: true}
	w.stop = context.AfterFunc(ctx, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.writing {
			w.aborted = true
			c.sock.reset()
		}
	})
	return w
}

// finish ends the watch and reports whether the write was aborted.
func (w *writeWatch) finish() bool {
	w.stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writing = false
	return w.aborted
}
