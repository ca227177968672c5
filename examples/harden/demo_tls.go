package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"time"
)

// demoTLS is two TLS servers on loopback: weakAddr with a self-signed
// 1024-bit RSA certificate for the wrong name, ten days from expiry, that
// still accepts TLS 1.0 and CBC suites without forward secrecy; goodAddr
// with a P-256 certificate from the demo's own CA (roots) for its name,
// TLS 1.2 and up only.
type demoTLS struct {
	weakAddr, goodAddr string
	roots              *x509.CertPool
	listeners          []net.Listener
}

func startDemoTLS(now time.Time) (*demoTLS, error) {
	d := &demoTLS{}
	weakKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		return nil, err
	}
	weak := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "legacy.example.com"},
		DNSNames:  []string{"legacy.example.com"},
		NotBefore: now.Add(-355 * 24 * time.Hour), NotAfter: now.Add(10 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	weakDER, err := x509.CreateCertificate(rand.Reader, weak, weak, &weakKey.PublicKey, weakKey)
	if err != nil {
		return nil, err
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "opskit demo CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(5 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, _ := x509.ParseCertificate(caDER)
	d.roots = x509.NewCertPool()
	d.roots.AddCert(caCert)
	goodKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	good := &x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "api.example.com"},
		DNSNames:  []string{"api.example.com"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(90 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	goodDER, err := x509.CreateCertificate(rand.Reader, good, caCert, &goodKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	if d.weakAddr, err = d.serve(&tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{weakDER}, PrivateKey: weakKey}},
		MinVersion:   tls.VersionTLS10,
		CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256},
	}); err != nil {
		d.close()
		return nil, err
	}
	if d.goodAddr, err = d.serve(&tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{goodDER}, PrivateKey: goodKey}},
		MinVersion:   tls.VersionTLS12,
	}); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

// serve accepts TLS connections on a loopback port, completes the
// handshake and closes them.
func (d *demoTLS) serve(cfg *tls.Config) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	d.listeners = append(d.listeners, ln)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				tc := tls.Server(c, cfg)
				_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
				_ = tc.Handshake()
			}()
		}
	}()
	return ln.Addr().String(), nil
}

func (d *demoTLS) close() {
	for _, ln := range d.listeners {
		ln.Close()
	}
}
