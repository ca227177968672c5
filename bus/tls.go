package bus

import (
	"crypto/tls"
	"net/url"

	"github.com/opskit-dev/opskit/internal/tlsconf"
)

// TLSConfig is opskit's one TLS configuration shape (CA bundle, client
// certificate and key, server name, minimum version; from files, PEM or a
// *tls.Config), shared with database and logging/bulk. Verification is on
// by default; only InsecureSkipVerifyDangerous turns it off.
type TLSConfig = tlsconf.Config

// CertificateError reports a certificate a TLS handshake refused, naming
// the endpoint and the certificate's subject; its methods say why
// (Expired, WrongName, UnknownAuthority, RefusedByPeer). Dial and the
// management client return it (wrapped) when verification fails.
type CertificateError = tlsconf.CertificateError

// TLSFromConfig returns a TLSConfig that starts from c (cloned when used).
func TLSFromConfig(c *tls.Config) *TLSConfig { return tlsconf.FromTLS(c) }

// clientTLS checks the TLS options against the URLs and returns the
// *tls.Config amqps:// URLs are dialed with (nil: the system roots).
func (o *Options) clientTLS() (*tls.Config, error) {
	tlsURLs := 0
	for i, raw := range o.URLs {
		u, err := url.Parse(raw)
		if err != nil {
			continue // normalize reports it
		}
		if u.Scheme == "amqps" {
			tlsURLs++
		} else if o.TLS != nil || o.ExternalAuth {
			return nil, invalid("URL #"+itoa(i+1), "scheme", "amqp:// would send in plaintext though Options.TLS or ExternalAuth is set; use amqps://")
		}
	}
	if o.TLS == nil && !o.ExternalAuth {
		return nil, nil
	}
	if tlsURLs == 0 {
		return nil, nil
	}
	cfg, err := o.TLS.Client("")
	if err != nil {
		return nil, invalid("options", "TLS", "%v", err)
	}
	if o.ExternalAuth && len(cfg.Certificates) == 0 && cfg.GetClientCertificate == nil {
		return nil, invalid("options", "ExternalAuth", "needs a client certificate in Options.TLS (CertFile and KeyFile)")
	}
	return cfg, nil
}
