package bus_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/bus/busfake"
	"github.com/opskit-dev/opskit/bus/bustest"
	"github.com/opskit-dev/opskit/internal/testenv"
)

type fakeHarness struct{ b *busfake.Broker }

func (h fakeHarness) Options() bus.Options {
	return bus.Options{
		URLs:   []string{"amqp://guest:guest@node1:5672/", "amqp://guest:guest@node2:5672/", "amqp://guest:guest@node3:5672/"},
		Dialer: h.b.Dialer(),
	}
}

func (h fakeHarness) Disrupt(context.Context, string) error {
	h.b.CloseConnections()
	return nil
}

func (h fakeHarness) SetAlarm(_ context.Context, on bool) error {
	h.b.SetAlarm(on)
	return nil
}

func (h fakeHarness) Inspector() bus.Inspector { return h.b }

type rabbitHarness struct {
	cluster testenv.RabbitCluster
	mgmt    *bus.Management
}

func newRabbitHarness(t testing.TB) rabbitHarness {
	c := testenv.RabbitMQ(t)
	m := &bus.Management{User: c.User, Password: c.Password}
	for _, n := range c.Nodes {
		m.URLs = append(m.URLs, n.ManagementURL)
	}
	return rabbitHarness{cluster: c, mgmt: m}
}

func (h rabbitHarness) Options() bus.Options {
	return bus.Options{URLs: h.cluster.AMQPURLs()}
}

// Disrupt closes only this test's connections, by name, through the
// management API: other tests share the cluster.
// The management API lists a connection only after its first statistics
// emission (up to 5s), so Disrupt waits until it sees one.
func (h rabbitHarness) Disrupt(ctx context.Context, prefix string) error {
	for {
		conns, err := h.mgmt.Connections(ctx)
		if err != nil {
			return err
		}
		closed := 0
		for _, c := range conns {
			if strings.HasPrefix(c.ClientProperties.ConnectionName, prefix) {
				if err := h.mgmt.CloseConnection(ctx, c.Name); err != nil {
					return err
				}
				closed++
			}
		}
		if closed > 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no connection named %s* listed: %w", prefix, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (h rabbitHarness) Inspector() bus.Inspector { return h.mgmt }

// SetAlarm lowers (or restores) the memory watermark of the first node.
func (h rabbitHarness) SetAlarm(ctx context.Context, on bool) error {
	mark := "0.4"
	if on {
		mark = "0.000001"
	}
	_, err := h.cluster.Ctl(ctx, h.cluster.Nodes[0].Name, "set_vm_memory_high_watermark", mark)
	return err
}

func TestConformance(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		bustest.Run(t, func(t *testing.T) bustest.Harness { return fakeHarness{busfake.NewBroker()} })
	})
	t.Run("rabbitmq", func(t *testing.T) {
		h := newRabbitHarness(t)
		bustest.Run(t, func(t *testing.T) bustest.Harness { return h })
	})
	// The same cases over TLS (amqps:// with the test CA, the management API
	// over HTTPS), recovery included. The harness has no Alarmer: the
	// memory-alarm case is covered by the plain run.
	t.Run("rabbitmq-tls", func(t *testing.T) {
		h := newRabbitTLSHarness(t)
		bustest.Run(t, func(t *testing.T) bustest.Harness { return h })
	})
}
