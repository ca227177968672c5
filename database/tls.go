package database

import (
	"crypto/tls"
	"net"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/opskit-dev/opskit/internal/tlsconf"
)

// TLSConfig is opskit's one TLS configuration shape (CA bundle, client
// certificate and key, server name, minimum version; from files, PEM or a
// *tls.Config), shared with bus and logging/bulk. Verification is on by
// default; only InsecureSkipVerifyDangerous turns it off.
type TLSConfig = tlsconf.Config

// CertificateError reports a server certificate a connection refused (or
// a client certificate the server refused), naming the node (host:port)
// and the certificate's subject; its methods say why (Expired, WrongName,
// UnknownAuthority, RefusedByPeer). Connections configured by ApplyTLS or
// RouterOptions.TLS fail with it (wrapped by pgx).
type CertificateError = tlsconf.CertificateError

// TLSFromConfig returns a TLSConfig that starts from c (cloned when used).
func TLSFromConfig(c *tls.Config) *TLSConfig { return tlsconf.FromTLS(c) }

// ApplyTLS makes cfg (from pgconn.ParseConfig, or the Config inside
// pgx.ConnConfig and pgxpool.Config) connect to every host over TLS
// verified with t, like sslmode=verify-full whatever the DSN said: the
// certificate must chain to t's CA bundle and name the host dialed (or
// t.ServerName). The plaintext fallbacks sslmode=prefer adds are dropped.
// Unix-socket hosts stay as they are (TLS does not apply). A nil t
// verifies against the system roots.
func ApplyTLS(cfg *pgconn.Config, t *TLSConfig) error {
	type target struct {
		host string
		port uint16
	}
	all := append([]*pgconn.FallbackConfig{{Host: cfg.Host, Port: cfg.Port, TLSConfig: cfg.TLSConfig}}, cfg.Fallbacks...)
	seen := map[target]bool{}
	var out []*pgconn.FallbackConfig
	for _, fb := range all {
		k := target{fb.Host, fb.Port}
		if seen[k] {
			continue
		}
		seen[k] = true
		n := &pgconn.FallbackConfig{Host: fb.Host, Port: fb.Port}
		if !strings.HasPrefix(fb.Host, "/") {
			endpoint := net.JoinHostPort(fb.Host, strconv.Itoa(int(fb.Port)))
			tc, err := t.ClientFor(fb.Host, endpoint)
			if err != nil {
				return invalid("TLS", "", "%v", err)
			}
			n.TLSConfig = tc
		}
		out = append(out, n)
	}
	cfg.Host, cfg.Port, cfg.TLSConfig = out[0].Host, out[0].Port, out[0].TLSConfig
	cfg.Fallbacks = out[1:]
	return nil
}
