package busfake

import (
	"fmt"
	"sort"

	"github.com/opskit-dev/opskit/bus/driver"
)

// unacked is a delivery awaiting its ack, nack or channel close.
type unacked struct {
	q    *queue
	m    *qmsg
	cons *consumer
}

// channel is one AMQP channel of a conn: its prefetch, confirm mode,
// unacknowledged deliveries and consumers. Its operations are in
// declare.go, publish.go and consumer.go.
type channel struct {
	c          *conn
	done       chan struct{}
	err        error
	closed     bool
	prefetch   int
	confirming bool
	handlers   driver.Handlers
	pubSeq     uint64
	nextTag    uint64
	unacked    map[uint64]*unacked
	consumers  map[string]*consumer
	events     *eventQueue
}

var _ driver.Channel = (*channel)(nil)

func (ch *channel) Done() <-chan struct{} { return ch.done }

func (ch *channel) Err() error {
	ch.c.b.mu.Lock()
	defer ch.c.b.mu.Unlock()
	return ch.err
}

func (ch *channel) Close() error {
	ch.c.b.mu.Lock()
	defer ch.c.b.mu.Unlock()
	ch.closeLocked(nil)
	return nil
}

// closeLocked requeues unacknowledged deliveries, stops consumers and ends
// the channel. Callers hold b.mu.
func (ch *channel) closeLocked(err error) {
	if ch.closed {
		return
	}
	ch.closed = true
	ch.err = err
	for _, cons := range ch.consumers {
		cons.stop(true)
		cons.q.removeConsumer(cons)
	}
	ch.consumers = map[string]*consumer{}
	tags := make([]uint64, 0, len(ch.unacked))
	for t := range ch.unacked {
		tags = append(tags, t)
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i] > tags[j] })
	touched := map[*queue]bool{}
	for _, t := range tags {
		u := ch.unacked[t]
		u.q.requeue(u.m)
		touched[u.q] = true
	}
	ch.unacked = nil
	for q := range touched {
		if !q.deleted {
			q.dispatch()
		}
	}
	delete(ch.c.channels, ch)
	ch.events.close()
	close(ch.done)
}

// fail raises a channel exception: the channel closes with code and text.
func (ch *channel) fail(code int, format string, args ...any) error {
	e := &driver.Error{Code: code, Reason: fmt.Sprintf(format, args...), Server: true}
	ch.closeLocked(e)
	return e
}

// connFail raises a connection exception.
func (ch *channel) connFail(code int, format string, args ...any) error {
	e := &driver.Error{Code: code, Reason: fmt.Sprintf(format, args...), Server: true}
	ch.c.closeLocked(e)
	return e
}

// lock takes the broker lock and checks the channel is open.
func (ch *channel) lock() error {
	ch.c.b.mu.Lock()
	if ch.closed {
		ch.c.b.mu.Unlock()
		return driver.ErrClosed
	}
	return nil
}

func (ch *channel) unlock() { ch.c.b.mu.Unlock() }

func (ch *channel) Qos(prefetch int) error {
	if err := ch.lock(); err != nil {
		return err
	}
	defer ch.unlock()
	ch.prefetch = prefetch
	return nil
}

func (ch *channel) Confirm(h driver.Handlers) error {
	if err := ch.lock(); err != nil {
		return err
	}
	defer ch.unlock()
	ch.confirming = true
	ch.handlers = h
	return nil
}

func (ch *channel) settle(tag uint64) (*unacked, error) {
	u := ch.unacked[tag]
	if u == nil {
		return nil, ch.fail(driver.CodePreconditionFailed, "PRECONDITION_FAILED - unknown delivery tag %d", tag)
	}
	delete(ch.unacked, tag)
	if u.cons != nil {
		u.cons.unacked--
	}
	return u, nil
}

func (ch *channel) Ack(tag uint64) error {
	if err := ch.lock(); err != nil {
		return err
	}
	defer ch.unlock()
	u, err := ch.settle(tag)
	if err != nil {
		return err
	}
	if !u.q.deleted {
		u.q.dispatch()
	}
	return nil
}

func (ch *channel) Nack(tag uint64, requeue bool) error {
	if err := ch.lock(); err != nil {
		return err
	}
	defer ch.unlock()
	u, err := ch.settle(tag)
	if err != nil {
		return err
	}
	if u.q.deleted {
		return nil
	}
	if requeue {
		u.q.requeue(u.m)
	} else {
		u.q.deadLetter(u.m, "rejected")
	}
	u.q.dispatch()
	return nil
}
