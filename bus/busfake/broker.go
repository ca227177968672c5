// Package busfake is an in-memory RabbitMQ broker behind the bus driver
// interface, for tests and local development; it is not for production.
//
// It is a real implementation, proven by the same conformance suite
// (bus/bustest) that runs against a RabbitMQ cluster: direct, fanout, topic
// (* and #), headers (x-match all/any) and consistent-hash exchanges,
// exchange-to-exchange bindings with cycle elimination, the default exchange,
// dead-lettering on reject, expiry, maximum length and delivery limit (with
// x-death headers), per-consumer prefetch, single active consumer, exclusive
// and auto-delete queues, the redelivered flag, mandatory returns, publisher
// confirms (nacks for reject-publish overflow), redeclare equivalence checks
// with RabbitMQ's error texts, and memory alarms (connection.blocked).
//
// One Broker stands for a whole cluster: every address dialled reaches the
// same state. A queue lives on the node (host:port) of the connection that
// declared it, as with RabbitMQ's client-local placement.
//
// # Controlling the broker from a test
//
// Methods of *Broker, beside Dialer, let a test break and inspect it:
//
//   - StopNode(addr) and StartNode(addr) stop and restart one node, as
//     rabbitmqctl stop_app and start_app do: its connections close with
//     CONNECTION_FORCED and new ones are refused until it starts.
//   - CloseConnections() force-closes every client connection, as the
//     management API's "close connection" does.
//   - SetAlarm(true) raises a resource alarm (connection.blocked, publishes
//     wait); SetAlarm(false) clears it.
//   - Connections() counts the open client connections; Queues() lists the
//     queues with their messages and consumers.
//   - Exchange, Queue and BindingsFrom answer as the management API does, so
//     the Broker is a bus.Inspector for bus.Diff.
//
// Limits: one virtual host; stream queues are read from any offset but
// never truncated (no retention), no transactions, no priorities, no lazy
// expiry semantics (expired messages are removed wherever they are in the
// queue); no node hangs (a stopped node refuses at once, heartbeats are not
// modelled); the "balanced" locator places a queue on the declaring node
// too; the consistent-hash exchange hashes with FNV-1a, not Erlang's phash2,
// so one key may land on another queue than on RabbitMQ, with the same
// even spread; no TLS or login (amqps:// URLs, Options.TLS and ExternalAuth
// are accepted and ignored: TLS is checked on RabbitMQ only).
package busfake

import (
	"context"
	"fmt"
	"net/url"
	"sync"

	"github.com/opskit-dev/opskit/bus/driver"
)

// Broker is an in-memory RabbitMQ cluster. The zero value is not usable; call NewBroker.
type Broker struct {
	mu        sync.Mutex
	exchanges map[string]*exchange
	queues    map[string]*queue
	conns     map[*conn]struct{}
	stopped   map[string]bool // node address -> stopped
	alarm     bool
	unalarm   chan struct{} // closed while no alarm
	nextConn  int
}

// NewBroker returns an empty broker with RabbitMQ's predeclared amq.*
// exchanges.
func NewBroker() *Broker {
	b := &Broker{
		exchanges: map[string]*exchange{},
		queues:    map[string]*queue{},
		conns:     map[*conn]struct{}{},
		stopped:   map[string]bool{},
		unalarm:   make(chan struct{}),
	}
	close(b.unalarm)
	for name, kind := range map[string]string{
		"": "direct", "amq.direct": "direct", "amq.fanout": "fanout",
		"amq.topic": "topic", "amq.headers": "headers", "amq.match": "headers",
	} {
		b.exchanges[name] = &exchange{name: name, kind: kind, durable: true}
	}
	return b
}

// Dialer returns a driver.Dialer whose connections reach this broker. The
// address's host:port names the node.
func (b *Broker) Dialer() driver.Dialer { return dialer{b} }

// dialer connects to the nodes of one Broker.
type dialer struct{ b *Broker }

var _ driver.Dialer = dialer{}

func nodeOf(addr string) (string, error) {
	u, err := url.Parse(addr)
	if err != nil || (u.Scheme != "amqp" && u.Scheme != "amqps") || u.Host == "" {
		return "", fmt.Errorf("busfake: invalid AMQP URL")
	}
	return u.Host, nil
}

// Dial implements driver.Dialer.
func (d dialer) Dial(ctx context.Context, addr string, cfg driver.Config) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	node, err := nodeOf(addr)
	if err != nil {
		return nil, err
	}
	b := d.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped[node] {
		return nil, fmt.Errorf("busfake: dial %s: connection refused", node)
	}
	b.nextConn++
	c := &conn{b: b, node: node, id: b.nextConn, cfg: cfg, done: make(chan struct{}),
		channels: map[*channel]struct{}{}, events: newEventQueue()}
	b.conns[c] = struct{}{}
	if b.alarm && cfg.OnBlocked != nil {
		c.events.push(func() { cfg.OnBlocked(true, "low on memory") })
	}
	return c, nil
}

// StopNode simulates `rabbitmqctl stop_app` on the node at addr (host:port
// or an AMQP URL): its connections are closed with CONNECTION_FORCED and new
// connections are refused until StartNode. Queue contents survive, as with
// replicated queues.
func (b *Broker) StopNode(addr string) {
	node := addr
	if n, err := nodeOf(addr); err == nil {
		node = n
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopped[node] = true
	for c := range b.conns {
		if c.node == node {
			c.closeLocked(&driver.Error{Code: driver.CodeConnectionForced,
				Reason: "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'", Server: true})
		}
	}
}

// StartNode undoes StopNode.
func (b *Broker) StartNode(addr string) {
	node := addr
	if n, err := nodeOf(addr); err == nil {
		node = n
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.stopped, node)
}

// CloseConnections force-closes every client connection, as the management
// API's "close connection" does.
func (b *Broker) CloseConnections() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for c := range b.conns {
		c.closeLocked(&driver.Error{Code: driver.CodeConnectionForced,
			Reason: "CONNECTION_FORCED - Closed via management plugin", Server: true})
	}
}

// SetAlarm raises (true) or clears (false) a resource alarm: connections get
// connection.blocked / connection.unblocked, and publishes wait while it is raised.
func (b *Broker) SetAlarm(on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if on == b.alarm {
		return
	}
	b.alarm = on
	if on {
		b.unalarm = make(chan struct{})
	} else {
		close(b.unalarm)
	}
	for c := range b.conns {
		if f := c.cfg.OnBlocked; f != nil {
			c.events.push(func() { f(on, "low on memory") })
		}
	}
}

// Connections returns how many client connections are open.
func (b *Broker) Connections() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.conns)
}

// eventQueue runs callbacks in order on its own goroutine, outside any lock.
type eventQueue struct {
	mu     sync.Mutex
	fns    []func()
	wake   chan struct{}
	closed bool
}

func newEventQueue() *eventQueue {
	q := &eventQueue{wake: make(chan struct{}, 1)}
	go q.loop()
	return q
}

func (q *eventQueue) push(f func()) {
	q.mu.Lock()
	if !q.closed {
		q.fns = append(q.fns, f)
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// close stops the queue after the callbacks already pushed have run.
func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *eventQueue) loop() {
	for range q.wake {
		for {
			q.mu.Lock()
			fns, closed := q.fns, q.closed
			q.fns = nil
			q.mu.Unlock()
			for _, f := range fns {
				f()
			}
			if len(fns) == 0 {
				if closed {
					return
				}
				break
			}
		}
	}
}
