package bus

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/opskit-dev/opskit/bus/driver"
)

// State is a Conn's connection state.
type State int

// Conn states.
const (
	StateConnecting State = iota
	StateOpen
	StateReconnecting
	StateClosed
)

// String implements fmt.Stringer.
func (s State) String() string {
	switch s {
	case StateConnecting:
		return "connecting"
	case StateOpen:
		return "open"
	case StateReconnecting:
		return "reconnecting"
	case StateClosed:
		return "closed"
	}
	return "unknown"
}

// StateChange is one observed state transition.
type StateChange struct {
	// State is the state the Conn entered.
	State State
	// Node is the URL (without password) of the node the Conn is connected
	// to, or was connected to when the connection was lost.
	Node string
	// Err is why the connection was lost, for StateReconnecting.
	Err error
	// Attempt counts dial attempts since the connection was lost.
	Attempt int
}

// Conn is a connection to a RabbitMQ cluster over a list of nodes that
// recovers on its own: when the connection to one node is lost it reconnects
// to another with backoff and jitter, redeclares the topology applied through
// it, and lets its publishers and consumers restore their channels, QoS,
// confirm mode and consumers. A hung node is noticed after 1.5 heartbeat
// intervals; the package doc says what is redeclared before and after the
// Conn reports StateOpen again. A Conn is safe for concurrent use.
type Conn struct {
	opts Options
	urls []string
	tls  *tls.Config

	mu      sync.Mutex
	state   State
	cur     driver.Conn
	curIdx  int
	changed chan struct{} // closed and replaced on every change of cur/state
	topo    topologyLog

	blocked   atomic.Bool
	blockMu   sync.Mutex
	unblocked chan struct{} // closed while not blocked

	closing chan struct{}
	closed  sync.Once
	events  notifier
	wg      sync.WaitGroup
	seq     atomic.Uint64
}

// Dial connects to one node of opts.URLs (a random one unless opts.InOrder),
// trying the others when it fails, and returns a recovering Conn. It fails if
// no node accepts a connection before ctx ends or after every node was tried.
func Dial(ctx context.Context, opts Options) (*Conn, error) {
	urls, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	tc, err := opts.clientTLS()
	if err != nil {
		return nil, err
	}
	c := &Conn{
		opts: opts, urls: urls, tls: tc,
		changed:   make(chan struct{}),
		unblocked: make(chan struct{}),
		closing:   make(chan struct{}),
	}
	close(c.unblocked)
	start := 0
	if !opts.InOrder {
		start = rand.IntN(len(urls))
	}
	var errs []error
	for i := range urls {
		idx := (start + i) % len(urls)
		dc, err := c.dialOne(ctx, idx)
		if err == nil {
			c.cur, c.curIdx, c.state = dc, idx, StateOpen
			c.emit(StateChange{State: StateOpen, Node: redact(urls[idx])})
			c.wg.Add(1)
			go c.supervise()
			return c, nil
		}
		errs = append(errs, newNodeError(redact(urls[idx]), err))
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("bus: dial: no node accepted a connection: %w", errors.Join(errs...))
}

func (c *Conn) dialOne(ctx context.Context, idx int) (driver.Conn, error) {
	gen := c.seq.Add(1)
	cfg := driver.Config{
		Heartbeat: c.opts.Heartbeat,
		Name:      c.opts.Name,
		OnBlocked: func(b bool, _ string) { c.setBlocked(gen, b) },
		TLS:       c.tls,
		External:  c.opts.ExternalAuth,
	}
	// A fresh connection starts unblocked.
	c.setBlocked(gen, false)
	return c.opts.Dialer.Dial(ctx, c.urls[idx], cfg)
}

func (c *Conn) setBlocked(gen uint64, b bool) {
	c.blockMu.Lock()
	defer c.blockMu.Unlock()
	if gen != c.seq.Load() {
		return // a notification from an older connection
	}
	if b == c.blocked.Load() {
		return
	}
	c.blocked.Store(b)
	if b {
		c.unblocked = make(chan struct{})
	} else {
		close(c.unblocked)
	}
}

// Blocked reports whether the broker has blocked the current connection
// (connection.blocked, e.g. because of a memory or disk alarm).
func (c *Conn) Blocked() bool { return c.blocked.Load() }

// waitUnblocked waits until the connection is not blocked or ctx ends.
func (c *Conn) waitUnblocked(ctx context.Context) error {
	if !c.blocked.Load() {
		return nil
	}
	c.blockMu.Lock()
	ch := c.unblocked
	c.blockMu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("bus: connection blocked by the broker: %w", ctx.Err())
	case <-c.closing:
		return ErrClosed
	}
}

