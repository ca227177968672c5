package bulk_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/bulk"
	"github.com/opskit-dev/opskit/logging/bulk/bulkfake"
)

// TestTLSRefusals: the sink verifies the cluster's certificate with
// Options.TLS and refuses one from another CA, for another name or
// expired, with a CertificateError naming the endpoint; a trusted one works.
func TestTLSRefusals(t *testing.T) {
	ca := testenv.NewTestCA(t, "search CA")
	other := testenv.NewTestCA(t, "another CA")
	good := bulkfake.NewServer(bulkfake.Options{TLS: &tls.Config{Certificates: []tls.Certificate{ca.IssueServer(t, time.Time{}, time.Time{})}}})
	defer good.Close()
	expired := bulkfake.NewServer(bulkfake.Options{TLS: &tls.Config{Certificates: []tls.Certificate{
		ca.IssueServer(t, time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour))}}})
	defer expired.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ev := []logging.Event{{Time: time.Now(), Message: []byte("over TLS")}}

	sink, err := bulk.NewSink(bulk.Options{URL: good.URL, TLS: &bulk.TLSConfig{CAPEM: ca.CAPEM}, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sink.Write(ctx, ev); err != nil {
		t.Fatalf("trusted server: %v", err)
	}
	if n := len(good.Docs("")); n != 1 {
		t.Fatalf("trusted server holds %d documents; want 1", n)
	}

	for _, tc := range []struct {
		name string
		url  string
		tls  bulk.TLSConfig
		is   func(*bulk.CertificateError) bool
	}{
		{"wrong CA", good.URL, bulk.TLSConfig{CAPEM: other.CAPEM}, (*bulk.CertificateError).UnknownAuthority},
		{"wrong name", good.URL, bulk.TLSConfig{CAPEM: ca.CAPEM, ServerName: "search.example.com"}, (*bulk.CertificateError).WrongName},
		{"expired", expired.URL, bulk.TLSConfig{CAPEM: ca.CAPEM}, (*bulk.CertificateError).Expired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tlsc := tc.tls
			sink, err := bulk.NewSink(bulk.Options{URL: tc.url, TLS: &tlsc, MaxAttempts: 1, Username: "shipper", Password: "s3cret"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = sink.Write(ctx, ev)
			t.Log(err)
			var ce *bulk.CertificateError
			if !errors.As(err, &ce) || !tc.is(ce) {
				t.Fatalf("Write = %v; want a CertificateError of that kind", err)
			}
			u, _ := url.Parse(tc.url)
			if ce.Endpoint != u.Host {
				t.Errorf("Endpoint = %q; want %q", ce.Endpoint, u.Host)
			}
			if strings.Contains(err.Error(), "s3cret") || !strings.HasPrefix(err.Error(), "bulk: ") {
				t.Errorf("err = %q; want it to start with bulk: and hold no password", err)
			}
		})
	}
}

func TestTLSOptionsInvalid(t *testing.T) {
	for name, o := range map[string]bulk.Options{
		"http with TLS":     {URL: "http://127.0.0.1:9200", TLS: &bulk.TLSConfig{}},
		"client and TLS":    {URL: "https://127.0.0.1:9200", TLS: &bulk.TLSConfig{}, Client: &http.Client{}},
		"unreadable CA":     {URL: "https://127.0.0.1:9200", TLS: &bulk.TLSConfig{CAFile: "/nonexistent/ca.pem"}},
		"insecure old base": {URL: "https://127.0.0.1:9200", TLS: bulk.TLSFromConfig(&tls.Config{InsecureSkipVerify: true})},
	} {
		if _, err := bulk.NewSink(o); !errors.Is(err, logging.ErrInvalid) {
			t.Errorf("%s: NewSink = %v; want ErrInvalid", name, err)
		}
	}
}
