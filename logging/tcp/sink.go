package tcp

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// Sink writes to one TCP connection, redialled on demand.
type Sink struct {
	opts   Options
	mu     sync.Mutex
	conn   net.Conn
	w      *bufio.Writer
	closed bool
	// lastTime caches the formatted timestamp: events read together share it.
	lastTime time.Time
	lastTS   []byte
}

var _ logging.Sink = (*Sink)(nil)

// NewSink validates opts; the connection is made at the first Write.
func NewSink(opts Options) (*Sink, error) {
	if _, _, err := net.SplitHostPort(opts.Addr); err != nil {
		return nil, &logging.InvalidError{Input: "tcp.Options", Field: "Addr", Reason: err.Error()}
	}
	if opts.Framing != Lines && opts.Framing != JSON {
		return nil, &logging.InvalidError{Input: "tcp.Options", Field: "Framing", Reason: fmt.Sprintf("unknown framing %d", opts.Framing)}
	}
	if opts.Host == "" {
		opts.Host, _ = os.Hostname()
	}
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = 5 * time.Second
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 30 * time.Second
	}
	if opts.BufferBytes <= 0 {
		opts.BufferBytes = 1 << 20
	}
	return &Sink{opts: opts}, nil
}

// Write implements logging.Sink.
func (s *Sink) Write(ctx context.Context, batch []logging.Event) (logging.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return logging.Result{}, logging.ErrClosed
	}
	if len(batch) == 0 {
		return logging.Result{}, nil
	}
	if s.conn == nil {
		d := net.Dialer{Timeout: s.opts.DialTimeout}
		c, err := d.DialContext(ctx, "tcp", s.opts.Addr)
		if err != nil {
			return logging.Result{}, fmt.Errorf("tcp: dial %s: %w", s.opts.Addr, err)
		}
		s.conn, s.w = c, bufio.NewWriterSize(c, s.opts.BufferBytes)
	}
	deadline := time.Now().Add(s.opts.WriteTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = s.conn.SetWriteDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = s.conn.SetWriteDeadline(time.Unix(1, 0)) })
	defer stop()
	var err error
	for i := range batch {
		if s.opts.Framing == JSON {
			ev := &batch[i]
			if !ev.Time.Equal(s.lastTime) || s.lastTS == nil {
				s.lastTime = ev.Time
				s.lastTS = ev.Time.UTC().AppendFormat(s.lastTS[:0], time.RFC3339Nano)
			}
			if s.w.Available() < 2*len(ev.Message)+len(ev.Source)+len(s.opts.Host)+96 {
				if err = s.w.Flush(); err != nil {
					break
				}
			}
			// Encode in place in the writer's free space (see AvailableBuffer).
			_, err = s.w.Write(appendJSON(s.w.AvailableBuffer(), ev, s.lastTS, s.opts.Host))
		} else {
			if _, err = s.w.Write(batch[i].Message); err == nil {
				err = s.w.WriteByte('\n')
			}
		}
		if err != nil {
			break
		}
	}
	if err == nil {
		err = s.w.Flush()
	}
	if err == nil && !s.opts.NoWaitDelivered {
		err = s.waitDelivered(ctx, deadline)
	}
	if err != nil {
		s.conn.Close()
		s.conn, s.w = nil, nil
		return logging.Result{}, fmt.Errorf("tcp: write to %s: %w", s.opts.Addr, err)
	}
	return logging.Result{Requests: 1}, nil
}

// waitDelivered polls the send queue until the peer acknowledged it all.
func (s *Sink) waitDelivered(ctx context.Context, deadline time.Time) error {
	pause := 50 * time.Microsecond
	for {
		n, ok := unsent(s.conn)
		if !ok || n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d bytes not acknowledged by the peer: %w", n, os.ErrDeadlineExceeded)
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, 5*time.Millisecond)
	}
}

// Close closes the connection; later Writes fail with logging.ErrClosed.
func (s *Sink) Close(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.conn != nil {
		err := s.conn.Close()
		s.conn = nil
		return err
	}
	return nil
}
