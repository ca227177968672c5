// Package driver defines the small interface a message-broker backend
// implements so that package bus can run over it: connections, channels and
// the AMQP 0-9-1 operations bus needs. Application code uses package bus; this
// package is for backend implementers (the amqp091-go backend in bus/amqpdriver
// and the in-memory broker in bus/busfake).
//
// Rules every backend follows, checked by bus/bustest (the cases named in
// brackets):
//   - A failed channel operation closes the channel (as AMQP does) and returns
//     a *Error with the AMQP reply code [Conflict*, ExclusiveQueueLocked,
//     InspectMissingQueue, PublishMissingExchange, ConsumeMissingQueue].
//   - Confirm and return handlers are called from one goroutine per channel,
//     in the order the broker sent them (a return before the confirm of the same
//     message), never while a lock the caller might hold is taken
//     [MandatoryReturned, RejectPublishNacks, ConfirmWindowBounded].
//   - Done channels are closed exactly once and Close never blocks on the caller
//     [CloseIsPrompt, CloseFromCallback].
//   - A lost connection (Conn.Done closed) unblocks every operation on it
//     [RecoveryRestoresConsumer, RecoveryRepublishes], including a publish
//     stuck writing to a node that stopped reading (the suite cannot freeze a
//     node; package bus checks this on RabbitMQ in TestFrozenNode).
//   - An amqps:// address is dialed over TLS with a clone of Config.TLS
//     (the caller's is never changed), and a certificate the configuration
//     refuses fails the dial [TestConformance/rabbitmq-tls, and
//     TestTLSRefusals in package bus].
package driver

import (
	"context"
	"crypto/tls"
	"time"
)

// Table holds AMQP field-table values: arguments and headers.
type Table = map[string]any

// Dialer opens connections to one broker node.
type Dialer interface {
	// Dial connects to addr, an AMQP URL.
	Dial(ctx context.Context, addr string, cfg Config) (Conn, error)
}

// Config is what a dialer needs besides the address.
type Config struct {
	// Heartbeat is the heartbeat interval to negotiate; zero uses the backend default.
	Heartbeat time.Duration
	// Name is the connection name shown by the broker.
	Name string
	// OnBlocked is called with true on connection.blocked and false on
	// connection.unblocked, from a backend goroutine.
	OnBlocked func(blocked bool, reason string)
	// TLS configures amqps:// addresses; nil uses the system roots. Its
	// ServerName is empty unless the caller named the server: the backend
	// verifies the address's host.
	TLS *tls.Config
	// External logs in with the SASL EXTERNAL mechanism: the broker takes
	// the identity from the client certificate in TLS, not from the URL.
	External bool
}

// Conn is one connection to one broker node.
type Conn interface {
	// Channel opens a new channel.
	Channel(ctx context.Context) (Channel, error)
	// Done is closed when the connection is gone, for whatever reason.
	Done() <-chan struct{}
	// Err says why the connection ended; nil after a clean Close.
	Err() error
	// Close closes the connection and all its channels.
	Close() error
}

// Exchange describes an exchange to declare.
type Exchange struct {
	Name       string
	Kind       string
	Durable    bool
	AutoDelete bool
	Internal   bool
	Args       Table
}

// Queue describes a queue to declare.
type Queue struct {
	Name       string
	Durable    bool
	AutoDelete bool
	Exclusive  bool
	Args       Table
}

// QueueState is what a queue declare reports.
type QueueState struct {
	Name      string
	Messages  int
	Consumers int
}

// Binding binds Destination (a queue, or an exchange for exchange-to-exchange
// bindings) to Source with a routing key and arguments.
type Binding struct {
	Source      string
	Destination string
	Key         string
	Args        Table
}

// Message is a message's properties and body.
type Message struct {
	ContentType     string
	ContentEncoding string
	// DeliveryMode is 2 for persistent, 1 or 0 for transient.
	DeliveryMode  uint8
	Priority      uint8
	CorrelationID string
	ReplyTo       string
	// Expiration is the per-message TTL in milliseconds, as a decimal string.
	Expiration string
	MessageID  string
	Timestamp  time.Time
	Type       string
	UserID     string
	AppID      string
	Headers    Table
	Body       []byte
}

// Publishing is a message addressed to an exchange.
type Publishing struct {
	Exchange   string
	RoutingKey string
	Mandatory  bool
	Message
}

// Delivery is a message delivered to a consumer.
type Delivery struct {
	Tag         uint64
	ConsumerTag string
	Redelivered bool
	Exchange    string
	RoutingKey  string
	Message
}

// Return is an unroutable mandatory message sent back by the broker.
type Return struct {
	ReplyCode  int
	ReplyText  string
	Exchange   string
	RoutingKey string
	Message
}

// Handlers receive a confirming channel's asynchronous events.
type Handlers struct {
	// Confirm is called for every published sequence number in order; ack is
	// false for a broker nack.
	Confirm func(seq uint64, ack bool)
	// Return is called for an unroutable mandatory message, before the
	// confirm of the same message.
	Return func(Return)
}

// Deliveries is a consumer's stream of deliveries. Next may be called from
// several goroutines at once; it returns false once the stream has ended.
type Deliveries interface {
	Next() (Delivery, bool)
}

// Channel is one AMQP channel. Methods are safe for concurrent use.
type Channel interface {
	ExchangeDeclare(e Exchange, passive bool) error
	ExchangeDelete(name string) error
	QueueDeclare(q Queue, passive bool) (QueueState, error)
	QueueDelete(name string) (int, error)
	QueuePurge(name string) (int, error)
	QueueBind(b Binding) error
	QueueUnbind(b Binding) error
	ExchangeBind(b Binding) error
	ExchangeUnbind(b Binding) error
	// Qos sets the prefetch count for consumers started afterwards.
	Qos(prefetch int) error
	// Confirm puts the channel in confirm mode and installs the handlers.
	Confirm(h Handlers) error
	// Publish sends p and returns its confirm sequence number (0 when the
	// channel is not in confirm mode). It may block while the broker does
	// not read (full socket buffers), but not past ctx: if ctx ends while
	// the message is being written, Publish returns ctx's error and the
	// message must never reach a queue (the amqp091-go backend closes the
	// connection, so the broker discards the partial message).
	Publish(ctx context.Context, p Publishing) (uint64, error)
	// Consume starts a manual-ack consumer. The stream ends when the
	// consumer is cancelled (after the deliveries already sent) or the
	// channel ends.
	Consume(queue, tag string, exclusive bool, args Table) (Deliveries, error)
	Cancel(tag string) error
	Ack(tag uint64) error
	Nack(tag uint64, requeue bool) error
	// Done is closed when the channel is closed.
	Done() <-chan struct{}
	// Err says why the channel ended; nil after a clean Close.
	Err() error
	Close() error
}