// State returns the current state and the node (URL without password).
func (c *Conn) State() (State, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state, redact(c.urls[c.curIdx])
}

func (c *Conn) emit(sc StateChange) {
	if f := c.opts.OnStateChange; f != nil {
		c.events.post(func() { f(sc) })
	}
}

func (c *Conn) report(err error) {
	if f := c.opts.OnError; f != nil && err != nil {
		c.events.post(func() { f(err) })
	}
}

func (c *Conn) setState(s State, dc driver.Conn, idx int) {
	c.mu.Lock()
	c.state, c.cur, c.curIdx = s, dc, idx
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

// supervise watches the current connection and recovers it when it is lost.
func (c *Conn) supervise() {
	defer c.wg.Done()
	for {
		c.mu.Lock()
		dc, idx := c.cur, c.curIdx
		c.mu.Unlock()
		select {
		case <-c.closing:
			_ = dc.Close()
			c.setState(StateClosed, nil, idx)
			c.emit(StateChange{State: StateClosed, Node: redact(c.urls[idx])})
			return
		case <-dc.Done():
		}
		lost := dc.Err()
		if lost == nil {
			lost = errConnLost
		}
		c.setState(StateReconnecting, nil, idx)
		c.emit(StateChange{State: StateReconnecting, Node: redact(c.urls[idx]), Err: lost})
		if !c.reconnect(idx) {
			c.setState(StateClosed, nil, idx)
			c.emit(StateChange{State: StateClosed, Node: redact(c.urls[idx])})
			return
		}
	}
}

// reconnect dials the nodes after lost in turn, the lost one last, with
// backoff and jitter between attempts, until one accepts, then redeclares the
// topology (see restore.go for what is redeclared when). It returns false
// when the Conn is closed meanwhile.
func (c *Conn) reconnect(lost int) bool {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-c.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	n := len(c.urls)
	for attempt := 0; ; attempt++ {
		idx := (lost + 1 + attempt) % n
		dc, err := c.dialOne(ctx, idx)
		if err == nil {
			if p := c.topo.plan(); !p.empty() {
				// The restore goroutine runs on after the Conn opens; a
				// Close closes dc, which ends it.
				if !c.awaitRestore(ctx, c.restore(dc, p), redact(c.urls[idx])) {
					_ = dc.Close()
					return false
				}
			}
			c.setState(StateOpen, dc, idx)
			c.emit(StateChange{State: StateOpen, Node: redact(c.urls[idx]), Attempt: attempt + 1})
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		c.report(fmt.Errorf("bus: reconnect to %s (attempt %d): %w", redact(c.urls[idx]), attempt+1, err))
		// Without delay between nodes of the first round; backoff afterwards.
		if attempt+1 < n-1 {
			continue
		}
		t := time.NewTimer(c.opts.Backoff.Delay(attempt + 1 - (n - 1)))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return false
		}
	}
}

// channel opens a channel on the current connection, waiting through
// recovery until ctx ends or the Conn is closed.
func (c *Conn) channel(ctx context.Context) (driver.Channel, error) {
	for {
		c.mu.Lock()
		st, dc, changed := c.state, c.cur, c.changed
		c.mu.Unlock()
		if st == StateClosed {
			return nil, ErrClosed
		}
		if st == StateOpen && dc != nil {
			select {
			case <-dc.Done():
			default:
				ch, err := dc.Channel(ctx)
				if err == nil {
					return ch, nil
				}
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				var de *driver.Error
				if errors.As(err, &de) && de != driver.ErrClosed && de.Code != driver.CodeConnectionForced {
					return nil, wrapBroker("open channel", err)
				}
			}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.closing:
			return nil, ErrClosed
		}
	}
}

// Close closes the connection and stops recovery. Publishers and consumers on
// the Conn stop; close them first to flush confirms or finish in-flight
// work. Close returns promptly whatever the caller did or did not read.
func (c *Conn) Close() error {
	c.closed.Do(func() { close(c.closing) })
	c.wg.Wait()
	return nil
}

// closedCtx returns a context cancelled when the Conn closes.
func (c *Conn) closedCtx() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-c.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}
