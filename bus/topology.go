package bus

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/bus/driver"
)

// Table holds AMQP arguments and headers.
type Table = driver.Table

// ExchangeKind is an exchange type.
type ExchangeKind string

// Exchange kinds. ConsistentHash needs the rabbitmq_consistent_hash_exchange
// plugin; its binding keys are weights ("1", "2", ...).
const (
	Direct         ExchangeKind = "direct"
	Fanout         ExchangeKind = "fanout"
	Topic          ExchangeKind = "topic"
	Headers        ExchangeKind = "headers"
	ConsistentHash ExchangeKind = "x-consistent-hash"
)

// Exchange declares an exchange. The zero value of the flags is a durable,
// non-internal exchange that is not auto-deleted.
type Exchange struct {
	Name       string
	Kind       ExchangeKind
	Transient  bool
	AutoDelete bool
	// Internal exchanges accept messages only from exchange-to-exchange bindings.
	Internal bool
	// AlternateExchange receives messages this exchange cannot route.
	AlternateExchange string
	// HashHeader makes a consistent-hash exchange hash this header instead of
	// the routing key.
	HashHeader string
	// Args are extra arguments.
	Args Table
}

// QueueType is the queue implementation.
type QueueType string

// Queue types. The empty type declares a classic queue without the
// x-queue-type argument.
const (
	Classic QueueType = "classic"
	Quorum  QueueType = "quorum"
	Stream  QueueType = "stream"
)

// Overflow behaviours for queues with a maximum length.
const (
	DropHead         = "drop-head"
	RejectPublish    = "reject-publish"
	RejectPublishDLX = "reject-publish-dlx"
)

// Queue declares a queue. The zero value of the flags is a durable queue.
type Queue struct {
	Name      string
	Type      QueueType
	Transient bool
	// AutoDelete deletes the queue when its last consumer goes away.
	AutoDelete bool
	// Exclusive queues belong to the declaring connection (classic only).
	Exclusive bool
	// DeadLetterExchange receives rejected, expired and over-limit messages.
	DeadLetterExchange string
	// DeadLetterRoutingKey replaces the routing key of dead-lettered messages.
	DeadLetterRoutingKey string
	// DeliveryLimit dead-letters (or drops) a message after this many
	// failed deliveries (quorum queues only). Zero leaves the broker default.
	DeliveryLimit int
	// MaxLength and MaxLengthBytes bound the queue; Overflow says what happens
	// when it is full (DropHead, RejectPublish or RejectPublishDLX).
	MaxLength      int
	MaxLengthBytes int
	Overflow       string
	// MessageTTL expires messages that stay longer in the queue (millisecond precision).
	MessageTTL time.Duration
	// SingleActiveConsumer delivers to one consumer at a time.
	SingleActiveConsumer bool
	// LeaderLocator places the queue, or a quorum queue's or stream's
	// leader: "client-local" on the node the declaring Conn is connected to
	// (connect with Options.InOrder to choose it), "balanced" on the node
	// with the fewest. Quorum queues and streams get x-queue-leader-locator;
	// classic queues get x-queue-master-locator (client-local or min-masters),
	// the argument RabbitMQ 3.10 reads for them. RabbitMQ compares it on a
	// redeclare: changing it on an existing queue is a *ConflictError.
	LeaderLocator string
	// Args are extra arguments.
	Args Table
}

// Binding routes messages from the Source exchange to Destination: a queue,
// or an exchange when ToExchange is set (an exchange-to-exchange binding).
type Binding struct {
	Source      string
	Destination string
	ToExchange  bool
	Key         string
	Args        Table
}

// Topology is a set of entities to declare together.
type Topology struct {
	Exchanges []Exchange
	Queues    []Queue
	Bindings  []Binding
}

func (e Exchange) input() string { return fmt.Sprintf("exchange %q", e.Name) }
func (q Queue) input() string    { return fmt.Sprintf("queue %q", q.Name) }
func (b Binding) input() string {
	return fmt.Sprintf("binding %q -> %q (key %q)", b.Source, b.Destination, b.Key)
}

func (e Exchange) driver() driver.Exchange {
	args := copyArgs(e.Args)
	if e.AlternateExchange != "" {
		args["alternate-exchange"] = e.AlternateExchange
	}
	if e.HashHeader != "" {
		args["hash-header"] = e.HashHeader
	}
	if len(args) == 0 {
		args = nil
	}
	return driver.Exchange{Name: e.Name, Kind: string(e.Kind), Durable: !e.Transient,
		AutoDelete: e.AutoDelete, Internal: e.Internal, Args: args}
}

func (q Queue) driver() driver.Queue {
	args := copyArgs(q.Args)
	if q.Type != "" {
		args["x-queue-type"] = string(q.Type)
	}
	if q.DeadLetterExchange != "" {
		args["x-dead-letter-exchange"] = q.DeadLetterExchange
	}
	if q.DeadLetterRoutingKey != "" {
		args["x-dead-letter-routing-key"] = q.DeadLetterRoutingKey
	}
	if q.DeliveryLimit > 0 {
		args["x-delivery-limit"] = int64(q.DeliveryLimit)
	}
	if q.MaxLength > 0 {
		args["x-max-length"] = int64(q.MaxLength)
	}
	if q.MaxLengthBytes > 0 {
		args["x-max-length-bytes"] = int64(q.MaxLengthBytes)
	}
	if q.Overflow != "" {
		args["x-overflow"] = q.Overflow
	}
	if q.MessageTTL > 0 {
		args["x-message-ttl"] = q.MessageTTL.Milliseconds()
	}
	if q.SingleActiveConsumer {
		args["x-single-active-consumer"] = true
	}
	switch {
	case q.LeaderLocator == "":
	case q.Type == Quorum || q.Type == Stream:
		args["x-queue-leader-locator"] = q.LeaderLocator
	case q.LeaderLocator == "balanced":
		args["x-queue-master-locator"] = "min-masters"
	default:
		args["x-queue-master-locator"] = q.LeaderLocator
	}
	if len(args) == 0 {
		args = nil
	}
	return driver.Queue{Name: q.Name, Durable: !q.Transient, AutoDelete: q.AutoDelete,
		Exclusive: q.Exclusive, Args: args}
}

