package bus_test

import (
	"context"
	"testing"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// rabbitTLSHarness reaches the local cluster over its TLS listeners only:
// amqps:// with the test CA, and the management API over HTTPS.
type rabbitTLSHarness struct {
	urls  []string
	ca    string
	plain rabbitHarness // Disrupt's logic, over the HTTPS management client
}

func newRabbitTLSHarness(t testing.TB) rabbitTLSHarness {
	files := testenv.TLS(t)
	plain := newRabbitHarness(t)
	m := &bus.Management{User: plain.cluster.User, Password: plain.cluster.Password, TLS: &bus.TLSConfig{CAFile: files.CAFile}}
	h := rabbitTLSHarness{ca: files.CAFile}
	for _, n := range testenv.RabbitMQTLSEnv() {
		h.urls = append(h.urls, n.AMQPSURL)
		m.URLs = append(m.URLs, n.ManagementURL)
	}
	plain.mgmt = m
	h.plain = plain
	return h
}

func (h rabbitTLSHarness) Options() bus.Options {
	return bus.Options{URLs: h.urls, TLS: &bus.TLSConfig{CAFile: h.ca}}
}

func (h rabbitTLSHarness) Disrupt(ctx context.Context, prefix string) error {
	return h.plain.Disrupt(ctx, prefix)
}

func (h rabbitTLSHarness) Inspector() bus.Inspector { return h.plain.mgmt }
