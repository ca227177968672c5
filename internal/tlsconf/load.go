package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// readFile reads a PEM file named by field.
func readFile(field, path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		reason := "cannot be read"
		switch {
		case errors.Is(err, fs.ErrNotExist):
			reason = "does not exist"
		case errors.Is(err, fs.ErrPermission):
			reason = "permission denied"
		}
		return nil, &ConfigError{Field: field, Path: path, Reason: reason, Err: err}
	}
	return b, nil
}

// addPEM adds every certificate in b to pool; b must hold at least one and
// nothing that fails to parse.
func addPEM(pool *x509.CertPool, field, path string, b []byte) error {
	n := 0
	for rest := b; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return &ConfigError{Field: field, Path: path, Reason: fmt.Sprintf("certificate #%d cannot be parsed", n+1), Err: err}
		}
		pool.AddCert(cert)
		n++
	}
	if n == 0 {
		return &ConfigError{Field: field, Path: path, Reason: "holds no PEM certificate"}
	}
	return nil
}

// keyPair parses a client certificate chain and its key. The key's
// parse error is not wrapped: it could quote key material.
func keyPair(field, path string, certPEM, keyPEM []byte) (*tls.Certificate, error) {
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, &ConfigError{Field: field, Path: path, Reason: "client certificate and key do not load: " + keyPairReason(certPEM, keyPEM)}
	}
	return &cert, nil
}

// keyPairReason says which half of a key pair is at fault, without echoing
// either.
func keyPairReason(certPEM, keyPEM []byte) string {
	if b, _ := pem.Decode(certPEM); b == nil || b.Type != "CERTIFICATE" {
		return "no PEM certificate"
	}
	if b, _ := pem.Decode(keyPEM); b == nil {
		return "no PEM private key"
	}
	return "the key does not match the certificate or cannot be parsed"
}
