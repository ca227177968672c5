package bus_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/bus/busfake"
)

// TestNoGoroutineLeak runs a full life cycle (dial, apply, publish, consume,
// a forced reconnect, a conflicting redeclare, close) and checks that nothing
// is left running, on the fake and on the real cluster.
func TestNoGoroutineLeak(t *testing.T) {
	run := func(t *testing.T, opts bus.Options, disrupt func()) {
		defer goleak.VerifyNone(t, goleak.IgnoreCurrent(),
			goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
			goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
			goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		opts.Name = "bus-leak-" + bus.NewMessageID()[:8]
		opts.Backoff = bus.Backoff{Initial: 10 * time.Millisecond, Max: 100 * time.Millisecond}
		c, err := bus.Dial(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		q := uniq("bus-leak")
		if err := c.Apply(ctx, bus.Topology{Queues: []bus.Queue{{Name: q}}}); err != nil {
			t.Fatal(err)
		}
		var conflict *bus.ConflictError
		if err := c.Apply(ctx, bus.Topology{Queues: []bus.Queue{{Name: q, Type: bus.Quorum}}}); !errors.As(err, &conflict) {
			t.Errorf("conflicting redeclare = %v", err)
		}
		p, err := c.NewPublisher(ctx, bus.PublisherOptions{Window: 8})
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan struct{}, 100)
		k, err := c.Consume(ctx, bus.ConsumerOptions{Queue: q, Concurrency: 3}, func(context.Context, *bus.Delivery) bus.Action {
			got <- struct{}{}
			return bus.Ack
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 20; i++ {
			if i == 10 && disrupt != nil {
				disrupt()
			}
			if err := p.PublishWait(ctx, bus.Message{RoutingKey: q}); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 20; i++ {
			<-got
		}
		if err := p.Close(ctx); err != nil {
			t.Error(err)
		}
		if err := k.Close(ctx); err != nil {
			t.Error(err)
		}
		if _, err := c.DeleteQueue(ctx, q); err != nil {
			t.Error(err)
		}
		if err := c.Close(); err != nil {
			t.Error(err)
		}
		// Unused publisher left open: Conn.Close must stop it too.
		c2, err := bus.Dial(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c2.NewPublisher(ctx, bus.PublisherOptions{}); err != nil {
			t.Fatal(err)
		}
		_ = c2.Close()
		time.Sleep(100 * time.Millisecond)
	}
	t.Run("fake", func(t *testing.T) {
		b := busfake.NewBroker()
		run(t, fakeHarness{b}.Options(), b.CloseConnections)
	})
	t.Run("rabbitmq", func(t *testing.T) {
		h := newRabbitHarness(t)
		run(t, h.Options(), nil)
	})
}
