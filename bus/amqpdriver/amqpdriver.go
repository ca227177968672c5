// Package amqpdriver is the bus driver over github.com/rabbitmq/amqp091-go.
//
// It never hands amqp091-go's synchronous notification channels to callers:
// every Notify* channel it registers is buffered and drained by a goroutine it
// owns, so a slow or absent reader can neither stall the connection's reader
// nor make Close hang.
package amqpdriver

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opskit-dev/opskit/bus/driver"
	"github.com/opskit-dev/opskit/internal/tlsconf"
)

// Dialer dials RabbitMQ nodes with amqp091-go. The zero value is ready to use.
type Dialer struct {
	// DialTimeout bounds the TCP connect and AMQP handshake; 10s when zero.
	DialTimeout time.Duration
}

var _ driver.Dialer = Dialer{}

// Dial implements driver.Dialer.
func (d Dialer) Dial(ctx context.Context, addr string, cfg driver.Config) (driver.Conn, error) {
	timeout := d.DialTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < timeout {
		timeout = time.Until(dl)
	}
	props := amqp.NewConnectionProperties()
	if cfg.Name != "" {
		props.SetClientConnectionName(cfg.Name)
	}
	sock := &socket{}
	ac := amqp.Config{
		Heartbeat:  cfg.Heartbeat,
		Properties: props,
		// amqp091-go sets ServerName on the config it is given: a clone.
		TLSClientConfig: cfg.TLS.Clone(),
		Dial: func(network, a string) (net.Conn, error) {
			nd := net.Dialer{Timeout: timeout}
			c, err := nd.DialContext(ctx, network, a)
			if err != nil {
				return nil, err
			}
			// Bound the handshake; amqp091-go clears the deadline afterwards.
			if err := c.SetDeadline(time.Now().Add(timeout)); err != nil {
				_ = c.Close()
				return nil, err
			}
			sock.set(c)
			return c, nil
		},
	}
	type result struct {
		c   *amqp.Connection
		err error
	}
	if cfg.External {
		ac.SASL = []amqp.Authentication{&amqp.ExternalAuth{}}
	}
	done := make(chan result, 1)
	go func() {
		c, err := amqp.DialConfig(addr, ac)
		done <- result{c, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		go func() {
			if r := <-done; r.c != nil {
				_ = r.c.Close()
			}
		}()
		return nil, ctx.Err()
	}
	if r.err != nil {
		return nil, tlsconf.Classify(convert(r.err), endpoint(addr))
	}
	c := &conn{c: r.c, sock: sock, done: make(chan struct{})}
	closeCh := r.c.NotifyClose(make(chan *amqp.Error, 1))
	blockedCh := r.c.NotifyBlocked(make(chan amqp.Blocking, 16))
	go func() {
		for {
			select {
			case b, ok := <-blockedCh:
				if !ok {
					blockedCh = nil
					continue
				}
				if cfg.OnBlocked != nil {
					cfg.OnBlocked(b.Active, b.Reason)
				}
			case e, ok := <-closeCh:
				c.mu.Lock()
				if ok && e != nil {
					c.err = convert(e)
				}
				c.mu.Unlock()
				if ok && e != nil {
					// amqp091-go closes the socket only after every channel
					// has shut down, and a channel cannot while a publish is
					// stuck in a write to a node that stopped reading (missed
					// heartbeats): reset it now, so the writer fails and the
					// channels end.
					sock.reset()
				}
				close(c.done)
				// Keep draining blocked notifications until amqp091 closes them.
				for range blockedCh {
				}
				return
			}
		}
	}()
	return c, nil
}

type conn struct {
	c    *amqp.Connection
	sock *socket
	done chan struct{}
	mu   sync.Mutex
	err  error
}

func (c *conn) Channel(ctx context.Context) (driver.Channel, error) {
	type result struct {
		ch  *amqp.Channel
		err error
	}
	res := make(chan result, 1)
	go func() {
		ch, err := c.c.Channel()
		res <- result{ch, err}
	}()
	select {
	case r := <-res:
		if r.err != nil {
			return nil, convert(r.err)
		}
		return newChannel(r.ch, c.sock), nil
	case <-ctx.Done():
		go func() {
			if r := <-res; r.ch != nil {
				_ = r.ch.Close()
			}
		}()
		return nil, ctx.Err()
	case <-c.done:
		return nil, driver.ErrClosed
	}
}

func (c *conn) Done() <-chan struct{} { return c.done }

func (c *conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *conn) Close() error {
	err := c.c.CloseDeadline(time.Now().Add(2 * time.Second))
	if errors.Is(err, amqp.ErrClosed) {
		return nil
	}
	return convert(err)
}

// convert maps amqp091-go errors onto *driver.Error.
func convert(err error) error {
	if err == nil {
		return nil
	}
	var ae *amqp.Error
	if errors.As(err, &ae) {
		if ae == amqp.ErrClosed {
			return driver.ErrClosed
		}
		return &driver.Error{Code: ae.Code, Reason: ae.Reason, Server: ae.Server}
	}
	return err
}

// endpoint returns host:port of an AMQP URL, for certificate errors (never
// the credentials).
func endpoint(addr string) string {
	u, err := amqp.ParseURI(addr)
	if err != nil {
		return "(unparsable URL)"
	}
	return net.JoinHostPort(u.Host, strconv.Itoa(u.Port))
}
