package bulk

import (
	"crypto/tls"
	"net/http"
	"net/url"
	"time"

	"github.com/opskit-dev/opskit/internal/tlsconf"
	"github.com/opskit-dev/opskit/logging"
)

// TLSConfig is opskit's one TLS configuration shape (CA bundle, client
// certificate and key, server name, minimum version; from files, PEM or a
// *tls.Config), shared with bus and database. Verification is on by
// default; only InsecureSkipVerifyDangerous turns it off.
type TLSConfig = tlsconf.Config

// CertificateError reports a certificate the cluster's TLS handshake
// refused, naming the endpoint and the certificate's subject; its methods
// say why (Expired, WrongName, UnknownAuthority, RefusedByPeer). Write
// returns it (wrapped) when verification fails.
type CertificateError = tlsconf.CertificateError

// TLSFromConfig returns a TLSConfig that starts from c (cloned when used).
func TLSFromConfig(c *tls.Config) *TLSConfig { return tlsconf.FromTLS(c) }

// tlsClient checks Options.TLS against the URL and Client and returns the
// HTTP client it asks for, or nil when TLS is not set.
func tlsClient(opts *Options, u *url.URL) (*http.Client, error) {
	if opts.TLS == nil {
		return nil, nil
	}
	if opts.Client != nil {
		return nil, &logging.InvalidError{Input: "bulk.Options", Field: "TLS", Reason: "set Client or TLS, not both"}
	}
	if u.Scheme != "https" {
		return nil, &logging.InvalidError{Input: "bulk.Options", Field: "URL", Reason: "http:// would send logs and credentials in plaintext though TLS is set; use https://"}
	}
	cfg, err := opts.TLS.Client("")
	if err != nil {
		return nil, &logging.InvalidError{Input: "bulk.Options", Field: "TLS", Reason: err.Error()}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	return &http.Client{Timeout: 60 * time.Second, Transport: tr}, nil
}
