package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/opskit-dev/opskit/internal/tlsconf"
)

// Management is a small client of RabbitMQ's management HTTP API, used for
// Diff, queue metrics and queue leader placement. It tries each base URL in
// turn until one answers.
type Management struct {
	// URLs are the management API base URLs, e.g. http://127.0.0.1:15672.
	URLs []string
	// User and Password authenticate (basic auth). They never appear in errors.
	User, Password string
	// Client is the HTTP client; http.DefaultClient when nil and TLS is
	// not set.
	Client *http.Client
	// TLS configures https:// URLs (the CA the management listeners'
	// certificates chain to, a client certificate); nil uses the system
	// roots. Set Client or TLS, not both. With TLS set, every URL must be
	// https://.
	TLS *TLSConfig

	mu        sync.Mutex
	tlsClient *http.Client
}

// ErrManagement matches errors from the management API.
var ErrManagement = errors.New("bus: management API error")

// ManagementError is a non-2xx management API answer.
type ManagementError struct {
	// Method and Path are the request's (the path holds no credentials).
	Method, Path string
	// Status is the HTTP status code.
	Status int
	// Body is the answer's body, the API's own explanation.
	Body string
}

// Error implements error.
func (e *ManagementError) Error() string {
	return fmt.Sprintf("bus: management API %s %s: %d %s", e.Method, e.Path, e.Status, e.Body)
}

// Is makes errors.Is(err, ErrManagement) true, and ErrNotFound for 404.
func (e *ManagementError) Is(target error) bool {
	return target == ErrManagement || (target == ErrNotFound && e.Status == http.StatusNotFound)
}

func (m *Management) do(ctx context.Context, method, path string, out any) error {
	if len(m.URLs) == 0 {
		return invalid("management", "URLs", "at least one base URL is required")
	}
	client, err := m.httpClient()
	if err != nil {
		return err
	}
	var errs []error
	for _, base := range m.URLs {
		req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(base, "/")+path, nil)
		if err != nil {
			return invalid("management URL", "", "cannot build a request from %q", redactHTTP(base))
		}
		req.SetBasicAuth(m.User, m.Password)
		resp, err := client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var ce *CertificateError
			if cerr := tlsconf.Classify(err, req.URL.Host); errors.As(cerr, &ce) {
				errs = append(errs, fmt.Errorf("%s: %w", redactHTTP(base), ce))
				continue
			}
			errs = append(errs, fmt.Errorf("%s: unreachable", redactHTTP(base)))
			continue
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			me := &ManagementError{Method: method, Path: path, Status: resp.StatusCode, Body: strings.TrimSpace(string(body))}
			if resp.StatusCode >= 500 {
				errs = append(errs, me)
				continue
			}
			return me
		}
		if out != nil && len(body) > 0 {
			if err := json.Unmarshal(body, out); err != nil {
				return fmt.Errorf("bus: management API %s %s: decode: %w", method, path, err)
			}
		}
		return nil
	}
	return fmt.Errorf("%w: %w", ErrManagement, errors.Join(errs...))
}

