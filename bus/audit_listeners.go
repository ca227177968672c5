package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// MgmtListener is one listener of one node, from the management API's
// overview.
type MgmtListener struct {
	Node     string `json:"node"`
	Protocol string `json:"protocol"`
	// IPAddress is the address the API reports. For the management
	// listener RabbitMQ reports "::" even when it is bound to one address;
	// BindAddress reads the real one from SocketOpts.
	IPAddress string `json:"ip_address"`
	Port      int    `json:"port"`
	// SocketOpts are the listener's options as the API gives them.
	SocketOpts json.RawMessage `json:"socket_opts,omitempty"`
}

// BindAddress is the address the listener is bound to: the "ip" of its
// socket options when they name one, IPAddress otherwise.
func (l MgmtListener) BindAddress() string {
	var opts struct {
		IP string `json:"ip"`
	}
	if len(l.SocketOpts) > 0 && l.SocketOpts[0] == '{' && json.Unmarshal(l.SocketOpts, &opts) == nil && net.ParseIP(opts.IP) != nil {
		return opts.IP
	}
	return l.IPAddress
}

// Listeners lists every node's listeners (AMQP, management, MQTT, STOMP,
// streams, clustering), from /api/overview.
func (m *Management) Listeners(ctx context.Context) ([]MgmtListener, error) {
	var ov struct {
		Listeners []MgmtListener `json:"listeners"`
	}
	err := m.do(ctx, http.MethodGet, "/api/overview", &ov)
	return ov.Listeners, err
}

// ListenerTLSCheck is the check behind AuditListeners.
var ListenerTLSCheck = Check{
	ID:       "bus.listeners.plaintext",
	Title:    "RabbitMQ listener accepts plaintext on a non-loopback address",
	Severity: SeverityHigh,
	Description: "A client listener without TLS on an address other hosts reach sends credentials and messages " +
		"in the clear. Plaintext is acceptable on loopback only.",
	Remediation: Remediation{Text: "Serve clients over TLS (listeners.ssl.default = 5671, ssl_options.*; " +
		"management.ssl.port = 15671) and bind plaintext listeners to loopback (listeners.tcp.1 = 127.0.0.1:5672, " +
		"management.tcp.ip = 127.0.0.1) or remove them (listeners.tcp = none)."},
	References: []string{"https://www.rabbitmq.com/docs/ssl", "https://www.rabbitmq.com/docs/networking#interfaces"},
	Tags:       []string{"tls", "network"},
}

// AuditListeners returns one finding per client listener: a pass for a
// TLS listener or a plaintext one bound to loopback, a failure for a
// plaintext one on any other address (0.0.0.0 and :: included). The
// inter-node clustering listener is not a client listener and is skipped.
func AuditListeners(ls []MgmtListener) []Finding {
	var out []Finding
	for _, l := range ls {
		if l.Protocol == "clustering" {
			continue
		}
		addr := l.BindAddress()
		resource := fmt.Sprintf("%s %s %s", l.Node, l.Protocol, net.JoinHostPort(addr, strconv.Itoa(l.Port)))
		switch {
		case listenerTLS(l.Protocol):
			out = append(out, ListenerTLSCheck.Pass(resource))
		case loopbackIP(addr):
			f := ListenerTLSCheck.Pass(resource)
			f.Evidence = "plaintext, loopback only"
			out = append(out, f)
		default:
			out = append(out, ListenerTLSCheck.Fail(resource, fmt.Sprintf("%s without TLS on %s", l.Protocol, listenAddr(addr))))
		}
	}
	return out
}

// listenerTLS reports whether a management-API protocol name is a TLS one:
// amqp/ssl, https, mqtt/ssl, stomp/ssl, stream/ssl, https/web-mqtt...
func listenerTLS(protocol string) bool {
	return strings.Contains(protocol, "/ssl") || strings.HasPrefix(protocol, "https")
}

func loopbackIP(s string) bool {
	ip := net.ParseIP(s)
	return ip != nil && ip.IsLoopback()
}

func listenAddr(s string) string {
	if ip := net.ParseIP(s); ip != nil && ip.IsUnspecified() {
		return s + " (every interface)"
	}
	return s
}
