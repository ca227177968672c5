package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
)

// ClientFor is Client(host) for libraries that return handshake errors
// without saying which server they dialed (pgx's pools): verification
// runs in VerifyConnection, checking exactly what crypto/tls checks (the
// chain to the roots, the host name, the validity period), and a failure
// is returned as a *CertificateError naming endpoint.
func (c *Config) ClientFor(host, endpoint string) (*tls.Config, error) {
	out, err := c.Client(host)
	if err != nil || out.InsecureSkipVerify {
		return out, err
	}
	if out.VerifyConnection != nil || out.VerifyPeerCertificate != nil {
		// The caller's own checks run after crypto/tls's: keep its order.
		return out, nil
	}
	roots, name := out.RootCAs, out.ServerName
	if name == "" {
		// x509 skips the name check for an empty DNSName: refuse rather
		// than verify a certificate for any host.
		return nil, &ConfigError{Field: "ServerName", Reason: "no host to verify the certificate of " + endpoint + " against: set ServerName or dial a host name"}
	}
	// crypto/tls skips its own verification only because this func
	// performs it; the config never accepts an unverified certificate.
	out.InsecureSkipVerify = true
	out.VerifyConnection = func(cs tls.ConnectionState) error {
		certs := cs.PeerCertificates
		if len(certs) == 0 {
			return &CertificateError{Endpoint: endpoint, Reason: ReasonInvalid, Detail: "the server sent no certificate"}
		}
		opts := x509.VerifyOptions{Roots: roots, DNSName: name, Intermediates: x509.NewCertPool()}
		for _, ic := range certs[1:] {
			opts.Intermediates.AddCert(ic)
		}
		if _, err := certs[0].Verify(opts); err != nil {
			return Classify(&tls.CertificateVerificationError{UnverifiedCertificates: certs, Err: err}, endpoint)
		}
		return nil
	}
	return out, nil
}