// httpClient returns Client, or a client for TLS built once.
func (m *Management) httpClient() (*http.Client, error) {
	if m.TLS == nil {
		if m.Client == nil {
			return http.DefaultClient, nil
		}
		return m.Client, nil
	}
	if m.Client != nil {
		return nil, invalid("management", "TLS", "set Client or TLS, not both")
	}
	for i, raw := range m.URLs {
		if u, err := url.Parse(raw); err == nil && u.Scheme != "https" {
			return nil, invalid("management URL #"+itoa(i+1), "scheme", "%s:// would send the password in plaintext though TLS is set; use https://", u.Scheme)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tlsClient == nil {
		cfg, err := m.TLS.Client("")
		if err != nil {
			return nil, invalid("management", "TLS", "%v", err)
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = cfg
		m.tlsClient = &http.Client{Transport: tr}
	}
	return m.tlsClient, nil
}

func redactHTTP(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	return u.String()
}

// vhostPath escapes the default virtual host for paths.
const vhostPath = "%2F"

// MgmtQueue is the part of a management API queue object bus uses; each
// field holds the JSON field its tag names.
type MgmtQueue struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Durable    bool           `json:"durable"`
	AutoDelete bool           `json:"auto_delete"`
	Exclusive  bool           `json:"exclusive"`
	Arguments  map[string]any `json:"arguments"`
	// Node is the node hosting the queue (the leader for quorum queues).
	Node string `json:"node"`
	// Leader is the quorum queue's leader node.
	Leader                 string   `json:"leader"`
	Members                []string `json:"members"`
	Messages               int      `json:"messages"`
	MessagesReady          int      `json:"messages_ready"`
	MessagesUnacknowledged int      `json:"messages_unacknowledged"`
	Consumers              int      `json:"consumers"`
	MessageStats           struct {
		PublishDetails    rate `json:"publish_details"`
		DeliverGetDetails rate `json:"deliver_get_details"`
		AckDetails        rate `json:"ack_details"`
	} `json:"message_stats"`
}

type rate struct {
	Rate float64 `json:"rate"`
}

// MgmtExchange is the part of a management API exchange object bus uses;
// each field holds the JSON field its tag names.
type MgmtExchange struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Durable    bool           `json:"durable"`
	AutoDelete bool           `json:"auto_delete"`
	Internal   bool           `json:"internal"`
	Arguments  map[string]any `json:"arguments"`
}

// MgmtBinding is a management API binding; each field holds the JSON field
// its tag names.
type MgmtBinding struct {
	Source          string         `json:"source"`
	Destination     string         `json:"destination"`
	DestinationType string         `json:"destination_type"`
	RoutingKey      string         `json:"routing_key"`
	Arguments       map[string]any `json:"arguments"`
}

// Queue fetches one queue of the default virtual host.
func (m *Management) Queue(ctx context.Context, name string) (MgmtQueue, error) {
	var q MgmtQueue
	err := m.do(ctx, http.MethodGet, "/api/queues/"+vhostPath+"/"+url.PathEscape(name), &q)
	return q, err
}

// Exchange fetches one exchange of the default virtual host.
func (m *Management) Exchange(ctx context.Context, name string) (MgmtExchange, error) {
	var x MgmtExchange
	err := m.do(ctx, http.MethodGet, "/api/exchanges/"+vhostPath+"/"+url.PathEscape(name), &x)
	return x, err
}

// BindingsFrom lists the bindings whose source is exchange.
func (m *Management) BindingsFrom(ctx context.Context, exchange string) ([]MgmtBinding, error) {
	var bs []MgmtBinding
	err := m.do(ctx, http.MethodGet, "/api/exchanges/"+vhostPath+"/"+url.PathEscape(exchange)+"/bindings/source", &bs)
	return bs, err
}

// MgmtConnection is a client connection as the management API lists it;
// each field holds the JSON field its tag names.
type MgmtConnection struct {
	Name string `json:"name"`
	Node string `json:"node"`
	// User is the user the connection logged in as (with EXTERNAL, the
	// client certificate's CN).
	User string `json:"user"`
	// SSL reports whether the connection uses TLS.
	SSL              bool `json:"ssl"`
	ClientProperties struct {
		ConnectionName string `json:"connection_name"`
	} `json:"client_properties"`
}

// Connections lists client connections.
func (m *Management) Connections(ctx context.Context) ([]MgmtConnection, error) {
	var cs []MgmtConnection
	err := m.do(ctx, http.MethodGet, "/api/connections", &cs)
	return cs, err
}

// CloseConnection force-closes a client connection by its management name.
func (m *Management) CloseConnection(ctx context.Context, name string) error {
	err := m.do(ctx, http.MethodDelete, "/api/connections/"+url.PathEscape(name), nil)
	var me *ManagementError
	if errors.As(err, &me) && me.Status == http.StatusNotFound {
		return nil
	}
	return err
}
