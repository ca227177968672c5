package certs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/internal/audit"
)

func probeRule(id, title string, sev audit.Severity, rem audit.Remediation, eval func(t *probeTarget) (evidence string, fail bool)) audit.Checker[*probeTarget] {
	c := Check{ID: "secrets.certs.tls." + id, Title: title, Severity: sev, Remediation: rem, Tags: []string{"tls"}}
	return audit.Checker[*probeTarget]{Check: c, Func: func(_ context.Context, t *probeTarget) ([]Finding, error) {
		evidence, fail := eval(t)
		if fail {
			return []Finding{c.Fail(t.addr, evidence)}, nil
		}
		f := c.Pass(t.addr)
		f.Evidence = evidence
		return []Finding{f}, nil
	}}
}

func leaf(t *probeTarget) *x509.Certificate { return t.state.PeerCertificates[0] }

var probeCheckers = []audit.Checker[*probeTarget]{
	probeRule("expiry", "TLS certificate expires soon, has expired or is not yet valid", audit.SeverityHigh,
		audit.Remediation{Text: "Renew the certificate and reload the server; automate renewal (ACME, ACM) so it cannot lapse."},
		func(t *probeTarget) (string, bool) {
			l := leaf(t)
			na := l.NotAfter.UTC()
			left := na.Sub(t.now)
			switch {
			case t.now.Before(l.NotBefore):
				return "not valid before " + l.NotBefore.UTC().Format(time.RFC3339), true
			case left <= 0:
				return "expired on " + na.Format(time.RFC3339), true
			case left < t.opts.ExpiryWithin:
				return fmt.Sprintf("expires on %s, in %s (threshold %s)", na.Format(time.RFC3339), days(left), days(t.opts.ExpiryWithin)), true
			}
			return fmt.Sprintf("expires on %s, in %s", na.Format(time.RFC3339), days(left)), false
		}),
	probeRule("chain", "TLS certificate chain does not lead to a trusted root", audit.SeverityHigh,
		audit.Remediation{Text: "Serve the full chain (leaf then intermediates) from a CA the clients trust."},
		func(t *probeTarget) (string, bool) {
			inter := x509.NewCertPool()
			for _, c := range t.state.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			chains, err := leaf(t).Verify(x509.VerifyOptions{Roots: t.opts.Roots, Intermediates: inter, CurrentTime: t.now})
			if err != nil {
				return err.Error(), true
			}
			var names []string
			for _, c := range chains[0] {
				names = append(names, c.Subject.CommonName)
			}
			return "chain: " + strings.Join(names, " <- "), false
		}),
	probeRule("hostname", "TLS certificate is not valid for the server name", audit.SeverityHigh,
		audit.Remediation{Text: "Issue the certificate with the name clients use in its subject alternative names."},
		func(t *probeTarget) (string, bool) {
			if err := leaf(t).VerifyHostname(t.name); err != nil {
				return err.Error(), true
			}
			return "valid for " + t.name, false
		}),
	probeRule("key", "TLS certificate has a weak key", audit.SeverityHigh,
		audit.Remediation{Text: fmt.Sprintf("Reissue the certificate on an RSA key of at least %d bits, or ECDSA P-256 or stronger.", MinRSABits)},
		func(t *probeTarget) (string, bool) {
			desc, why := weakKey(leaf(t).PublicKey)
			if why != "" {
				return why, true
			}
			return desc, false
		}),
	probeRule("protocol", "TLS endpoint accepts protocol versions older than TLS 1.2", audit.SeverityHigh,
		audit.Remediation{Text: "Accept TLS 1.2 and 1.3 only (nginx: ssl_protocols TLSv1.2 TLSv1.3; Go: tls.Config.MinVersion = tls.VersionTLS12).", Command: "openssl s_client -connect <host:port> -tls1_1"},
		func(t *probeTarget) (string, bool) {
			if len(t.oldVersion) > 0 {
				return "accepts " + strings.Join(t.oldVersion, ", "), true
			}
			return "prefers " + tls.VersionName(t.state.Version) + "; refuses TLS 1.0 and 1.1", false
		}),
	probeRule("cipher", "TLS endpoint accepts weak cipher suites", audit.SeverityHigh,
		audit.Remediation{Text: "Offer only ECDHE suites with AES-GCM or ChaCha20-Poly1305 for TLS 1.2 (TLS 1.3 suites are all strong); drop RC4, 3DES, CBC-SHA256 and RSA key exchange."},
		func(t *probeTarget) (string, bool) {
			if len(t.weakSuites) > 0 {
				return "accepts " + strings.Join(t.weakSuites, ", "), true
			}
			return "prefers " + tls.CipherSuiteName(t.state.CipherSuite) + "; refuses every weak suite offered", false
		}),
}
