package busfake

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/bus/driver"
)

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

type unacked struct {
	q    *queue
	m    *qmsg
	cons *consumer
}

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

func (ch *channel) Publish(ctx context.Context, p driver.Publishing) (uint64, error) {
	b := ch.c.b
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if err := ch.lock(); err != nil {
			return 0, err
		}
		if !b.alarm {
			break
		}
		wait := b.unalarm
		ch.unlock()
		// A blocked connection stops reading: the write waits.
		select {
		case <-wait:
		case <-ch.done:
		case <-ctx.Done():
		}
	}
	defer ch.unlock()
	var seq uint64
	if ch.confirming {
		ch.pubSeq++
		seq = ch.pubSeq
	}
	x := b.exchanges[p.Exchange]
	if x == nil {
		ch.fail(driver.CodeNotFound, "NOT_FOUND - no exchange '%s' in vhost '/'", p.Exchange)
		return seq, nil
	}
	if x.internal {
		ch.fail(driver.CodeAccessRefused, "ACCESS_REFUSED - cannot publish to internal exchange '%s' in vhost '/'", p.Exchange)
		return seq, nil
	}
	msg := p.Message
	msg.Headers = copyTable(msg.Headers)
	msg.Body = append([]byte(nil), msg.Body...)
	queues := b.route(p.Exchange, p.RoutingKey, msg.Headers)
	if len(queues) == 0 {
		if ae, ok := x.args["alternate-exchange"].(string); ok {
			queues = b.route(ae, p.RoutingKey, msg.Headers)
		}
	}
	ack := true
	now := time.Now()
	for _, q := range queues {
		if !q.enqueue(p.Exchange, p.RoutingKey, msg, now) {
			ack = false
		}
	}
	h := ch.handlers
	if len(queues) == 0 && p.Mandatory && h.Return != nil {
		ret := driver.Return{ReplyCode: driver.CodeNoRoute, ReplyText: "NO_ROUTE",
			Exchange: p.Exchange, RoutingKey: p.RoutingKey, Message: msg}
		ch.events.push(func() { h.Return(ret) })
	}
	if ch.confirming && h.Confirm != nil {
		ch.events.push(func() { h.Confirm(seq, ack) })
	}
	return seq, nil
}

// withHeader returns msg with header k set to v, leaving msg's own headers
// (shared with the queued copy) untouched.
func withHeader(msg driver.Message, k string, v any) driver.Message {
	msg.Headers = copyTable(msg.Headers)
	if msg.Headers == nil {
		msg.Headers = driver.Table{}
	}
	msg.Headers[k] = v
	return msg
}

func copyTable(t driver.Table) driver.Table {
	if t == nil {
		return nil
	}
	out := make(driver.Table, len(t))
	for k, v := range t {
		out[k] = v
	}
	return out
}

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

var (
	_ driver.Dialer  = dialer{}
	_ driver.Conn    = (*conn)(nil)
	_ driver.Channel = (*channel)(nil)
)

type stream <-chan driver.Delivery

func (s stream) Next() (driver.Delivery, bool) {
	d, ok := <-s
	return d, ok
}