func (b Binding) driver() driver.Binding {
	return driver.Binding{Source: b.Source, Destination: b.Destination, Key: b.Key, Args: b.Args}
}

func copyArgs(t Table) Table {
	out := make(Table, len(t)+4)
	for k, v := range t {
		out[k] = v
	}
	return out
}

// declare applies t on ch in order: exchanges, queues, bindings.
func (t Topology) declare(ch driver.Channel) error {
	for _, e := range t.Exchanges {
		if err := ch.ExchangeDeclare(e.driver(), false); err != nil {
			return wrapBroker("declare "+e.input(), err)
		}
	}
	for _, q := range t.Queues {
		if _, err := ch.QueueDeclare(q.driver(), false); err != nil {
			return wrapBroker("declare "+q.input(), err)
		}
	}
	for _, b := range t.Bindings {
		var err error
		if b.ToExchange {
			err = ch.ExchangeBind(b.driver())
		} else {
			err = ch.QueueBind(b.driver())
		}
		if err != nil {
			return wrapBroker("declare "+b.input(), err)
		}
	}
	return nil
}

// topologyLog remembers what was applied through a Conn, for recovery.
type topologyLog struct {
	mu      sync.Mutex
	applied []Topology
}

func (l *topologyLog) add(t Topology) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.applied = append(l.applied, t)
}

func (l *topologyLog) forget(pred func(Topology) Topology) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, t := range l.applied {
		l.applied[i] = pred(t)
	}
}

func (l *topologyLog) all() []Topology {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Topology(nil), l.applied...)
}

// Apply validates t, then declares its exchanges, queues and bindings, in that
// order. Declaring what already exists with the same properties is a no-op,
// so Apply is idempotent. A redeclare with different properties returns a
// *ConflictError naming the entity and the argument. Invalid input returns an
// *InvalidError and nothing is declared. The Conn remembers t and redeclares
// it after every reconnect.
func (c *Conn) Apply(ctx context.Context, t Topology) error {
	if err := t.Validate(); err != nil {
		return err
	}
	ch, err := c.channel(ctx)
	if err != nil {
		return err
	}
	defer ch.Close()
	if err := t.declare(ch); err != nil {
		return err
	}
	c.topo.add(t)
	return nil
}

// DeleteQueue deletes a queue and returns how many messages it held. The
// Conn stops redeclaring it after reconnects.
func (c *Conn) DeleteQueue(ctx context.Context, name string) (int, error) {
	ch, err := c.channel(ctx)
	if err != nil {
		return 0, err
	}
	defer ch.Close()
	n, err := ch.QueueDelete(name)
	if err != nil {
		return 0, wrapBroker(fmt.Sprintf("delete queue %q", name), err)
	}
	c.topo.forget(func(t Topology) Topology {
		var qs []Queue
		for _, q := range t.Queues {
			if q.Name != name {
				qs = append(qs, q)
			}
		}
		var bs []Binding
		for _, b := range t.Bindings {
			if b.ToExchange || b.Destination != name {
				bs = append(bs, b)
			}
		}
		t.Queues, t.Bindings = qs, bs
		return t
	})
	return n, nil
}

// DeleteExchange deletes an exchange. The Conn stops redeclaring it.
func (c *Conn) DeleteExchange(ctx context.Context, name string) error {
	ch, err := c.channel(ctx)
	if err != nil {
		return err
	}
	defer ch.Close()
	if err := ch.ExchangeDelete(name); err != nil {
		return wrapBroker(fmt.Sprintf("delete exchange %q", name), err)
	}
	c.topo.forget(func(t Topology) Topology {
		var es []Exchange
		for _, e := range t.Exchanges {
			if e.Name != name {
				es = append(es, e)
			}
		}
		var bs []Binding
		for _, b := range t.Bindings {
			if b.Source != name && !(b.ToExchange && b.Destination == name) {
				bs = append(bs, b)
			}
		}
		t.Exchanges, t.Bindings = es, bs
		return t
	})
	return nil
}

// PurgeQueue removes a queue's ready messages and returns how many it removed.
func (c *Conn) PurgeQueue(ctx context.Context, name string) (int, error) {
	ch, err := c.channel(ctx)
	if err != nil {
		return 0, err
	}
	defer ch.Close()
	n, err := ch.QueuePurge(name)
	return n, wrapBroker(fmt.Sprintf("purge queue %q", name), err)
}

// QueueState is what a passive declare reports about a queue.
type QueueState struct {
	Name      string
	Ready     int
	Consumers int
}

// InspectQueue passively declares a queue and reports its ready messages and
// consumers. It returns an error matching ErrNotFound if there is no such queue.
func (c *Conn) InspectQueue(ctx context.Context, name string) (QueueState, error) {
	ch, err := c.channel(ctx)
	if err != nil {
		return QueueState{}, err
	}
	defer ch.Close()
	st, err := ch.QueueDeclare(driver.Queue{Name: name}, true)
	if err != nil {
		return QueueState{}, wrapBroker(fmt.Sprintf("inspect queue %q", name), err)
	}
	return QueueState{Name: st.Name, Ready: st.Messages, Consumers: st.Consumers}, nil
}
