// Package tcp is a logging sink that writes events to a TCP peer (rsyslog
// imtcp, Fluent Bit or Vector's tcp/socket inputs, Logstash tcp), one line
// per event: the raw message, or a JSON object with timestamp, host, file
// and message. A batch is acknowledged once it was written to the socket;
// after a write error the connection is redialled and the batch resent, so
// the receiver may see a batch twice (at least once).
package tcp

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/opskit-dev/opskit/logging"
)

// Framing selects the line format.
type Framing int

const (
	// Lines writes each message followed by "\n".
	Lines Framing = iota
	// JSON writes {"timestamp":RFC3339Nano,"host":...,"file":...,"message":...}
	// followed by "\n".
	JSON
)

// Options configures a Sink.
type Options struct {
	// Addr is host:port of the receiver.
	Addr string
	// Framing is Lines (default) or JSON.
	Framing Framing
	// Host is the "host" field of JSON framing (default os.Hostname()).
	Host string
	// DialTimeout and WriteTimeout bound a dial and a batch write
	// (defaults 5 s and 30 s).
	DialTimeout, WriteTimeout time.Duration
	// BufferBytes is the socket write buffer (default 1 MiB).
	BufferBytes int
	// NoWaitDelivered acknowledges a batch as soon as it is written to the
	// socket. By default (on Linux) Write waits until the peer's TCP stack
	// acknowledged every byte (the send queue is empty), so a shipper
	// killed right after acknowledging cannot lose what the kernel still
	// held: a dead process's unsent data is dropped if the kernel aborts
	// the orphaned connection.
	NoWaitDelivered bool
}

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

// New validates opts; the connection is made at the first Write.
func New(opts Options) (*Sink, error) {
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

func appendJSON(b []byte, ev *logging.Event, ts []byte, host string) []byte {
	b = append(b, `{"timestamp":"`...)
	b = append(b, ts...)
	b = append(b, `","host":`...)
	b = AppendJSONString(b, host)
	b = append(b, `,"file":`...)
	b = AppendJSONString(b, ev.Source)
	b = append(b, `,"message":`...)
	b = AppendJSONString(b, ev.Message)
	return append(b, "}\n"...)
}

// safeJSON marks the ASCII bytes a JSON string may hold unescaped.
var safeJSON = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// AppendJSONString appends s as a JSON string; invalid UTF-8 becomes
// U+FFFD.
func AppendJSONString[T string | []byte](b []byte, s T) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if safeJSON[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			}
			i++
			start = i
			continue
		}
		var r rune
		var size int
		switch v := any(s).(type) {
		case string:
			r, size = utf8.DecodeRuneInString(v[i:])
		case []byte:
			r, size = utf8.DecodeRune(v[i:])
		}
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
