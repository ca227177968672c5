package bus

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"

	"github.com/opskit-dev/opskit/bus/driver"
)

// MaxWindow is the largest confirm window. The amqpdriver buffers twice as
// many confirms, so amqp091-go never has to wait for (or drop) one.
const MaxWindow = 4096

// PublisherOptions configures a Publisher.
type PublisherOptions struct {
	// Window bounds the messages published but not yet confirmed; Publish
	// waits for room. 256 when zero, at most MaxWindow.
	Window int
}

// Publisher publishes with publisher confirms over a pipelined, bounded window
// of outstanding confirms. Messages not confirmed when the connection is lost
// are republished, with the same message ID, after recovery (at-least-once;
// the consumer may see duplicates, marked Redelivered only if the broker
// redelivers, so deduplicate by message ID). While the broker blocks the
// connection (connection.blocked) Publish waits, honouring its context.
// A Publisher is safe for concurrent use.
type Publisher struct {
	c     *Conn
	slots chan struct{}

	// send serializes writes so sequence numbers follow publish order; it
	// is a one-slot semaphore so that Publish can stop waiting for it when
	// its context ends (another write may be stuck on a node that stopped
	// reading). mu guards the state below. Lock order: send, then mu.
	send    chan struct{}
	mu      sync.Mutex
	cur     *pubGen       // nil while down
	ready   chan struct{} // closed while cur != nil
	resend  []*Confirmation
	order   uint64
	closed  bool
	stopped chan struct{}
	halted  sync.Once
	stop    context.CancelFunc
	runDone chan struct{}
}

// pubGen is one channel's worth of outstanding confirms.
type pubGen struct {
	ch      driver.Channel
	pending map[uint64]*Confirmation
	byID    map[string]*Confirmation
	// early holds confirms that arrived before their publish was registered.
	early map[uint64]bool
}

// Confirmation is the future result of one published message.
type Confirmation struct {
	p     *Publisher
	msg   driver.Publishing
	order uint64
	done  chan struct{}
	err   error
	ret   *ReturnedError
}

// ID returns the message ID.
func (c *Confirmation) ID() string { return c.msg.MessageID }

// Done is closed when the broker confirmed, nacked or returned the message.
func (c *Confirmation) Done() <-chan struct{} { return c.done }

// Wait waits for the broker's confirm. It returns nil when the broker took
// responsibility for the message (a queue has it, unless the message set
// DropUnroutable), a *ReturnedError when no queue took it, ErrNacked for a
// nack, or ctx's error.
func (c *Confirmation) Wait(ctx context.Context) error {
	select {
	case <-c.done:
		return c.err
	case <-ctx.Done():
		return fmt.Errorf("bus: waiting for confirm of message %s: %w", c.msg.MessageID, ctx.Err())
	}
}

// NewPublisher opens a confirming channel on c and returns a Publisher.
func (c *Conn) NewPublisher(ctx context.Context, opts PublisherOptions) (*Publisher, error) {
	if opts.Window < 0 || opts.Window > MaxWindow {
		return nil, invalid("publisher options", "Window", "must be within 0..%d (got %d)", MaxWindow, opts.Window)
	}
	if opts.Window == 0 {
		opts.Window = 256
	}
	runCtx, stop := c.closedCtx()
	p := &Publisher{
		c: c, slots: make(chan struct{}, opts.Window), send: make(chan struct{}, 1),
		ready: make(chan struct{}), stopped: make(chan struct{}), stop: stop,
		runDone: make(chan struct{}),
	}
	first := make(chan error, 1)
	go p.run(runCtx, first)
	select {
	case err := <-first:
		if err != nil {
			stop()
			<-p.runDone
			return nil, err
		}
		return p, nil
	case <-ctx.Done():
		stop()
		<-p.runDone
		return nil, ctx.Err()
	}
}

// exchangeRE finds the exchange named by a publish-caused channel exception
// (404 no exchange, 403 internal exchange).
var exchangeRE = regexp.MustCompile(`exchange '([^']*)'`)

// halt makes Publish fail fast with ErrClosed.
func (p *Publisher) halt() {
	p.halted.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		close(p.stopped)
	})
}

