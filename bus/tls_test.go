package bus_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestTLSRefusals checks that a wrong CA, a wrong server name and an
// expired certificate are refused by Dial (AMQP) and by the management
// client (HTTPS), with a CertificateError that says why. Wrong CA and wrong
// name are tried against the real cluster's TLS listeners; the expired
// certificate against a loopback stand-in (the real nodes' is valid).
func TestTLSRefusals(t *testing.T) {
	files := testenv.TLS(t)
	testenv.RabbitMQ(t)
	node := testenv.RabbitMQTLSEnv()[0]
	other := testenv.NewTestCA(t, "another CA")
	ownCA := testenv.NewTestCA(t, "expired test CA")
	expired := testenv.TLSServer(t, ownCA.IssueServer(t, time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour)), testenv.PreambleNone)

	cases := []struct {
		name      string
		amqps     string
		https     string
		tls       bus.TLSConfig
		is        func(*bus.CertificateError) bool
		endpoint  string
		mgmtPoint string
	}{
		{"wrong CA", node.AMQPSURL, node.ManagementURL, bus.TLSConfig{CAPEM: other.CAPEM},
			(*bus.CertificateError).UnknownAuthority, hostport(node.AMQPSURL), hostport(node.ManagementURL)},
		{"wrong name", node.AMQPSURL, node.ManagementURL, bus.TLSConfig{CAFile: files.CAFile, ServerName: "rabbit.example.com"},
			(*bus.CertificateError).WrongName, hostport(node.AMQPSURL), hostport(node.ManagementURL)},
		{"expired", "amqps://guest:guest@" + expired + "/", "https://" + expired, bus.TLSConfig{CAPEM: ownCA.CAPEM},
			(*bus.CertificateError).Expired, expired, expired},
	}
	for _, tc := range cases {
		t.Run(tc.name+"/amqp", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			tlsc := tc.tls
			c, err := bus.Dial(ctx, bus.Options{URLs: []string{tc.amqps}, TLS: &tlsc, Name: "tls-refusal"})
			if err == nil {
				c.Close()
				t.Fatal("Dial succeeded; want the certificate refused")
			}
			checkCertErr(t, err, tc.is, tc.endpoint)
			if strings.Contains(err.Error(), "guest:guest") {
				t.Errorf("error carries credentials: %v", err)
			}
		})
		t.Run(tc.name+"/management", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			tlsc := tc.tls
			m := &bus.Management{URLs: []string{tc.https}, User: "guest", Password: "guest", TLS: &tlsc}
			_, err := m.Connections(ctx)
			if err == nil {
				t.Fatal("management call succeeded; want the certificate refused")
			}
			checkCertErr(t, err, tc.is, tc.mgmtPoint)
		})
	}
	// The other direction: a client certificate from a CA the broker does
	// not trust is never accepted as an identity. Go's client sends only a
	// certificate the server's CertificateRequest names an issuer for, so
	// the broker sees none and EXTERNAL is refused (ACCESS_REFUSED).
	t.Run("client certificate from another CA/amqp", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cert, key := other.Issue(t, testenv.Leaf{CommonName: files.ClientCN, Client: true})
		c, err := bus.Dial(ctx, bus.Options{URLs: []string{"amqps://" + hostport(node.AMQPSURL) + "/"}, ExternalAuth: true,
			TLS: &bus.TLSConfig{CAFile: files.CAFile, CertPEM: cert, KeyPEM: key}, Name: "tls-refusal"})
		if err == nil {
			c.Close()
			t.Fatal("Dial succeeded; want the broker to refuse the client certificate")
		}
		if !errors.Is(err, bus.ErrAccessRefused) {
			t.Fatalf("err = %v; want ErrAccessRefused", err)
		}
	})
	// The control: the same endpoints with the right CA and name work.
	t.Run("trusted", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c, err := bus.Dial(ctx, bus.Options{URLs: []string{node.AMQPSURL}, TLS: &bus.TLSConfig{CAFile: files.CAFile}, Name: "tls-trusted"})
		if err != nil {
			t.Fatalf("Dial with the test CA: %v", err)
		}
		c.Close()
		m := &bus.Management{URLs: []string{node.ManagementURL}, User: "guest", Password: "guest", TLS: &bus.TLSConfig{CAFile: files.CAFile}}
		if _, err := m.Connections(ctx); err != nil {
			t.Fatalf("management over HTTPS with the test CA: %v", err)
		}
	})
}

func checkCertErr(t *testing.T, err error, is func(*bus.CertificateError) bool, endpoint string) {
	t.Helper()
	t.Log(err)
	var ce *bus.CertificateError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v; want a *bus.CertificateError", err)
	}
	if !is(ce) {
		t.Errorf("refused for %q (%v); want the other reason", ce.Reason, err)
	}
	if ce.Endpoint != endpoint {
		t.Errorf("Endpoint = %q; want %q", ce.Endpoint, endpoint)
	}
	if !strings.HasPrefix(err.Error(), "bus: ") {
		t.Errorf("err = %q; want it to start with bus:", err)
	}
}

func hostport(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	return u.Host
}
