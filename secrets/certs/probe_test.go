package certs_test

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets/certs"
)

// serveTLS runs a TLS server on 127.0.0.1 that completes handshakes and
// closes; it returns the address.
func serveTLS(t *testing.T, chain []*x509.Certificate, key crypto.Signer, tweak func(*tls.Config)) string {
	t.Helper()
	c := tls.Certificate{PrivateKey: key, Leaf: chain[0]}
	for _, x := range chain {
		c.Certificate = append(c.Certificate, x.Raw)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{c}}
	if tweak != nil {
		tweak(cfg)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(5 * time.Second))
				_ = conn.(*tls.Conn).Handshake()
			}()
		}
	}()
	return ln.Addr().String()
}

// failing returns the check IDs (without the prefix) that failed, sorted,
// and fails t on any erroring finding.
func failing(t *testing.T, findings []certs.Finding, prefix string) []string {
	t.Helper()
	var out []string
	for _, f := range findings {
		switch f.Status {
		case certs.StatusFail:
			out = append(out, strings.TrimPrefix(f.CheckID, prefix))
		case certs.StatusError:
			t.Errorf("%s errored: %s", f.CheckID, f.Error)
		}
	}
	sort.Strings(out)
	return out
}

func TestTLSProbe(t *testing.T) {
	ctx := context.Background()
	root := newRoot(t, "opskit test root")
	inter := root.intermediate(t, "opskit test intermediate")
	other := newRoot(t, "someone else's root")
	roots := x509.NewCertPool()
	roots.AddCert(root.cert)
	in := func(d time.Duration) time.Time { return time.Now().Add(d) }
	const day = 24 * time.Hour

	good, goodKey := inter.leaf(t, leafSpec{name: "svc.test", notAfter: in(200 * day)})
	soon, soonKey := inter.leaf(t, leafSpec{name: "svc.test", notAfter: in(10 * day)})
	expired, expiredKey := inter.leaf(t, leafSpec{name: "svc.test", notBefore: in(-90 * day), notAfter: in(-day)})
	future, futureKey := inter.leaf(t, leafSpec{name: "svc.test", notBefore: in(day), notAfter: in(200 * day)})
	stranger, strangerKey := other.leaf(t, leafSpec{name: "svc.test", notAfter: in(200 * day)})
	wrongName, wrongNameKey := inter.leaf(t, leafSpec{name: "other.test", notAfter: in(200 * day)})
	weak, weakKey := inter.leaf(t, leafSpec{name: "svc.test", key: "rsa1024", notAfter: in(200 * day)})
	rsaLeaf, rsaKey := inter.leaf(t, leafSpec{name: "svc.test", key: "rsa2048", notAfter: in(200 * day)})

	cases := []struct {
		name  string
		chain []*x509.Certificate
		key   crypto.Signer
		tweak func(*tls.Config)
		fail  []string
	}{
		{"good", []*x509.Certificate{good, inter.cert}, goodKey, nil, nil},
		{"good RSA", []*x509.Certificate{rsaLeaf, inter.cert}, rsaKey, nil, nil},
		{"expires in 10 days", []*x509.Certificate{soon, inter.cert}, soonKey, nil, []string{"expiry"}},
		{"expired", []*x509.Certificate{expired, inter.cert}, expiredKey, nil, []string{"chain", "expiry"}},
		{"not yet valid", []*x509.Certificate{future, inter.cert}, futureKey, nil, []string{"chain", "expiry"}},
		{"untrusted root", []*x509.Certificate{stranger, other.cert}, strangerKey, nil, []string{"chain"}},
		{"intermediate missing", []*x509.Certificate{good}, goodKey, nil, []string{"chain"}},
		{"wrong name", []*x509.Certificate{wrongName, inter.cert}, wrongNameKey, nil, []string{"hostname"}},
		{"RSA 1024", []*x509.Certificate{weak, inter.cert}, weakKey, nil, []string{"key"}},
		{"TLS 1.0 accepted", []*x509.Certificate{good, inter.cert}, goodKey, func(c *tls.Config) { c.MinVersion = tls.VersionTLS10 }, []string{"protocol"}},
		{"TLS 1.1 only", []*x509.Certificate{good, inter.cert}, goodKey, func(c *tls.Config) { c.MinVersion, c.MaxVersion = tls.VersionTLS11, tls.VersionTLS11 }, []string{"protocol"}},
		{"weak suites", []*x509.Certificate{rsaLeaf, inter.cert}, rsaKey, func(c *tls.Config) {
			c.CipherSuites = []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA}
		}, []string{"cipher"}},
		// A server that speaks nothing Go offers by default is still
		// reported on, not unreachable.
		{"only RSA key exchange", []*x509.Certificate{rsaLeaf, inter.cert}, rsaKey, func(c *tls.Config) {
			c.MaxVersion, c.CipherSuites = tls.VersionTLS12, []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256}
		}, []string{"cipher"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			addr := serveTLS(t, c.chain, c.key, c.tweak)
			findings, err := certs.Probe(ctx, addr, certs.ProbeOptions{ServerName: "svc.test", Roots: roots, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if len(findings) != len(certs.ProbeChecks()) {
				t.Fatalf("%d findings; want one per check (%d)", len(findings), len(certs.ProbeChecks()))
			}
			got := failing(t, findings, "secrets.certs.tls.")
			if strings.Join(got, ",") != strings.Join(c.fail, ",") {
				for _, f := range findings {
					t.Logf("%s %s: %s", f.CheckID, f.Status, f.Evidence)
				}
				t.Fatalf("failing checks = %v; want %v", got, c.fail)
			}
		})
	}

	t.Run("evidence", func(t *testing.T) {
		addr := serveTLS(t, []*x509.Certificate{rsaLeaf, inter.cert}, rsaKey, func(c *tls.Config) {
			c.MinVersion = tls.VersionTLS10
			c.CipherSuites = []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA}
		})
		findings, err := certs.Probe(ctx, addr, certs.ProbeOptions{ServerName: "svc.test", Roots: roots})
		if err != nil {
			t.Fatal(err)
		}
		ev := map[string]string{}
		for _, f := range findings {
			ev[f.CheckID] = f.Evidence
			if f.Resource != addr {
				t.Errorf("%s resource = %q; want %q", f.CheckID, f.Resource, addr)
			}
		}
		for id, want := range map[string][]string{
			"secrets.certs.tls.protocol": {"TLS 1.0", "TLS 1.1"},
			"secrets.certs.tls.cipher":   {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"},
			"secrets.certs.tls.chain":    {"svc.test <- opskit test intermediate <- opskit test root"},
			"secrets.certs.tls.key":      {"RSA 2048"},
		} {
			for _, w := range want {
				if !strings.Contains(ev[id], w) {
					t.Errorf("%s evidence %q; want it to contain %q", id, ev[id], w)
				}
			}
		}
	})

	t.Run("unreachable", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		if _, err := certs.Probe(ctx, addr, certs.ProbeOptions{Roots: roots}); !errors.Is(err, certs.ErrProbe) {
			t.Fatalf("Probe of a closed port: %v; want ErrProbe", err)
		}
		if _, err := certs.Probe(ctx, "no-port", certs.ProbeOptions{}); !errors.Is(err, certs.ErrInvalid) {
			t.Fatalf("Probe of a bad address: %v; want ErrInvalid", err)
		}
	})
}