// run keeps a confirming channel open, republishing after every loss.
func (p *Publisher) run(ctx context.Context, first chan<- error) {
	defer close(p.runDone)
	defer p.halt()
	for {
		ch, err := p.c.channel(ctx)
		if err == nil {
			g := &pubGen{ch: ch, pending: map[uint64]*Confirmation{}, byID: map[string]*Confirmation{},
				early: map[uint64]bool{}}
			err = ch.Confirm(driver.Handlers{
				Confirm: func(seq uint64, ack bool) { p.onConfirm(g, seq, ack) },
				Return:  func(r driver.Return) { p.onReturn(g, r) },
			})
			if err == nil {
				p.up(ctx, g)
				if first != nil {
					first <- nil
					first = nil
				}
				select {
				case <-ch.Done():
				case <-ctx.Done():
				}
				p.down(g)
				if ctx.Err() != nil {
					_ = ch.Close()
					p.failAll(ErrClosed)
					return
				}
				continue
			}
			_ = ch.Close()
			err = wrapBroker("enable confirms", err)
		}
		if first != nil {
			first <- err
			return
		}
		if ctx.Err() != nil {
			p.failAll(ErrClosed)
			return
		}
		p.c.report(fmt.Errorf("bus: publisher: %w", err))
	}
}

// up installs g and republishes what the previous channel left unconfirmed.
func (p *Publisher) up(ctx context.Context, g *pubGen) {
	p.send <- struct{}{}
	defer func() { <-p.send }()
	p.mu.Lock()
	defer p.mu.Unlock()
	resend := p.resend
	p.resend = nil
	for i, cf := range resend {
		if isDone(cf) {
			continue
		}
		if err := p.sendLocked(ctx, g, cf); err != nil {
			// The new channel died too; keep the rest for the next one.
			for _, r := range resend[i:] {
				if !isDone(r) {
					p.resend = append(p.resend, r)
				}
			}
			break
		}
	}
	p.cur = g
	close(p.ready)
}

// down moves g's unconfirmed messages to the resend list, in publish order.
func (p *Publisher) down(g *pubGen) {
	// Wait for an in-flight write to register its message first.
	p.send <- struct{}{}
	defer func() { <-p.send }()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cur = nil
	p.ready = make(chan struct{})
	var failExchange string
	var de *driver.Error
	if err := g.ch.Err(); errors.As(err, &de) && (de.Code == driver.CodeNotFound || de.Code == driver.CodeAccessRefused) {
		if m := exchangeRE.FindStringSubmatch(de.Reason); m != nil {
			failExchange = m[1]
		}
	}
	var lost []*Confirmation
	for _, cf := range g.pending {
		if isDone(cf) {
			continue
		}
		if failExchange != "" && cf.msg.Exchange == failExchange {
			p.resolve(cf, wrapBroker("publish", g.ch.Err()))
			continue
		}
		lost = append(lost, cf)
	}
	lost = append(lost, p.resend...)
	sortByOrder(lost)
	p.resend = lost
}

func sortByOrder(cs []*Confirmation) {
	// Insertion sort: the lists are short and mostly ordered.
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].order < cs[j-1].order; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

func isDone(cf *Confirmation) bool {
	select {
	case <-cf.done:
		return true
	default:
		return false
	}
}

// sendLocked publishes cf on g; callers hold send and mu.
func (p *Publisher) sendLocked(ctx context.Context, g *pubGen, cf *Confirmation) error {
	if cf.msg.Mandatory {
		g.byID[cf.msg.MessageID] = cf
	}
	seq, err := g.ch.Publish(ctx, cf.msg)
	if err != nil {
		return err
	}
	p.registerLocked(g, seq, cf)
	return nil
}

// registerLocked records cf under seq, settling it at once if its confirm
// already arrived. Callers hold mu.
func (p *Publisher) registerLocked(g *pubGen, seq uint64, cf *Confirmation) {
	if ack, ok := g.early[seq]; ok {
		delete(g.early, seq)
		p.settleLocked(g, cf, ack)
		return
	}
	g.pending[seq] = cf
}

func (p *Publisher) onReturn(g *pubGen, r driver.Return) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if cf := g.byID[r.MessageID]; cf != nil {
		cf.ret = &ReturnedError{MessageID: r.MessageID, Exchange: r.Exchange,
			RoutingKey: r.RoutingKey, ReplyCode: r.ReplyCode, ReplyText: r.ReplyText}
	}
}

func (p *Publisher) onConfirm(g *pubGen, seq uint64, ack bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cf := g.pending[seq]
	if cf == nil {
		g.early[seq] = ack
		return
	}
	delete(g.pending, seq)
	p.settleLocked(g, cf, ack)
}

func (p *Publisher) settleLocked(g *pubGen, cf *Confirmation, ack bool) {
	if cf.msg.Mandatory {
		delete(g.byID, cf.msg.MessageID)
	}
	switch {
	case cf.ret != nil:
		p.resolve(cf, cf.ret)
	case !ack:
		p.resolve(cf, fmt.Errorf("bus: message %s: %w", cf.msg.MessageID, ErrNacked))
	default:
		p.resolve(cf, nil)
	}
}

