package rabbitmq

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opskit-dev/opskit/internal/tlsconf"
	"github.com/opskit-dev/opskit/logging"
)

// The exchanges RabbitMQ publishes its logs and events to.
const (
	LogExchange   = "amq.rabbitmq.log"
	EventExchange = "amq.rabbitmq.event"
)

// ErrNoExchange is wrapped when the exchange does not exist: the plugin
// is not enabled (event) or log.exchange is not set (log).
var ErrNoExchange = errors.New("rabbitmq: exchange does not exist")

// Options configures a Source.
type Options struct {
	// URLs are AMQP URLs of cluster nodes, tried in order on every
	// (re)connect (required).
	URLs []string
	// Exchange is EventExchange (default) or LogExchange.
	Exchange string
	// Keys are binding keys (default "#": everything).
	Keys []string
	// Queue, when set, is a durable queue declared and bound so events
	// published while the source is down wait for it; by default an
	// exclusive, auto-deleted queue lives as long as the connection.
	Queue string
	// Prefetch bounds unacknowledged deliveries (default 1000).
	Prefetch int
	// Stream is set on every event (default the exchange name).
	Stream string
	// Reconnect is the wait between connection attempts (default 1 s).
	Reconnect time.Duration
	// TLS verifies amqps:// nodes against its CA bundle and presents its
	// client certificate, if any; with it set every URL must be amqps://.
	// Without it, amqps:// nodes are verified against the system roots.
	TLS *TLSConfig
}

// Source consumes one of RabbitMQ's log exchanges.
type Source struct {
	opts Options
	tls  *tls.Config // nil: amqp091's defaults
}

// NewSource validates opts.
func NewSource(opts Options) (*Source, error) {
	if len(opts.URLs) == 0 {
		return nil, &logging.InvalidError{Input: "rabbitmq.Options", Field: "URLs", Reason: "at least one AMQP URL is required"}
	}
	for i, u := range opts.URLs {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "amqp" && p.Scheme != "amqps") {
			// URL #n, never the URL itself: it may hold a password that redact cannot find in a malformed URL.
			return nil, &logging.InvalidError{Input: "rabbitmq.Options", Field: fmt.Sprintf("URL #%d", i+1), Reason: "not an amqp:// or amqps:// URL"}
		}
	}
	if opts.Exchange == "" {
		opts.Exchange = EventExchange
	}
	if opts.Exchange != EventExchange && opts.Exchange != LogExchange {
		return nil, &logging.InvalidError{Input: "rabbitmq.Options", Field: "Exchange", Reason: fmt.Sprintf("%q: must be %s or %s", opts.Exchange, EventExchange, LogExchange)}
	}
	if len(opts.Keys) == 0 {
		opts.Keys = []string{"#"}
	}
	if opts.Prefetch <= 0 {
		opts.Prefetch = 1000
	}
	if opts.Stream == "" {
		opts.Stream = opts.Exchange
	}
	if opts.Reconnect <= 0 {
		opts.Reconnect = time.Second
	}
	tc, err := clientTLS(opts)
	if err != nil {
		return nil, err
	}
	return &Source{opts: opts, tls: tc}, nil
}

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return "(unparsable URL)"
}

// deliveryAcker acknowledges deliveries on the channel they came from.
type deliveryAcker struct{ ch *amqp.Channel }

// Ack acknowledges every delivery up to tag.
func (a *deliveryAcker) Ack(tag int64) { _ = a.ch.Ack(uint64(tag), true) }

// Run consumes until ctx ends, reconnecting across the URLs when the
// connection drops. It returns at once if the exchange does not exist, and
// with a *CertificateError when a node's certificate is refused: a wrong
// CA or name does not fix itself by retrying.
func (s *Source) Run(ctx context.Context, out logging.Emitter) error {
	for attempt := 0; ; attempt++ {
		err := s.consume(ctx, out, s.opts.URLs[attempt%len(s.opts.URLs)])
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var ce *CertificateError
		if errors.Is(err, ErrNoExchange) || errors.Is(err, logging.ErrClosed) || errors.As(err, &ce) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(s.opts.Reconnect):
		}
	}
}

func (s *Source) consume(ctx context.Context, out logging.Emitter, u string) error {
	cfg := amqp.Config{Dial: amqp.DefaultDial(10 * time.Second), Properties: amqp.Table{"connection_name": "opskit-logging-rabbitmq-source"}}
	if s.tls != nil {
		cfg.TLSClientConfig = s.tls.Clone()
	}
	conn, err := amqp.DialConfig(u, cfg)
	if err != nil {
		endpoint := redact(u)
		if p, perr := url.Parse(u); perr == nil {
			endpoint = p.Host
		}
		return fmt.Errorf("rabbitmq: dial %s: %w", redact(u), tlsconf.Classify(err, endpoint))
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	if err := ch.ExchangeDeclarePassive(s.opts.Exchange, "topic", true, false, true, false, nil); err != nil {
		var ae *amqp.Error
		if errors.As(err, &ae) && ae.Code == amqp.NotFound {
			hint := "enable the rabbitmq_event_exchange plugin"
			if s.opts.Exchange == LogExchange {
				hint = "set log.exchange = true in rabbitmq.conf"
			}
			return fmt.Errorf("%w: %s on %s (%s)", ErrNoExchange, s.opts.Exchange, redact(u), hint)
		}
		return err
	}
	name, durable, exclusive := s.opts.Queue, true, false
	if name == "" {
		durable, exclusive = false, true
	}
	q, err := ch.QueueDeclare(name, durable, !durable, exclusive, false, nil)
	if err != nil {
		return fmt.Errorf("rabbitmq: declare queue %q: %w", name, err)
	}
	for _, k := range s.opts.Keys {
		if err := ch.QueueBind(q.Name, k, s.opts.Exchange, false, nil); err != nil {
			return fmt.Errorf("rabbitmq: bind %s to %s with %q: %w", q.Name, s.opts.Exchange, k, err)
		}
	}
	if err := ch.Qos(s.opts.Prefetch, 0, false); err != nil {
		return err
	}
	deliveries, err := ch.Consume(q.Name, "opskit-logging", false, exclusive, false, false, nil)
	if err != nil {
		return err
	}
	acker := &deliveryAcker{ch: ch}
	for d := range deliveries {
		if err := out.Emit(ctx, s.event(&d, acker)); err != nil {
			return err
		}
	}
	return fmt.Errorf("rabbitmq: deliveries from %s ended", redact(u))
}
