package bus

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/opskit-dev/opskit/bus/driver"
)

// Message is a message to publish.
type Message struct {
	// Exchange and RoutingKey address the message; the empty exchange is the
	// default exchange, which routes by queue name.
	Exchange   string
	RoutingKey string
	// DropUnroutable makes the message fire-and-forget as far as routing
	// goes: it is published without the mandatory flag, so when no queue
	// takes it (no matching binding, or the queue's node is down) the broker
	// confirms and drops it, and Publish reports success for a message
	// nobody will ever receive. By default messages are mandatory: the
	// broker returns an unroutable message and its Confirmation fails with a
	// *ReturnedError (errors.Is ErrUnroutable), so a nil confirm means a
	// queue has it. Set it only for messages that may be lost, such as
	// metrics or events nobody is obliged to consume.
	DropUnroutable bool
	// ID is the message ID. When empty the publisher sets a random one; the
	// same ID is kept when the message is republished after a reconnect.
	ID string
	// Transient messages are not written to disk; by default messages are persistent.
	Transient bool
	// ContentType, CorrelationID, ReplyTo, Type, AppID and Priority are the
	// AMQP basic properties of the same names, carried as they are.
	ContentType   string
	CorrelationID string
	ReplyTo       string
	Type          string
	AppID         string
	Priority      uint8
	// TTL expires the message if it is not consumed in time (millisecond precision).
	TTL time.Duration
	// Timestamp is the AMQP timestamp property; AMQP carries whole seconds.
	Timestamp time.Time
	// Headers are the message's headers; values must be AMQP field-table
	// types (checked before publishing).
	Headers Table
	// Body is the payload.
	Body []byte
}

func (m *Message) validate() error {
	if !validName(m.Exchange) {
		return invalid("message", "Exchange", "longer than 255 bytes")
	}
	if len(m.RoutingKey) > 255 {
		return invalid("message", "RoutingKey", "longer than 255 bytes")
	}
	if m.TTL < 0 || (m.TTL > 0 && m.TTL < time.Millisecond) {
		return invalid("message", "TTL", "must be zero or at least 1ms (got %v)", m.TTL)
	}
	return checkArgs("message", "Headers", m.Headers)
}

func (m *Message) publishing() driver.Publishing {
	p := driver.Publishing{
		Exchange: m.Exchange, RoutingKey: m.RoutingKey, Mandatory: !m.DropUnroutable,
		Message: driver.Message{
			ContentType: m.ContentType, CorrelationID: m.CorrelationID,
			ReplyTo: m.ReplyTo, Type: m.Type, AppID: m.AppID, Priority: m.Priority,
			MessageID: m.ID, Timestamp: m.Timestamp, Headers: m.Headers, Body: m.Body,
			DeliveryMode: 2,
		},
	}
	if m.Transient {
		p.DeliveryMode = 1
	}
	if m.TTL > 0 {
		p.Expiration = strconv.FormatInt(m.TTL.Milliseconds(), 10)
	}
	return p
}

// NewMessageID returns a random 128-bit message ID in hex.
func NewMessageID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Delivery is a message delivered to a consumer's handler.
type Delivery struct {
	// MessageID is the publisher's message ID, for deduplication.
	MessageID string
	// Redelivered is set when the broker delivered this message before (to
	// this or another consumer) without an ack; the handler may have seen it.
	Redelivered bool
	// DeliveryCount is the broker's count of earlier failed deliveries
	// (x-delivery-count, quorum queues); 0 when unknown.
	DeliveryCount int
	// Exchange and RoutingKey are where the message was published.
	Exchange   string
	RoutingKey string
	// Queue is the queue the consumer reads.
	Queue string
	// ContentType, CorrelationID, ReplyTo, Type, AppID and Priority are the
	// AMQP basic properties the publisher set.
	ContentType   string
	CorrelationID string
	ReplyTo       string
	Type          string
	AppID         string
	Priority      uint8
	// Persistent reports whether the message was published persistent (not
	// Transient).
	Persistent bool
	// Timestamp is the AMQP timestamp property.
	Timestamp time.Time
	// Headers are the message's headers, with any the broker added
	// (x-death, x-delivery-count).
	Headers Table
	// Body is the payload.
	Body []byte
}

func newDelivery(queue string, d driver.Delivery) *Delivery {
	out := &Delivery{
		MessageID: d.MessageID, Redelivered: d.Redelivered,
		Exchange: d.Exchange, RoutingKey: d.RoutingKey, Queue: queue,
		ContentType: d.ContentType, CorrelationID: d.CorrelationID, ReplyTo: d.ReplyTo,
		Type: d.Type, AppID: d.AppID, Priority: d.Priority, Persistent: d.DeliveryMode == 2,
		Timestamp: d.Timestamp, Headers: d.Headers, Body: d.Body,
	}
	switch n := d.Headers["x-delivery-count"].(type) {
	case int64:
		out.DeliveryCount = int(n)
	case int32:
		out.DeliveryCount = int(n)
	case int:
		out.DeliveryCount = n
	}
	return out
}
