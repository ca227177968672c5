package bus

import (
	"net/url"
	"time"

	"github.com/opskit-dev/opskit/bus/amqpdriver"
	"github.com/opskit-dev/opskit/bus/driver"
)

// Options configures a Conn.
type Options struct {
	// URLs are the AMQP URLs of the cluster's nodes (amqp:// or amqps://).
	// At least one is required.
	URLs []string
	// InOrder makes the Conn try URLs in the given order, first to last, on the
	// first connect; by default it starts at a random node. Use it to place a
	// publisher or consumer on a chosen node. On recovery the Conn always
	// tries the other nodes before the one it lost.
	InOrder bool
	// TLS configures amqps:// URLs: the CA bundle the nodes' certificates
	// must chain to, a client certificate, a server name. Nil verifies
	// against the system roots. With TLS set, every URL must be amqps://.
	TLS *TLSConfig
	// ExternalAuth logs in with the client certificate in TLS (SASL
	// EXTERNAL; RabbitMQ's rabbitmq_auth_mechanism_ssl plugin maps the
	// certificate to a user) instead of the URL's user and password.
	ExternalAuth bool
	// Dialer opens connections; the default is amqp091-go (amqpdriver.Dialer).
	// bus/busfake provides an in-memory broker.
	Dialer driver.Dialer
	// Name is the connection name the broker shows.
	Name string
	// Heartbeat is the AMQP heartbeat interval; 10s when zero. The broker
	// may lower it. A node that sends nothing for 1.5 intervals (15 s by
	// default) is declared dead and the Conn fails over.
	Heartbeat time.Duration
	// Backoff is the delay policy between reconnect attempts (after the
	// first round over the nodes) and between a consumer's re-attach
	// attempts; zero fields default to 50ms initial and 5s max.
	Backoff Backoff
	// RestoreTimeout bounds how long a reconnect waits for the exclusive,
	// auto-delete and transient entities applied through the Conn to be
	// redeclared before it reports StateOpen anyway; durable entities are
	// redeclared after StateOpen, in the background. 5s when zero.
	RestoreTimeout time.Duration
	// OnStateChange, if set, is called on every state change, in order, from
	// a goroutine of its own: it may block or call into the Conn (even Close)
	// without stalling recovery.
	OnStateChange func(StateChange)
	// OnError, if set, receives errors the Conn and its publishers and
	// consumers handle on their own (such as a topology entity that could not
	// be restored), like OnStateChange.
	OnError func(error)
}

func (o *Options) normalize() ([]string, error) {
	if len(o.URLs) == 0 {
		return nil, invalid("options", "URLs", "at least one AMQP URL is required")
	}
	urls := make([]string, len(o.URLs))
	for i, raw := range o.URLs {
		u, err := url.Parse(raw)
		input := "URL #" + itoa(i+1)
		if err != nil {
			// url.Parse errors quote the URL, which may hold a password.
			return nil, invalid(input, "", "cannot be parsed")
		}
		if u.Scheme != "amqp" && u.Scheme != "amqps" {
			return nil, invalid(input, "scheme", "got %q, want amqp or amqps", u.Scheme)
		}
		if u.Host == "" {
			return nil, invalid(input, "host", "missing")
		}
		urls[i] = raw
	}
	if o.Heartbeat < 0 {
		return nil, invalid("options", "Heartbeat", "negative (%v)", o.Heartbeat)
	}
	if o.RestoreTimeout < 0 {
		return nil, invalid("options", "RestoreTimeout", "negative (%v)", o.RestoreTimeout)
	}
	if o.Backoff.Initial < 0 || o.Backoff.Max < 0 {
		return nil, invalid("options", "Backoff", "negative delay")
	}
	if o.Dialer == nil {
		o.Dialer = amqpdriver.Dialer{}
	}
	o.Backoff = o.Backoff.WithDefaults(defaultBackoff)
	if o.Heartbeat == 0 {
		o.Heartbeat = 10 * time.Second
	}
	if o.RestoreTimeout == 0 {
		o.RestoreTimeout = 5 * time.Second
	}
	return urls, nil
}

// redact returns the URL without its password, for states and errors.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	return u.String()
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
