package bus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/bus/driver"
)

// Action is a handler's verdict on a delivery.
type Action int

// Handler verdicts.
const (
	// Ack removes the message from the queue.
	Ack Action = iota
	// Requeue returns the message to the queue for redelivery (quorum queues
	// count it towards the delivery limit).
	Requeue
	// Reject drops the message, or dead-letters it when the queue has a
	// dead-letter exchange.
	Reject
)

// String implements fmt.Stringer.
func (a Action) String() string {
	switch a {
	case Ack:
		return "ack"
	case Requeue:
		return "requeue"
	case Reject:
		return "reject"
	}
	return "unknown"
}

// Handler processes one delivery and says what to do with it. ctx ends when
// the consumer is stopped without time to finish.
type Handler func(ctx context.Context, d *Delivery) Action

// ConsumerOptions configures a Consumer.
type ConsumerOptions struct {
	// Queue to consume from. Required.
	Queue string
	// Concurrency is the number of handler goroutines; 1 when zero.
	Concurrency int
	// Prefetch bounds unacknowledged deliveries to this consumer; twice the
	// concurrency when zero.
	Prefetch int
	// Exclusive asks to be the queue's only consumer.
	Exclusive bool
	// Args are consumer arguments (e.g. x-stream-offset for streams).
	Args Table
}

// Consumer runs a worker pool over one queue. It re-attaches after the
// connection recovers and whenever its channel is lost. A Consumer is safe for
// concurrent use.
type Consumer struct {
	c       *Conn
	opts    ConsumerOptions
	handler Handler

	hardCtx  context.Context // handlers' context, cancelled on hard stop
	hardStop context.CancelFunc

	mu       sync.Mutex
	gen      *consGen
	changed  chan struct{} // closed and replaced when gen or finished change
	finished bool
	stopping bool
	stopCh   chan struct{}

	runDone chan struct{}
	workers sync.WaitGroup
}

// consGen is one subscription: the workers read its deliveries directly.
type consGen struct {
	ch  driver.Channel
	tag string
	ds  driver.Deliveries
	wg  sync.WaitGroup // workers still reading ds
}

// Consume starts a consumer worker pool on opts.Queue calling h for every
// delivery. It returns once the first consumer is registered, or an error
// (for example matching ErrNotFound when the queue does not exist).
func (c *Conn) Consume(ctx context.Context, opts ConsumerOptions, h Handler) (*Consumer, error) {
	if opts.Queue == "" {
		return nil, invalid("consumer options", "Queue", "must not be empty")
	}
	if h == nil {
		return nil, invalid("consumer options", "Handler", "must not be nil")
	}
	if opts.Concurrency < 0 {
		return nil, invalid("consumer options", "Concurrency", "negative (%d)", opts.Concurrency)
	}
	if opts.Prefetch < 0 || opts.Prefetch > 65535 {
		return nil, invalid("consumer options", "Prefetch", "must be within 0..65535 (got %d)", opts.Prefetch)
	}
	if err := checkArgs("consumer options", "Args", opts.Args); err != nil {
		return nil, err
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = 1
	}
	if opts.Prefetch == 0 {
		opts.Prefetch = 2 * opts.Concurrency
	}
	hardCtx, hardStop := context.WithCancel(context.Background())
	k := &Consumer{
		c: c, opts: opts, handler: h,
		hardCtx: hardCtx, hardStop: hardStop, changed: make(chan struct{}),
		stopCh: make(chan struct{}), runDone: make(chan struct{}),
	}
	first, err := k.attach(ctx)
	if err != nil {
		hardStop()
		return nil, err
	}
	for i := 0; i < opts.Concurrency; i++ {
		k.workers.Add(1)
		go k.work()
	}
	go k.run(first)
	return k, nil
}

// attach opens a channel, sets QoS and starts consuming.
func (k *Consumer) attach(ctx context.Context) (*consGen, error) {
	ch, err := k.c.channel(ctx)
	if err != nil {
		return nil, err
	}
	if err := ch.Qos(k.opts.Prefetch); err != nil {
		_ = ch.Close()
		return nil, wrapBroker("set prefetch", err)
	}
	tag := "bus-" + NewMessageID()[:16]
	ds, err := ch.Consume(k.opts.Queue, tag, k.opts.Exclusive, k.opts.Args)
	if err != nil {
		_ = ch.Close()
		return nil, wrapBroker(fmt.Sprintf("consume queue %q", k.opts.Queue), err)
	}
	g := &consGen{ch: ch, tag: tag, ds: ds}
	g.wg.Add(k.opts.Concurrency)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.stopping {
		_ = ch.Close()
		return nil, ErrClosed
	}
	k.gen = g
	close(k.changed)
	k.changed = make(chan struct{})
	return g, nil
}

