package bulk

import (
	"net/http"
	"net/url"

	"github.com/opskit-dev/opskit/logging"
)

// Options configures a Sink.
type Options struct {
	// URL is the cluster's base URL, such as https://search.example:9200.
	URL string
	// IndexPrefix names daily indices: "<prefix>-2006.01.02" from the
	// event time in UTC, or "<prefix>-<stream>-2006.01.02" for events with
	// a Stream (default "logs").
	IndexPrefix string
	// Index, when set, overrides IndexPrefix: it returns the index for an
	// event.
	Index func(ev *logging.Event) string
	// MaxBytes bounds one request body (default 5 MiB; AWS OpenSearch's
	// small instances refuse more than 10 MiB with 413).
	MaxBytes int
	// Create uses the "create" action: an existing _id is a success (409),
	// never overwritten. The default "index" overwrites, which is also
	// idempotent.
	Create bool
	// Username and Password are sent as HTTP basic auth when set.
	Username, Password string
	// Header is added to every request (API keys).
	Header http.Header
	// Client is the HTTP client (default a client with a 60 s timeout).
	Client *http.Client
	// TLS configures an https:// URL: the CA bundle the cluster's
	// certificate must chain to, a client certificate, a server name (the
	// default client with a 60 s timeout is built with it). Nil verifies
	// against the system roots. Set Client or TLS, not both.
	TLS *TLSConfig
	// MaxAttempts bounds attempts per item on 429 and 5xx (default 8).
	MaxAttempts int
	// Backoff spaces retries (zero fields take logging.DefaultBackoff's).
	Backoff logging.Backoff
}

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = url.User("REDACTED")
		return u.String()
	}
	return raw
}
