package bus_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestExternalAuth logs in with the test client certificate (SASL
// EXTERNAL, no password in the URL) and checks the broker saw the
// certificate's CN as the user.
func TestExternalAuth(t *testing.T) {
	files := testenv.TLS(t)
	cl := testenv.RabbitMQ(t)
	node := testenv.RabbitMQTLSEnv()[0]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u := hostport(node.AMQPSURL)
	name := "bus-external-" + time.Now().Format("150405.000000")
	c, err := bus.Dial(ctx, bus.Options{
		URLs:         []string{"amqps://" + u + "/"},
		TLS:          &bus.TLSConfig{CAFile: files.CAFile, CertFile: files.ClientCertFile, KeyFile: files.ClientKeyFile},
		ExternalAuth: true,
		Name:         name,
	})
	if err != nil {
		t.Fatalf("Dial with EXTERNAL: %v", err)
	}
	defer c.Close()
	m := &bus.Management{URLs: []string{node.ManagementURL}, User: cl.User, Password: cl.Password, TLS: &bus.TLSConfig{CAFile: files.CAFile}}
	deadline := time.Now().Add(15 * time.Second)
	for {
		conns, err := m.Connections(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, mc := range conns {
			if mc.ClientProperties.ConnectionName == name {
				if mc.User != files.ClientCN {
					t.Fatalf("connection user = %q; want the certificate's CN %q", mc.User, files.ClientCN)
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("connection %s never listed by the management API", name)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestTLSOptionsInvalid: EXTERNAL needs a client certificate, and TLS
// options with a plaintext URL or an unreadable CA are refused before any dial.
func TestTLSOptionsInvalid(t *testing.T) {
	ctx := context.Background()
	for name, opts := range map[string]bus.Options{
		"external without certificate": {URLs: []string{"amqps://127.0.0.1:1/"}, ExternalAuth: true},
		"amqp with TLS":                {URLs: []string{"amqps://127.0.0.1:1/", "amqp://127.0.0.1:2/"}, TLS: &bus.TLSConfig{}},
		"missing CA file":              {URLs: []string{"amqps://127.0.0.1:1/"}, TLS: &bus.TLSConfig{CAFile: "/nonexistent/ca.pem"}},
	} {
		_, err := bus.Dial(ctx, opts)
		if !errors.Is(err, bus.ErrInvalid) {
			t.Errorf("%s: Dial = %v; want ErrInvalid", name, err)
		}
	}
	m := &bus.Management{URLs: []string{"http://127.0.0.1:1"}, TLS: &bus.TLSConfig{}}
	if _, err := m.Connections(ctx); !errors.Is(err, bus.ErrInvalid) {
		t.Errorf("management http:// with TLS = %v; want ErrInvalid", err)
	}
}
