package rabbitmq

import (
	"crypto/tls"
	"fmt"
	"net/url"

	"github.com/opskit-dev/opskit/internal/tlsconf"
	"github.com/opskit-dev/opskit/logging"
)

// TLSConfig is how the source verifies amqps:// nodes and which client
// certificate it presents: a CA bundle, a client certificate and key, a
// server name and a minimum version. Verification is on unless its
// InsecureSkipVerifyDangerous field says otherwise.
type TLSConfig = tlsconf.Config

// CertificateError is a node's certificate refused in the handshake; it
// names the node and says why (expired, wrong name, unknown authority).
type CertificateError = tlsconf.CertificateError

// clientTLS checks that no URL is plain amqp:// while opts.TLS is set and
// returns the client TLS configuration (nil without opts.TLS; amqp091's
// defaults then verify amqps:// nodes against the system roots).
func clientTLS(opts Options) (*tls.Config, error) {
	if opts.TLS == nil {
		return nil, nil
	}
	for i, raw := range opts.URLs {
		if u, err := url.Parse(raw); err == nil && u.Scheme != "amqps" {
			return nil, &logging.InvalidError{Input: "rabbitmq.Options", Field: fmt.Sprintf("URL #%d", i+1), Reason: "amqp:// would send in plaintext though Options.TLS is set; use amqps://"}
		}
	}
	cfg, err := opts.TLS.Client("")
	if err != nil {
		return nil, &logging.InvalidError{Input: "rabbitmq.Options", Field: "TLS", Reason: err.Error()}
	}
	return cfg, nil
}
