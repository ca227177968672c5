package busfake

import (
	"sync"
	"time"

	"github.com/opskit-dev/opskit/bus/driver"
)

func (ch *channel) Consume(queueName, tag string, exclusive bool, args driver.Table) (driver.Deliveries, error) {
	if err := ch.lock(); err != nil {
		return nil, err
	}
	defer ch.unlock()
	q := ch.c.b.queues[queueName]
	if q == nil {
		return nil, ch.fail(driver.CodeNotFound, "NOT_FOUND - no queue '%s' in vhost '/'", queueName)
	}
	if q.exclusive && q.owner != ch.c {
		return nil, ch.fail(driver.CodeResourceLocked, "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '%s' in vhost '/'", queueName)
	}
	var pos int64
	if q.qtype == "stream" {
		if ch.prefetch == 0 {
			return nil, ch.fail(driver.CodePreconditionFailed, "PRECONDITION_FAILED - consumer prefetch count is not set for '%s'", queueName)
		}
		var err error
		if pos, err = q.streamStart(args["x-stream-offset"], time.Now()); err != nil {
			return nil, ch.fail(driver.CodePreconditionFailed, "PRECONDITION_FAILED - %v", err)
		}
	}
	for _, c := range q.consumers {
		if c.exclusive || exclusive {
			return nil, ch.fail(driver.CodeAccessRefused, "ACCESS_REFUSED - queue '%s' in vhost '/' in exclusive use", queueName)
		}
	}
	if _, dup := ch.consumers[tag]; dup {
		return nil, ch.connFail(driver.CodeNotAllowed, "NOT_ALLOWED - attempt to reuse consumer tag '%s'", tag)
	}
	cons := newConsumer(ch, q, tag, ch.prefetch, exclusive)
	cons.pos = pos
	ch.consumers[tag] = cons
	q.consumers = append(q.consumers, cons)
	q.hadCons = true
	q.dispatch()
	return stream(cons.out), nil
}

func (ch *channel) Cancel(tag string) error {
	if err := ch.lock(); err != nil {
		return err
	}
	defer ch.unlock()
	cons := ch.consumers[tag]
	if cons == nil {
		return nil
	}
	delete(ch.consumers, tag)
	cons.stop(false)
	cons.q.removeConsumer(cons)
	return nil
}

// cancelByBroker ends a consumer whose queue was deleted.
func (ch *channel) cancelByBroker(cons *consumer) {
	delete(ch.consumers, cons.tag)
	cons.stop(false)
}

// consumer pumps deliveries to the client without holding the broker lock.
type consumer struct {
	ch        *channel
	q         *queue
	tag       string
	prefetch  int
	exclusive bool
	unacked   int
	pos       int64 // next stream offset to deliver (stream queues)
	out       chan driver.Delivery

	mu      sync.Mutex
	buf     []driver.Delivery
	ended   bool
	wake    chan struct{}
	abort   chan struct{}
	stopped bool
}

func newConsumer(ch *channel, q *queue, tag string, prefetch int, exclusive bool) *consumer {
	c := &consumer{ch: ch, q: q, tag: tag, prefetch: prefetch, exclusive: exclusive,
		out: make(chan driver.Delivery), wake: make(chan struct{}, 1), abort: make(chan struct{})}
	go c.pump()
	return c
}

func (c *consumer) hasRoom() bool { return c.prefetch == 0 || c.unacked < c.prefetch }

// deliver hands m to this consumer. Callers hold b.mu.
func (c *consumer) deliver(m *qmsg) {
	c.ch.nextTag++
	tag := c.ch.nextTag
	c.ch.unacked[tag] = &unacked{q: c.q, m: m, cons: c}
	c.unacked++
	msg := m.msg
	if m.count > 0 {
		msg = withHeader(msg, "x-delivery-count", int64(m.count))
	}
	d := driver.Delivery{Tag: tag, ConsumerTag: c.tag, Redelivered: m.redelivered,
		Exchange: m.exchange, RoutingKey: m.key, Message: msg}
	c.mu.Lock()
	c.buf = append(c.buf, d)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// stop ends the consumer: after a cancel the deliveries already sent are
// still handed over; when the channel closes they are dropped (and requeued
// by the channel). Callers hold b.mu.
func (c *consumer) stop(abort bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	c.stopped = true
	c.ended = true
	if abort {
		close(c.abort)
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *consumer) pump() {
	defer close(c.out)
	for {
		c.mu.Lock()
		if len(c.buf) == 0 {
			ended := c.ended
			c.mu.Unlock()
			if ended {
				return
			}
			select {
			case <-c.wake:
			case <-c.abort:
				return
			}
			continue
		}
		d := c.buf[0]
		c.buf = c.buf[1:]
		c.mu.Unlock()
		select {
		case c.out <- d:
		case <-c.abort:
			return
		}
	}
}

// stream is a consumer's deliveries as driver.Deliveries.
type stream <-chan driver.Delivery

func (s stream) Next() (driver.Delivery, bool) {
	d, ok := <-s
	return d, ok
}
