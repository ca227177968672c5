package tlsconf_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/internal/tlsconf"
)

// dial handshakes with addr using c and classifies the error.
func dial(t *testing.T, addr string, c *tlsconf.Config) error {
	t.Helper()
	host, _, _ := net.SplitHostPort(addr)
	cfg, err := c.Client(host)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, cfg)
	if err == nil {
		// TLS 1.3: a refused client certificate shows on the first read.
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		_, err = conn.Read(make([]byte, 1))
		conn.Close()
		if err != nil && err.Error() == "EOF" {
			err = nil
		}
	}
	return tlsconf.Classify(err, addr)
}

func TestClassifyRefusals(t *testing.T) {
	ca := testenv.NewTestCA(t, "classify CA")
	other := testenv.NewTestCA(t, "another CA")
	good := testenv.TLSServer(t, ca.IssueServer(t, time.Time{}, time.Time{}), testenv.PreambleNone)
	expired := testenv.TLSServer(t, ca.IssueServer(t, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour)), testenv.PreambleNone)
	trusted := &tlsconf.Config{CAPEM: ca.CAPEM}

	if err := dial(t, good, trusted); err != nil {
		t.Fatalf("trusted server: %v", err)
	}
	for _, tc := range []struct {
		name   string
		addr   string
		c      *tlsconf.Config
		is     func(*tlsconf.CertificateError) bool
		detail string
	}{
		{"wrong CA", good, &tlsconf.Config{CAPEM: other.CAPEM}, (*tlsconf.CertificateError).UnknownAuthority, "issued by"},
		{"wrong name", good, &tlsconf.Config{CAPEM: ca.CAPEM, ServerName: "db.example.com"}, (*tlsconf.CertificateError).WrongName, "valid for localhost, 127.0.0.1, ::1, not db.example.com"},
		{"expired", expired, trusted, (*tlsconf.CertificateError).Expired, "expired at"},
	} {
		err := dial(t, tc.addr, tc.c)
		var ce *tlsconf.CertificateError
		if !errors.As(err, &ce) || !tc.is(ce) {
			t.Errorf("%s: err = %v; want a CertificateError of that kind", tc.name, err)
			continue
		}
		want := "tls: certificate of " + tc.addr + " (CN=localhost,O=opskit tests) refused: "
		if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tc.detail) {
			t.Errorf("%s: err = %q; want prefix %q and %q", tc.name, err, want, tc.detail)
		}
		var (
			unknown  x509.UnknownAuthorityError
			hostname x509.HostnameError
			invalid  x509.CertificateInvalidError
			found    bool
		)
		switch tc.name {
		case "wrong CA":
			found = errors.As(err, &unknown)
		case "wrong name":
			found = errors.As(err, &hostname)
		default:
			found = errors.As(err, &invalid)
		}
		if !found {
			t.Errorf("%s: errors.As finds no x509 error; it must stay reachable", tc.name)
		}
	}
}

func TestClassifyClientCertificateRefused(t *testing.T) {
	ca := testenv.NewTestCA(t, "server CA")
	clientCA := testenv.NewTestCA(t, "client CA")
	stranger := testenv.NewTestCA(t, "stranger CA")
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(clientCA.CAPEM)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{ca.IssueServer(t, time.Time{}, time.Time{})},
		ClientAuth:   tls.RequireAndVerifyClientCert, ClientCAs: pool,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.(*tls.Conn).Handshake()
			}()
		}
	}()
	cert, key := stranger.Issue(t, testenv.Leaf{CommonName: "intruder", Client: true})
	err = dial(t, ln.Addr().String(), &tlsconf.Config{CAPEM: ca.CAPEM, CertPEM: cert, KeyPEM: key})
	var ce *tlsconf.CertificateError
	if !errors.As(err, &ce) || !ce.RefusedByPeer() {
		t.Fatalf("err = %v; want the peer to refuse our certificate", err)
	}
	if want := "tls: " + ln.Addr().String() + " refused our client certificate"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %q; want prefix %q", err, want)
	}
	good, goodKey := clientCA.Issue(t, testenv.Leaf{CommonName: "svc", Client: true})
	if err := dial(t, ln.Addr().String(), &tlsconf.Config{CAPEM: ca.CAPEM, CertPEM: good, KeyPEM: goodKey}); err != nil {
		t.Fatalf("client certificate from the trusted CA: %v", err)
	}
}

func TestClassifyLeavesOtherErrors(t *testing.T) {
	other := errors.New("connection refused")
	if got := tlsconf.Classify(other, "h:1"); got != other {
		t.Errorf("Classify(other) = %v; want it unchanged", got)
	}
	if tlsconf.Classify(nil, "h:1") != nil {
		t.Error("Classify(nil) != nil")
	}
}

func TestClientForNamesTheEndpoint(t *testing.T) {
	ca := testenv.NewTestCA(t, "client-for CA")
	other := testenv.NewTestCA(t, "other CA")
	good := testenv.TLSServer(t, ca.IssueServer(t, time.Time{}, time.Time{}), testenv.PreambleNone)
	expired := testenv.TLSServer(t, ca.IssueServer(t, time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour)), testenv.PreambleNone)
	handshake := func(addr string, c *tlsconf.Config) error {
		cfg, err := c.ClientFor("127.0.0.1", "db-1 ("+addr+")")
		if err != nil {
			t.Fatal(err)
		}
		conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, cfg)
		if err == nil {
			conn.Close()
		}
		return err // not classified by the caller: ClientFor did it
	}
	if err := handshake(good, &tlsconf.Config{CAPEM: ca.CAPEM}); err != nil {
		t.Fatalf("trusted: %v", err)
	}
	for name, tc := range map[string]struct {
		addr string
		c    *tlsconf.Config
		is   func(*tlsconf.CertificateError) bool
	}{
		"wrong CA":   {good, &tlsconf.Config{CAPEM: other.CAPEM}, (*tlsconf.CertificateError).UnknownAuthority},
		"wrong name": {good, &tlsconf.Config{CAPEM: ca.CAPEM, ServerName: "db.example.com"}, (*tlsconf.CertificateError).WrongName},
		"expired":    {expired, &tlsconf.Config{CAPEM: ca.CAPEM}, (*tlsconf.CertificateError).Expired},
	} {
		err := handshake(tc.addr, tc.c)
		var ce *tlsconf.CertificateError
		if !errors.As(err, &ce) || !tc.is(ce) || ce.Endpoint != "db-1 ("+tc.addr+")" || ce.Subject != "CN=localhost,O=opskit tests" {
			t.Errorf("%s: err = %v; want a CertificateError of that kind naming db-1 and CN=localhost", name, err)
		}
	}
}

// TestClientForNeedsAName: with neither a host nor ServerName there is no
// name to check the certificate against, and x509 would accept one for any
// host; ClientFor refuses instead.
func TestClientForNeedsAName(t *testing.T) {
	_, err := (&tlsconf.Config{}).ClientFor("", "db1:5432")
	var ce *tlsconf.ConfigError
	if !errors.As(err, &ce) || ce.Field != "ServerName" {
		t.Fatalf("ClientFor with no name: %v; want a ConfigError for ServerName", err)
	}
	if _, err := (&tlsconf.Config{ServerName: "db1.internal"}).ClientFor("", "10.0.0.5:5432"); err != nil {
		t.Fatalf("ClientFor with ServerName: %v", err)
	}
}
