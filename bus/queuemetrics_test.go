package bus_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
)

// TestQueueMetrics checks the management figures and the passive-declare fallback.
func TestQueueMetrics(t *testing.T) {
	_, m, c, ctx := clusterSetup(t)
	q := uniq("bus-metrics")
	if err := c.Apply(ctx, bus.Topology{Queues: []bus.Queue{{Name: q}}}); err != nil {
		t.Fatal(err)
	}
	defer c.DeleteQueue(context.Background(), q)
	p, err := c.NewPublisher(ctx, bus.PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	for i := 0; i < 12; i++ {
		if err := p.PublishWait(ctx, bus.Message{RoutingKey: q}); err != nil {
			t.Fatal(err)
		}
	}
	hold := make(chan struct{})
	defer close(hold)
	k, err := c.Consume(ctx, bus.ConsumerOptions{Queue: q, Prefetch: 2, Concurrency: 2}, func(context.Context, *bus.Delivery) bus.Action {
		<-hold
		return bus.Ack
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_ = k.Close(cctx)
	}()
	// The management API refreshes its figures every few seconds.
	deadline := time.Now().Add(20 * time.Second)
	var mq bus.MgmtQueue
	for time.Now().Before(deadline) {
		got, err := bus.QueueMetrics(ctx, c, m, q)
		if err != nil {
			t.Fatal(err)
		}
		if got.Source != "management" {
			t.Fatalf("source = %q", got.Source)
		}
		if got.Ready == 10 && got.Unacked == 2 && got.Consumers == 1 {
			if got.Backlog() != 12 || got.BacklogPerConsumer() != 12 {
				t.Errorf("backlog = %d, per consumer %v", got.Backlog(), got.BacklogPerConsumer())
			}
			t.Logf("metrics: %+v", got)
			goto fallback
		}
		time.Sleep(500 * time.Millisecond)
	}
	mq, _ = m.Queue(ctx, q)
	t.Fatalf("management never showed ready 10 / unacked 2 / 1 consumer: %+v", mq)
fallback:
	dead := &bus.Management{URLs: []string{"http://127.0.0.1:1"}, User: "guest", Password: "guest"}
	got, err := bus.QueueMetrics(ctx, c, dead, q)
	if err != nil {
		t.Fatal(err)
	}
	if got.Source != "passive-declare" || got.Ready != 10 || got.Consumers != 1 {
		t.Errorf("fallback metrics = %+v; want ready 10, 1 consumer from passive-declare", got)
	}
	if _, err := bus.QueueMetrics(ctx, c, dead, uniq("bus-missing")); !errors.Is(err, bus.ErrNotFound) {
		t.Errorf("metrics of missing queue = %v; want ErrNotFound", err)
	}
}
