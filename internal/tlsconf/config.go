package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
)

// Config describes how to verify a server and which client certificate to
// present. The zero value verifies the server against the system roots
// with TLS 1.2 or newer.
type Config struct {
	// CAFile is a PEM bundle of the certificate authorities to trust. With
	// CAPEM, the bundles are combined; with neither, the system roots (or
	// Base.RootCAs) are trusted.
	CAFile string
	// CAPEM is a PEM bundle given in memory.
	CAPEM []byte
	// CertFile and KeyFile are the client certificate chain and its private
	// key, in PEM; both or neither.
	CertFile, KeyFile string
	// CertPEM and KeyPEM are the client certificate and key in memory; both
	// or neither, and not together with CertFile/KeyFile.
	CertPEM, KeyPEM []byte
	// ServerName is the name the server's certificate must carry; the
	// dialed host when empty. Set it when dialing an address the
	// certificate does not name (an IP behind a load balancer).
	ServerName string
	// MinVersion is the lowest TLS version accepted; when zero, Base's
	// MinVersion raised to at least tls.VersionTLS12. Versions below TLS
	// 1.2 are refused.
	MinVersion uint16
	// Base, if set, is cloned and the fields above are applied on top.
	// A Base with InsecureSkipVerify set is refused: use
	// InsecureSkipVerifyDangerous.
	Base *tls.Config
	// InsecureSkipVerifyDangerous accepts any server certificate: expired,
	// for another name or from any authority. The connection is encrypted
	// but anyone on the path can read and change it. For tests against
	// throwaway servers only.
	InsecureSkipVerifyDangerous bool
}

// FromTLS returns a Config that starts from c. c is cloned when used, never
// changed.
func FromTLS(c *tls.Config) *Config { return &Config{Base: c} }

// Client returns the *tls.Config to dial host with. host is the server
// name verified when c.ServerName is empty (a host name or an IP address,
// without port); when both are empty, the dialing library fills it in.
// A nil c gives the defaults. Every call returns a fresh *tls.Config.
func (c *Config) Client(host string) (*tls.Config, error) {
	if c == nil {
		c = &Config{}
	}
	var out *tls.Config
	if c.Base != nil {
		if c.Base.InsecureSkipVerify && !c.InsecureSkipVerifyDangerous {
			return nil, &ConfigError{Field: "Base", Reason: "InsecureSkipVerify is set; verification stays on unless InsecureSkipVerifyDangerous is set"}
		}
		out = c.Base.Clone()
	} else {
		out = &tls.Config{}
	}
	switch {
	case c.MinVersion == 0:
		if out.MinVersion < tls.VersionTLS12 {
			out.MinVersion = tls.VersionTLS12
		}
	case c.MinVersion < tls.VersionTLS12:
		return nil, &ConfigError{Field: "MinVersion", Reason: fmt.Sprintf("%s is below TLS 1.2", tls.VersionName(c.MinVersion))}
	case c.MinVersion > tls.VersionTLS13:
		return nil, &ConfigError{Field: "MinVersion", Reason: fmt.Sprintf("unknown version %#04x", c.MinVersion)}
	default:
		out.MinVersion = c.MinVersion
	}
	roots, err := c.roots()
	if err != nil {
		return nil, err
	}
	if roots != nil {
		out.RootCAs = roots
	}
	cert, err := c.clientCert()
	if err != nil {
		return nil, err
	}
	if cert != nil {
		out.Certificates = []tls.Certificate{*cert}
	}
	switch {
	case c.ServerName != "":
		out.ServerName = c.ServerName
	case out.ServerName == "":
		out.ServerName = host
	}
	out.InsecureSkipVerify = c.InsecureSkipVerifyDangerous
	return out, nil
}

// roots returns the pool from CAFile and CAPEM, or nil when neither is set.
func (c *Config) roots() (*x509.CertPool, error) {
	if c.CAFile == "" && len(c.CAPEM) == 0 {
		return nil, nil
	}
	pool := x509.NewCertPool()
	if c.CAFile != "" {
		pem, err := readFile("CAFile", c.CAFile)
		if err != nil {
			return nil, err
		}
		if err := addPEM(pool, "CAFile", c.CAFile, pem); err != nil {
			return nil, err
		}
	}
	if len(c.CAPEM) > 0 {
		if err := addPEM(pool, "CAPEM", "", c.CAPEM); err != nil {
			return nil, err
		}
	}
	return pool, nil
}

// clientCert loads the client certificate, or returns nil when none is set.
func (c *Config) clientCert() (*tls.Certificate, error) {
	files := c.CertFile != "" || c.KeyFile != ""
	mem := len(c.CertPEM) > 0 || len(c.KeyPEM) > 0
	switch {
	case files && mem:
		return nil, &ConfigError{Field: "CertFile", Reason: "set either CertFile/KeyFile or CertPEM/KeyPEM, not both"}
	case files:
		if c.CertFile == "" || c.KeyFile == "" {
			return nil, &ConfigError{Field: "CertFile", Reason: "CertFile and KeyFile go together"}
		}
		certPEM, err := readFile("CertFile", c.CertFile)
		if err != nil {
			return nil, err
		}
		keyPEM, err := readFile("KeyFile", c.KeyFile)
		if err != nil {
			return nil, err
		}
		return keyPair("CertFile", c.CertFile, certPEM, keyPEM)
	case mem:
		if len(c.CertPEM) == 0 || len(c.KeyPEM) == 0 {
			return nil, &ConfigError{Field: "CertPEM", Reason: "CertPEM and KeyPEM go together"}
		}
		return keyPair("CertPEM", "", c.CertPEM, c.KeyPEM)
	}
	return nil, nil
}
