package bus_test

import (
	"context"
	"errors"
	"log"

	"github.com/opskit-dev/opskit/bus"
)

// Connecting over TLS with a client certificate: the nodes' certificates
// must chain to the CA bundle and name the host dialed, and the broker
// takes the user from the certificate (EXTERNAL, rabbitmq_auth_mechanism_ssl).
// The management client verifies its HTTPS listeners the same way.
func ExampleDial_tls() {
	ctx := context.Background()
	tlsConf := &bus.TLSConfig{
		CAFile:   "/etc/opskit/tls/ca.crt",
		CertFile: "/etc/opskit/tls/billing.crt",
		KeyFile:  "/etc/opskit/tls/billing.key",
	}
	c, err := bus.Dial(ctx, bus.Options{
		URLs:         []string{"amqps://rabbit-1.internal:5671/", "amqps://rabbit-2.internal:5671/"},
		TLS:          tlsConf,
		ExternalAuth: true,
		Name:         "billing-worker",
	})
	var ce *bus.CertificateError
	if errors.As(err, &ce) && ce.Expired() {
		log.Fatalf("renew the certificate of %s (%s): %v", ce.Endpoint, ce.Subject, err)
	}
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	m := &bus.Management{
		URLs: []string{"https://rabbit-1.internal:15671"},
		User: "monitor", Password: "from-a-secret-store",
		TLS: &bus.TLSConfig{CAFile: "/etc/opskit/tls/ca.crt"},
	}
	if _, err := m.Connections(ctx); err != nil {
		log.Fatal(err)
	}
}