// resolve completes cf once and frees its window slot. Callers hold p.mu.
func (p *Publisher) resolve(cf *Confirmation, err error) {
	if isDone(cf) {
		return
	}
	cf.err = err
	close(cf.done)
	<-p.slots
}

func (p *Publisher) failAll(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, cf := range p.resend {
		p.resolve(cf, err)
	}
	p.resend = nil
	if p.cur != nil {
		for _, cf := range p.cur.pending {
			p.resolve(cf, err)
		}
	}
}

// Publish sends msg and returns once the broker has it on the wire, without
// waiting for the confirm: use the returned Confirmation, or Flush. It waits
// while the window of outstanding confirms is full, while the connection
// recovers and while the broker blocks the connection, returning ctx's error
// if ctx ends first; the message is then not sent. That holds while the
// message is being written, too: if the node stops reading (a frozen or
// partitioned node fills the socket buffers) and ctx ends mid-write, the
// connection is closed, so the broker discards the partial message, and the
// Conn fails over to another node.
func (p *Publisher) Publish(ctx context.Context, msg Message) (*Confirmation, error) {
	if err := msg.validate(); err != nil {
		return nil, err
	}
	if msg.ID == "" {
		msg.ID = NewMessageID()
	}
	cf := &Confirmation{p: p, msg: msg.publishing(), done: make(chan struct{})}
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("bus: publish: waiting for the confirm window: %w", ctx.Err())
	case <-p.stopped:
		return nil, ErrClosed
	}
	for {
		if err := p.c.waitUnblocked(ctx); err != nil {
			<-p.slots
			return nil, fmt.Errorf("bus: publish: %w", err)
		}
		select {
		case p.send <- struct{}{}:
		case <-ctx.Done():
			<-p.slots
			return nil, fmt.Errorf("bus: publish: waiting for another publish's write: %w", ctx.Err())
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			<-p.send
			<-p.slots
			return nil, ErrClosed
		}
		g, ready := p.cur, p.ready
		if g != nil {
			p.order++
			cf.order = p.order
			if cf.msg.Mandatory {
				g.byID[cf.msg.MessageID] = cf
			}
			p.mu.Unlock()
			// The write happens without mu, so confirms are processed meanwhile.
			seq, err := g.ch.Publish(ctx, cf.msg)
			p.mu.Lock()
			if err == nil {
				p.registerLocked(g, seq, cf)
			} else if cf.msg.Mandatory {
				delete(g.byID, cf.msg.MessageID)
			}
			p.mu.Unlock()
			<-p.send
			if err == nil {
				return cf, nil
			}
			if ctx.Err() != nil {
				<-p.slots
				return nil, fmt.Errorf("bus: publish: %w", ctx.Err())
			}
			// The channel died under us: wait for the next one.
			select {
			case <-g.ch.Done():
			case <-ctx.Done():
			}
			continue
		}
		p.mu.Unlock()
		<-p.send
		select {
		case <-ready:
		case <-ctx.Done():
			<-p.slots
			return nil, fmt.Errorf("bus: publish: waiting for recovery: %w", ctx.Err())
		case <-p.stopped:
			<-p.slots
			return nil, ErrClosed
		}
	}
}

// PublishWait publishes msg and waits for its confirm.
func (p *Publisher) PublishWait(ctx context.Context, msg Message) error {
	cf, err := p.Publish(ctx, msg)
	if err != nil {
		return err
	}
	return cf.Wait(ctx)
}

// Outstanding returns how many published messages await their confirm.
func (p *Publisher) Outstanding() int { return len(p.slots) }

// Flush waits until every message published so far is confirmed (or failed),
// or ctx ends.
func (p *Publisher) Flush(ctx context.Context) error {
	n := 0
	defer func() {
		for ; n > 0; n-- {
			<-p.slots
		}
	}()
	for n < cap(p.slots) {
		select {
		case p.slots <- struct{}{}:
			n++
		case <-ctx.Done():
			return fmt.Errorf("bus: flush: %d messages unconfirmed: %w", len(p.slots)-n, ctx.Err())
		}
	}
	return nil
}

// Close stops accepting messages, waits for outstanding confirms until ctx
// ends, then closes the channel. Messages still unconfirmed fail with ErrClosed.
func (p *Publisher) Close(ctx context.Context) error {
	p.mu.Lock()
	already := p.closed
	p.closed = true
	p.mu.Unlock()
	if already {
		return nil
	}
	err := p.Flush(ctx)
	p.halt()
	p.stop()
	<-p.runDone
	return err
}
