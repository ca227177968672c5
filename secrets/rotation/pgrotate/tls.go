package pgrotate

import (
	"net"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/opskit-dev/opskit/internal/tlsconf"
)

// CertificateError reports a server certificate a connection refused,
// naming the server (host:port) and the certificate's subject; its methods
// say why (Expired, WrongName, UnknownAuthority, RefusedByPeer). Targets
// connect with the DSN's TLS settings (sslmode=verify-full with
// sslrootcert) and return it, wrapped, when verification fails.
type CertificateError = tlsconf.CertificateError

// classify names the server in a certificate failure.
func classify(err error, cfg *pgx.ConnConfig) error {
	return tlsconf.Classify(err, net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))))
}
