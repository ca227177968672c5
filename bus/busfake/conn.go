package busfake

import (
	"context"

	"github.com/opskit-dev/opskit/bus/driver"
)

// conn is one client connection to a node of the Broker.
type conn struct {
	b        *Broker
	node     string
	id       int
	cfg      driver.Config
	done     chan struct{}
	err      error
	closed   bool
	channels map[*channel]struct{}
	events   *eventQueue
}

func (c *conn) Channel(ctx context.Context) (driver.Channel, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	if c.closed {
		return nil, driver.ErrClosed
	}
	ch := &channel{c: c, done: make(chan struct{}), unacked: map[uint64]*unacked{},
		consumers: map[string]*consumer{}, events: newEventQueue()}
	c.channels[ch] = struct{}{}
	return ch, nil
}

func (c *conn) Done() <-chan struct{} { return c.done }

func (c *conn) Err() error {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	return c.err
}

func (c *conn) Close() error {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	c.closeLocked(nil)
	return nil
}

// closeLocked closes every channel, deletes exclusive queues and ends the
// connection. Callers hold b.mu.
func (c *conn) closeLocked(err error) {
	if c.closed {
		return
	}
	c.closed = true
	c.err = err
	for ch := range c.channels {
		ch.closeLocked(err)
	}
	for _, q := range c.b.queues {
		if q.exclusive && q.owner == c {
			c.b.deleteQueue(q)
		}
	}
	delete(c.b.conns, c)
	c.events.close()
	close(c.done)
}

var _ driver.Conn = (*conn)(nil)
