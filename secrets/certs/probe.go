package certs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/opskit-dev/opskit/internal/audit"
)

// DefaultProbeTimeout bounds each handshake of a probe unless options say
// otherwise.
const DefaultProbeTimeout = 10 * time.Second

// ProbeOptions configures Probe. The zero value checks against the system
// roots, with the host part of the address as the name.
type ProbeOptions struct {
	// ServerName is the name the certificate must be valid for and the
	// SNI sent; empty means the host part of the address.
	ServerName string
	// Roots are the trusted roots the chain must lead to; nil means the
	// system roots.
	Roots *x509.CertPool
	// ExpiryWithin fails a leaf certificate expiring within it; zero means
	// DefaultExpiryWithin.
	ExpiryWithin time.Duration
	// Timeout bounds each handshake; zero means DefaultProbeTimeout.
	Timeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Dial opens the TCP connections; nil means a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// probeTarget is what one probe learnt about an endpoint.
type probeTarget struct {
	addr       string
	name       string
	opts       ProbeOptions
	now        time.Time
	state      tls.ConnectionState
	oldVersion []string // protocol versions below TLS 1.2 the server accepted
	weakSuites []string // weak cipher suites the server accepted
}

// Probe connects to the TLS endpoint addr (host:port) and checks it
// (ProbeChecks): the leaf's expiry, the chain to opts.Roots, the name, the
// key, the protocol versions it accepts and the cipher suites it accepts.
// It makes one handshake that accepts anything to read what the server
// prefers, then one per old protocol version and per weak cipher suite
// to see whether the server also accepts those; it sends no data. The
// resource of every finding is addr. An endpoint where no handshake
// completes returns ErrProbe; so does one whose RSA key is below 1024
// bits, since Go's TLS client refuses those outright.
func Probe(ctx context.Context, addr string, opts ProbeOptions) ([]Finding, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &InvalidError{Input: "address " + addr, Reason: err.Error()}
	}
	if opts.ExpiryWithin < 0 || opts.Timeout < 0 {
		return nil, &InvalidError{Input: "ProbeOptions", Reason: "durations must not be negative"}
	}
	if opts.ServerName == "" {
		opts.ServerName = host
	}
	if opts.ExpiryWithin == 0 {
		opts.ExpiryWithin = DefaultExpiryWithin
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultProbeTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Dial == nil {
		var d net.Dialer
		opts.Dial = d.DialContext
	}
	t := &probeTarget{addr: addr, name: opts.ServerName, opts: opts, now: opts.Now()}
	// Anything goes in the first handshake, weak suites included, so an
	// old server is reported on rather than unreachable.
	st, err := t.handshake(ctx, &tls.Config{MinVersion: tls.VersionTLS10, CipherSuites: allSuites()})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrProbe, addr, err)
	}
	if len(st.PeerCertificates) == 0 {
		return nil, fmt.Errorf("%w: %s: the server sent no certificate", ErrProbe, addr)
	}
	t.state = st
	if err := t.probeOld(ctx); err != nil {
		return nil, err
	}
	if err := t.probeWeak(ctx); err != nil {
		return nil, err
	}
	return audit.Run(ctx, t, probeCheckers...), nil
}

// ProbeChecks lists the TLS endpoint checks.
func ProbeChecks() []Check {
	out := make([]Check, len(probeCheckers))
	for i, c := range probeCheckers {
		out[i] = c.Check
	}
	return out
}

// handshake completes one handshake with cfg (verification is done by the
// checks, not here) and closes the connection.
func (t *probeTarget) handshake(ctx context.Context, cfg *tls.Config) (tls.ConnectionState, error) {
	ctx, cancel := context.WithTimeout(ctx, t.opts.Timeout)
	defer cancel()
	raw, err := t.opts.Dial(ctx, "tcp", t.addr)
	if err != nil {
		return tls.ConnectionState{}, dialError{err}
	}
	defer raw.Close()
	cfg = cfg.Clone()
	cfg.ServerName = t.name
	cfg.InsecureSkipVerify = true // the checks verify the chain and name themselves
	c := tls.Client(raw, cfg)
	if err := c.HandshakeContext(ctx); err != nil {
		return tls.ConnectionState{}, err
	}
	st := c.ConnectionState()
	_ = c.Close()
	return st, nil
}

// dialError is a failure to reach the endpoint at all, as opposed to a
// handshake the server refused.
type dialError struct{ err error }

func (e dialError) Error() string { return "dial: " + e.err.Error() }
func (e dialError) Unwrap() error { return e.err }

// accepted makes a follow-up handshake with cfg and reports whether the
// server completed it. A handshake the server refuses (an alert, a closed
// connection) is false; not reaching the server, or ctx ending, is an
// error, since the answer would be unknown.
func (t *probeTarget) accepted(ctx context.Context, cfg *tls.Config) (tls.ConnectionState, bool, error) {
	st, err := t.handshake(ctx, cfg)
	if err == nil {
		return st, true, nil
	}
	var de dialError
	if errors.As(err, &de) || ctx.Err() != nil {
		return st, false, fmt.Errorf("%w: %s: %v", ErrProbe, t.addr, err)
	}
	return st, false, nil
}
