package certs_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"
)

// issuer is a CA the tests sign with.
type issuer struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func newKey(t testing.TB, typ string) crypto.Signer {
	t.Helper()
	var k crypto.Signer
	var err error
	switch typ {
	case "p256":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "rsa1024":
		k, err = rsa.GenerateKey(rand.Reader, 1024)
	case "rsa2048":
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		t.Fatalf("key type %s", typ)
	}
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var serial int64 = 1

// sign makes a certificate from tmpl for pub, signed by parent.
func sign(t testing.TB, tmpl *x509.Certificate, pub crypto.PublicKey, parent *issuer) *x509.Certificate {
	t.Helper()
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent.cert, pub, parent.key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newRoot makes a self-signed root CA.
func newRoot(t testing.TB, name string) *issuer {
	t.Helper()
	k := newKey(t, "p256")
	serial++
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(10 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return &issuer{cert: c, key: k}
}

// intermediate makes a CA signed by parent.
func (parent *issuer) intermediate(t testing.TB, name string) *issuer {
	t.Helper()
	k := newKey(t, "p256")
	c := sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(5 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}, k.Public(), parent)
	return &issuer{cert: c, key: k}
}

// leafSpec says what leaf certificate to make.
type leafSpec struct {
	name      string // DNS name; 127.0.0.1 is always added
	key       string // p256, rsa1024, rsa2048
	notBefore time.Time
	notAfter  time.Time
}

// leaf makes a server certificate signed by ca.
func (ca *issuer) leaf(t testing.TB, s leafSpec) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	if s.key == "" {
		s.key = "p256"
	}
	if s.notBefore.IsZero() {
		s.notBefore = time.Now().Add(-time.Hour)
	}
	k := newKey(t, s.key)
	c := sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: s.name}, DNSNames: []string{s.name},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: s.notBefore, NotAfter: s.notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, k.Public(), ca)
	return c, k
}

func certPEM(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

func keyPEM(t testing.TB, k crypto.Signer) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}