// run re-attaches whenever the subscription ends without being stopped.
func (k *Consumer) run(g *consGen) {
	defer close(k.runDone)
	defer func() {
		k.mu.Lock()
		k.finished = true
		close(k.changed)
		k.changed = make(chan struct{})
		k.mu.Unlock()
	}()
	ctx, cancel := k.c.closedCtx()
	defer cancel()
	go func() {
		select {
		case <-k.stopCh:
			cancel()
		case <-ctx.Done():
		}
	}()
	for attempt := 0; ; {
		g.wg.Wait() // every worker saw the deliveries end
		k.mu.Lock()
		stopping := k.stopping
		k.mu.Unlock()
		if stopping || ctx.Err() != nil {
			return
		}
		// The consumer was cancelled by the broker or its channel was lost.
		if err := g.ch.Err(); err != nil {
			k.c.report(fmt.Errorf("bus: consumer on queue %q: %w", k.opts.Queue, wrapBroker("consume", err)))
		}
		_ = g.ch.Close()
		for {
			next, err := k.attach(ctx)
			if err == nil {
				g, attempt = next, 0
				break
			}
			if ctx.Err() != nil || errors.Is(err, ErrClosed) {
				return
			}
			k.c.report(fmt.Errorf("bus: consumer on queue %q: %w", k.opts.Queue, err))
			t := time.NewTimer(k.c.opts.Backoff.Delay(attempt))
			attempt++
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return
			}
		}
	}
}

// work reads deliveries of each subscription in turn.
func (k *Consumer) work() {
	defer k.workers.Done()
	var last *consGen
	for {
		k.mu.Lock()
		g, changed, finished := k.gen, k.changed, k.finished
		k.mu.Unlock()
		if g == last {
			if finished {
				return
			}
			<-changed
			continue
		}
		last = g
		for {
			d, ok := g.ds.Next()
			if !ok {
				break
			}
			k.handle(g.ch, d)
		}
		g.wg.Done()
	}
}

func (k *Consumer) handle(ch driver.Channel, dd driver.Delivery) {
	d := newDelivery(k.opts.Queue, dd)
	action := k.safeHandle(d)
	var err error
	switch action {
	case Ack:
		err = ch.Ack(dd.Tag)
	case Requeue:
		err = ch.Nack(dd.Tag, true)
	default:
		err = ch.Nack(dd.Tag, false)
	}
	if err != nil && !errors.Is(wrapBroker("ack", err), errConnLost) {
		k.c.report(fmt.Errorf("bus: %s message %s: %w", action, d.MessageID, err))
	}
}

// safeHandle runs the handler; a panic requeues the message.
func (k *Consumer) safeHandle(d *Delivery) (a Action) {
	defer func() {
		if r := recover(); r != nil {
			k.c.report(fmt.Errorf("bus: handler panic on message %s: %v", d.MessageID, r))
			a = Requeue
		}
	}()
	return k.handler(k.hardCtx, d)
}

// Close stops the consumer gracefully: it cancels the subscription, lets the
// workers finish the deliveries already received, then closes the channel
// (the broker requeues whatever stayed unacknowledged). If ctx ends first the
// handlers' context is cancelled, the channel closed, and ctx's error returned.
func (k *Consumer) Close(ctx context.Context) error {
	k.mu.Lock()
	if k.stopping {
		k.mu.Unlock()
		<-k.runDone
		return nil
	}
	k.stopping = true
	g := k.gen
	k.mu.Unlock()
	if g != nil {
		_ = g.ch.Cancel(g.tag)
	}
	close(k.stopCh)
	done := make(chan struct{})
	go func() {
		<-k.runDone
		k.workers.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		// Out of time: cancel the handlers' context and close the channel so
		// the broker requeues what is unacknowledged. Handlers that ignore
		// their context finish in the background; their acks are dropped.
		// Close the channel before cancelling the handlers, so an ack they
		// send on their way out cannot settle a message that was not finished.
		k.mu.Lock()
		g = k.gen
		k.mu.Unlock()
		if g != nil {
			_ = g.ch.Close()
		}
		k.hardStop()
		return fmt.Errorf("bus: consumer close: %w", ctx.Err())
	}
	k.hardStop()
	k.mu.Lock()
	g = k.gen
	k.mu.Unlock()
	if g != nil {
		_ = g.ch.Close()
	}
	return nil
}
