package main

import (
	"context"
	"crypto/x509"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/secrets/certs"
)

// tlsTarget probes one TLS endpoint: certificate expiry, chain, name and
// key, and the protocol versions and cipher suites it accepts. now, when
// set, is the clock (the demo's).
func tlsTarget(addr, serverName string, roots *x509.CertPool, now func() time.Time) target {
	return target{name: "tls " + addr, checks: certs.ProbeChecks(), audit: func(ctx context.Context) ([]access.Finding, error) {
		return certs.Probe(ctx, addr, certs.ProbeOptions{ServerName: serverName, Roots: roots, Now: now})
	}}
}
