package amqpdriver

import (
	"context"
	"sync"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opskit-dev/opskit/bus/driver"
)

// confirmBuffer is the capacity of the confirm and return channels registered
// with amqp091-go. A goroutine drains them continuously, so the buffer only
// absorbs bursts.
const confirmBuffer = 8192

type channel struct {
	ch   *amqp.Channel
	sock *socket
	done chan struct{}
	mu   sync.Mutex
	err  error
	// pubMu orders sequence numbers with writes.
	pubMu      sync.Mutex
	confirming bool
}

func newChannel(ch *amqp.Channel, sock *socket) *channel {
	c := &channel{ch: ch, sock: sock, done: make(chan struct{})}
	closeCh := ch.NotifyClose(make(chan *amqp.Error, 1))
	go func() {
		e, ok := <-closeCh
		c.mu.Lock()
		if ok && e != nil {
			c.err = convert(e)
		}
		c.mu.Unlock()
		close(c.done)
	}()
	return c
}

func (c *channel) ExchangeDeclare(e driver.Exchange, passive bool) error {
	if passive {
		return convert(c.ch.ExchangeDeclarePassive(e.Name, e.Kind, e.Durable, e.AutoDelete, e.Internal, false, toAMQP(e.Args)))
	}
	return convert(c.ch.ExchangeDeclare(e.Name, e.Kind, e.Durable, e.AutoDelete, e.Internal, false, toAMQP(e.Args)))
}

func (c *channel) ExchangeDelete(name string) error {
	return convert(c.ch.ExchangeDelete(name, false, false))
}

func (c *channel) QueueDeclare(q driver.Queue, passive bool) (driver.QueueState, error) {
	var (
		st  amqp.Queue
		err error
	)
	if passive {
		st, err = c.ch.QueueDeclarePassive(q.Name, q.Durable, q.AutoDelete, q.Exclusive, false, toAMQP(q.Args))
	} else {
		st, err = c.ch.QueueDeclare(q.Name, q.Durable, q.AutoDelete, q.Exclusive, false, toAMQP(q.Args))
	}
	if err != nil {
		return driver.QueueState{}, convert(err)
	}
	return driver.QueueState{Name: st.Name, Messages: st.Messages, Consumers: st.Consumers}, nil
}

func (c *channel) QueueDelete(name string) (int, error) {
	n, err := c.ch.QueueDelete(name, false, false, false)
	return n, convert(err)
}

func (c *channel) QueuePurge(name string) (int, error) {
	n, err := c.ch.QueuePurge(name, false)
	return n, convert(err)
}

func (c *channel) QueueBind(b driver.Binding) error {
	return convert(c.ch.QueueBind(b.Destination, b.Key, b.Source, false, toAMQP(b.Args)))
}

func (c *channel) QueueUnbind(b driver.Binding) error {
	return convert(c.ch.QueueUnbind(b.Destination, b.Key, b.Source, toAMQP(b.Args)))
}

func (c *channel) ExchangeBind(b driver.Binding) error {
	return convert(c.ch.ExchangeBind(b.Destination, b.Key, b.Source, false, toAMQP(b.Args)))
}

func (c *channel) ExchangeUnbind(b driver.Binding) error {
	return convert(c.ch.ExchangeUnbind(b.Destination, b.Key, b.Source, false, toAMQP(b.Args)))
}

func (c *channel) Qos(prefetch int) error {
	return convert(c.ch.Qos(prefetch, 0, false))
}

// Confirm registers buffered confirm and return channels and drains them in
// one goroutine, so a return is always handled before its message's confirm:
// amqp091-go hands both to the buffers in the order the frames arrived.
func (c *channel) Confirm(h driver.Handlers) error {
	confirms := c.ch.NotifyPublish(make(chan amqp.Confirmation, confirmBuffer))
	returns := c.ch.NotifyReturn(make(chan amqp.Return, confirmBuffer))
	if err := c.ch.Confirm(false); err != nil {
		return convert(err)
	}
	c.pubMu.Lock()
	c.confirming = true
	c.pubMu.Unlock()
	onReturn := func(r amqp.Return) {
		if h.Return != nil {
			h.Return(driver.Return{
				ReplyCode: int(r.ReplyCode), ReplyText: r.ReplyText,
				Exchange: r.Exchange, RoutingKey: r.RoutingKey,
				Message: fromReturn(r),
			})
		}
	}
	go func() {
		for {
			select {
			case r, ok := <-returns:
				if !ok {
					returns = nil
					continue
				}
				onReturn(r)
			case cf, ok := <-confirms:
				if !ok {
					if returns != nil {
						for r := range returns {
							onReturn(r)
						}
					}
					return
				}
				// Handle every return already buffered: it precedes this confirm.
			drain:
				for returns != nil {
					select {
					case r, ok := <-returns:
						if !ok {
							returns = nil
							break drain
						}
						onReturn(r)
					default:
						break drain
					}
				}
				if h.Confirm != nil {
					h.Confirm(cf.DeliveryTag, cf.Ack)
				}
			}
		}
	}()
	return nil
}

