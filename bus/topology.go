package bus

import (
	"fmt"
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
	// Name is the exchange's name; it must not be empty.
	Name string
	// Kind is how the exchange routes (Direct, Fanout, Topic, Headers,
	// ConsistentHash).
	Kind ExchangeKind
	// Transient exchanges do not survive a broker restart.
	Transient bool
	// AutoDelete deletes the exchange when its last binding goes away.
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
	// Name is the queue's name; it must not be empty (server-named queues
	// cannot be recovered).
	Name string
	// Type is the queue implementation; empty declares a classic queue.
	Type QueueType
	// Transient queues do not survive a broker restart (classic only).
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
	// Source is the exchange messages come from.
	Source string
	// Destination is the queue, or exchange, messages go to.
	Destination string
	// ToExchange makes Destination an exchange.
	ToExchange bool
	// Key is the binding key: a routing key, a topic pattern, or a
	// consistent-hash weight.
	Key string
	// Args are the binding's arguments (x-match and the headers to match,
	// for a headers exchange).
	Args Table
}

// Topology is a set of entities to declare together.
type Topology struct {
	// Exchanges are declared first, in order.
	Exchanges []Exchange
	// Queues are declared after the exchanges, in order.
	Queues []Queue
	// Bindings are declared last, in order.
	Bindings []Binding
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
