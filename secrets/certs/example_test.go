package certs_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/opskit-dev/opskit/secrets/certs"
)

// Probe a TLS endpoint: here a test server on loopback whose certificate
// (for example.com and 127.0.0.1) the roots trust.
func ExampleProbe() {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes it refuses
	srv.StartTLS()
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())

	findings, err := certs.Probe(context.Background(), srv.Listener.Addr().String(),
		certs.ProbeOptions{ServerName: "example.com", Roots: roots})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Println(f.CheckID, f.Status)
	}
	// Output:
	// secrets.certs.tls.expiry pass
	// secrets.certs.tls.chain pass
	// secrets.certs.tls.hostname pass
	// secrets.certs.tls.key pass
	// secrets.certs.tls.protocol pass
	// secrets.certs.tls.cipher pass
}

// Audit the ACM certificates of an account and write the report for CI.
func ExampleAuditACM() {
	ctx := context.Background()
	// Usually from config.LoadDefaultConfig (aws-sdk-go-v2/config).
	var cfg aws.Config
	cfg.Region = "eu-west-1"
	findings, err := certs.AuditACM(ctx, acm.NewFromConfig(cfg), certs.ACMOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := certs.Report{Tool: certs.Tool{Name: "opskit"}, Name: "secrets.certs.acm", Target: cfg.Region, Checks: certs.ACMChecks(), Findings: findings}
	r.Sort()
	r.WriteTable(os.Stdout)
	os.Exit(r.ExitCode(certs.SeverityHigh))
}