func (c *channel) Publish(ctx context.Context, p driver.Publishing) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	msg := amqp.Publishing{
		Headers:         toAMQP(p.Headers),
		ContentType:     p.ContentType,
		ContentEncoding: p.ContentEncoding,
		DeliveryMode:    p.DeliveryMode,
		Priority:        p.Priority,
		CorrelationId:   p.CorrelationID,
		ReplyTo:         p.ReplyTo,
		Expiration:      p.Expiration,
		MessageId:       p.MessageID,
		Timestamp:       p.Timestamp,
		Type:            p.Type,
		UserId:          p.UserID,
		AppId:           p.AppID,
		Body:            p.Body,
	}
	c.pubMu.Lock()
	defer c.pubMu.Unlock()
	var seq uint64
	if c.confirming {
		seq = c.ch.GetNextPublishSeqNo()
	}
	var w *writeWatch
	if ctx.Done() != nil {
		w = c.watch(ctx)
	}
	err := c.ch.Publish(p.Exchange, p.RoutingKey, p.Mandatory, false, msg)
	if w != nil && w.finish() && err != nil {
		// Aborted mid-write: the message never reaches a queue. (A write
		// that completed just before the abort returns its sequence number:
		// the message may arrive, and the caller tracks it as unconfirmed.)
		return 0, ctx.Err()
	}
	if err != nil {
		return 0, convert(err)
	}
	return seq, nil
}

func (c *channel) Consume(queue, tag string, exclusive bool, args driver.Table) (driver.Deliveries, error) {
	in, err := c.ch.Consume(queue, tag, false, exclusive, false, false, toAMQP(args))
	if err != nil {
		return nil, convert(err)
	}
	return deliveries(in), nil
}

// deliveries converts amqp091-go deliveries in the reader's goroutine, so
// there is no extra hand-off per message.
type deliveries <-chan amqp.Delivery

func (in deliveries) Next() (driver.Delivery, bool) {
	d, ok := <-in
	if !ok {
		return driver.Delivery{}, false
	}
	return driver.Delivery{
		Tag: d.DeliveryTag, ConsumerTag: d.ConsumerTag, Redelivered: d.Redelivered,
		Exchange: d.Exchange, RoutingKey: d.RoutingKey,
		Message: fromDelivery(d),
	}, true
}

func (c *channel) Cancel(tag string) error { return convert(c.ch.Cancel(tag, false)) }

func (c *channel) Ack(tag uint64) error { return convert(c.ch.Ack(tag, false)) }

func (c *channel) Nack(tag uint64, requeue bool) error {
	return convert(c.ch.Nack(tag, false, requeue))
}

func (c *channel) Done() <-chan struct{} { return c.done }

func (c *channel) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *channel) Close() error {
	err := c.ch.Close()
	if err == amqp.ErrClosed {
		return nil
	}
	return convert(err)
}

func fromDelivery(d amqp.Delivery) driver.Message {
	return driver.Message{
		ContentType: d.ContentType, ContentEncoding: d.ContentEncoding,
		DeliveryMode: d.DeliveryMode, Priority: d.Priority,
		CorrelationID: d.CorrelationId, ReplyTo: d.ReplyTo, Expiration: d.Expiration,
		MessageID: d.MessageId, Timestamp: d.Timestamp, Type: d.Type,
		UserID: d.UserId, AppID: d.AppId, Headers: fromAMQP(d.Headers), Body: d.Body,
	}
}

func fromReturn(r amqp.Return) driver.Message {
	return driver.Message{
		ContentType: r.ContentType, ContentEncoding: r.ContentEncoding,
		DeliveryMode: r.DeliveryMode, Priority: r.Priority,
		CorrelationID: r.CorrelationId, ReplyTo: r.ReplyTo, Expiration: r.Expiration,
		MessageID: r.MessageId, Timestamp: r.Timestamp, Type: r.Type,
		UserID: r.UserId, AppID: r.AppId, Headers: fromAMQP(r.Headers), Body: r.Body,
	}
}

// toAMQP converts a table, and tables nested in it, to amqp.Table.
func toAMQP(t driver.Table) amqp.Table {
	if t == nil {
		return nil
	}
	out := make(amqp.Table, len(t))
	for k, v := range t {
		out[k] = toAMQPValue(v)
	}
	return out
}

func toAMQPValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return toAMQP(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = toAMQPValue(e)
		}
		return out
	case int:
		return int64(v)
	}
	return v
}

// fromAMQP converts a table, and tables nested in it, to driver.Table.
func fromAMQP(t amqp.Table) driver.Table {
	if t == nil {
		return nil
	}
	out := make(driver.Table, len(t))
	for k, v := range t {
		out[k] = fromAMQPValue(v)
	}
	return out
}

func fromAMQPValue(v any) any {
	switch v := v.(type) {
	case amqp.Table:
		return fromAMQP(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = fromAMQPValue(e)
		}
		return out
	}
	return v
}
