package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ConfigError reports a Config that cannot be turned into a *tls.Config:
// a file that is missing or holds no certificate, a key that does not
// match, a version below TLS 1.2. It never quotes key material.
type ConfigError struct {
	// Field is the Config field at fault, such as "CAFile".
	Field string
	// Path is the file involved, if any.
	Path string
	// Reason says what is wrong.
	Reason string
	// Err is the underlying error, if any.
	Err error
}

// Error implements error.
func (e *ConfigError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("tls: %s %s: %s", e.Field, e.Path, e.Reason)
	}
	return fmt.Sprintf("tls: %s: %s", e.Field, e.Reason)
}

// Unwrap returns the underlying error.
func (e *ConfigError) Unwrap() error { return e.Err }

// Why a certificate was refused, in CertificateError.Reason.
const (
	ReasonExpired          = "expired"
	ReasonNotYetValid      = "not yet valid"
	ReasonWrongName        = "wrong name"
	ReasonUnknownAuthority = "unknown authority"
	ReasonRefusedByPeer    = "refused by the peer"
	ReasonInvalid          = "invalid"
)

// CertificateError reports a certificate a TLS handshake refused: the
// server's (we did not trust it) or ours (the peer refused it, Reason
// "refused by the peer"). Unwrap gives the x509 or TLS error.
type CertificateError struct {
	// Endpoint is the address dialed (host:port).
	Endpoint string
	// Subject is the refused certificate's subject (empty when the peer
	// refused ours: it does not say which).
	Subject string
	// Reason is one of the Reason constants: expired, not yet valid, wrong
	// name, unknown authority, refused by the peer, invalid.
	Reason string
	// Detail says more: the expiry time, the names the certificate is
	// valid for, the peer's alert.
	Detail string
	// Err is the error the TLS library returned.
	Err error
}

// Error implements error.
func (e *CertificateError) Error() string {
	var b strings.Builder
	if e.Reason == ReasonRefusedByPeer {
		fmt.Fprintf(&b, "tls: %s refused our client certificate", e.Endpoint)
	} else {
		fmt.Fprintf(&b, "tls: certificate of %s", e.Endpoint)
		if e.Subject != "" {
			fmt.Fprintf(&b, " (%s)", e.Subject)
		}
		fmt.Fprintf(&b, " refused: %s", e.Reason)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	return b.String()
}

// Unwrap returns the TLS library's error.
func (e *CertificateError) Unwrap() error { return e.Err }

// Expired reports whether the certificate had expired (or was not valid yet).
func (e *CertificateError) Expired() bool {
	return e.Reason == ReasonExpired || e.Reason == ReasonNotYetValid
}

// WrongName reports whether the certificate does not name the server dialed.
func (e *CertificateError) WrongName() bool { return e.Reason == ReasonWrongName }

// UnknownAuthority reports whether the certificate was signed by an
// authority the configuration does not trust.
func (e *CertificateError) UnknownAuthority() bool { return e.Reason == ReasonUnknownAuthority }

// RefusedByPeer reports whether the peer refused our client certificate.
func (e *CertificateError) RefusedByPeer() bool { return e.Reason == ReasonRefusedByPeer }

// Classify returns err as a *CertificateError naming endpoint when it is a
// certificate failure, and err unchanged otherwise (nil stays nil).
func Classify(err error, endpoint string) error {
	if err == nil {
		return nil
	}
	var ce *CertificateError
	if errors.As(err, &ce) {
		return err
	}
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		alert    tls.AlertError
	)
	out := &CertificateError{Endpoint: endpoint, Err: err}
	switch {
	case errors.As(err, &hostname):
		out.Reason, out.Subject = ReasonWrongName, subject(hostname.Certificate)
		out.Detail = hostnameDetail(hostname)
	case errors.As(err, &unknown):
		out.Reason, out.Subject = ReasonUnknownAuthority, subject(unknown.Cert)
		if unknown.Cert != nil {
			out.Detail = "issued by " + unknown.Cert.Issuer.String() + ", not a trusted authority"
		}
	case errors.As(err, &invalid):
		out.Subject = subject(invalid.Cert)
		out.Reason, out.Detail = invalidReason(invalid)
	case errors.As(err, &alert):
		switch alert {
		case 42, 43, 44, 45, 46, 48, 116: // bad_certificate .. certificate_required
			out.Reason = ReasonRefusedByPeer
			out.Detail = "alert: " + alert.Error()
		default:
			return err
		}
	case strings.Contains(err.Error(), "remote error: tls: "):
		// Some libraries flatten the alert into a string.
		msg := err.Error()
		for _, s := range []string{"bad certificate", "unknown certificate authority", "certificate required", "expired certificate", "unsupported certificate", "revoked certificate", "certificate unknown"} {
			if strings.Contains(msg, s) {
				out.Reason, out.Detail = ReasonRefusedByPeer, "alert: "+s
				return out
			}
		}
		return err
	case errors.As(err, &verify):
		out.Reason = ReasonInvalid
		if len(verify.UnverifiedCertificates) > 0 {
			out.Subject = subject(verify.UnverifiedCertificates[0])
		}
		out.Detail = verify.Err.Error()
	default:
		return err
	}
	// Name the server's own certificate, not the chain link that failed.
	if errors.As(err, &verify) && len(verify.UnverifiedCertificates) > 0 {
		out.Subject = subject(verify.UnverifiedCertificates[0])
	}
	return out
}

func subject(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	return c.Subject.String()
}

func hostnameDetail(h x509.HostnameError) string {
	var names []string
	if c := h.Certificate; c != nil {
		names = append(names, c.DNSNames...)
		for _, ip := range c.IPAddresses {
			names = append(names, ip.String())
		}
	}
	if len(names) == 0 {
		return fmt.Sprintf("not valid for %s", h.Host)
	}
	return fmt.Sprintf("valid for %s, not %s", strings.Join(names, ", "), h.Host)
}

func invalidReason(e x509.CertificateInvalidError) (reason, detail string) {
	if e.Reason != x509.Expired || e.Cert == nil {
		return ReasonInvalid, e.Error()
	}
	now := time.Now()
	if now.Before(e.Cert.NotBefore) {
		return ReasonNotYetValid, "valid from " + e.Cert.NotBefore.UTC().Format(time.RFC3339)
	}
	return ReasonExpired, "expired at " + e.Cert.NotAfter.UTC().Format(time.RFC3339)
}
