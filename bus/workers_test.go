package bus_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
)

// TestWorkerQueuesSpread declares N quorum queues with balanced leaders
// behind a consistent-hash exchange, checks the reported leaders against the
// management API, and consumes each queue through a connection to its
// leader's node.
func TestWorkerQueuesSpread(t *testing.T) {
	cl, m, c, ctx := clusterSetup(t)
	nodeURLs := map[string]string{}
	for _, n := range cl.Nodes {
		nodeURLs[n.Name] = n.AMQPURL
	}
	const n = 6
	w := bus.WorkerQueues{Name: uniq("bus-workers"), Count: n, Queue: bus.Queue{DeliveryLimit: 5}}
	layout, err := c.DeclareWorkerQueues(ctx, w, m, nodeURLs)
	t.Cleanup(func() {
		for i := 0; i < n; i++ {
			_, _ = c.DeleteQueue(context.Background(), w.Name+"."+strconv.Itoa(i))
		}
		_ = c.DeleteExchange(context.Background(), w.Name)
	})
	if err != nil {
		t.Fatal(err)
	}
	leaders := map[string]int{}
	for _, q := range layout.Queues {
		mq, err := m.Queue(ctx, q.Name)
		if err != nil {
			t.Fatal(err)
		}
		if mq.Type != "quorum" || q.Leader == "" || (mq.Leader != "" && mq.Leader != q.Leader) {
			t.Errorf("queue %s: type %s leader %q (management says %q/%q)", q.Name, mq.Type, q.Leader, mq.Leader, mq.Node)
		}
		if q.URL != nodeURLs[q.Leader] || q.URL == "" {
			t.Errorf("queue %s: URL %q for leader %s", q.Name, redactURL(q.URL), q.Leader)
		}
		leaders[q.Leader]++
	}
	t.Logf("leaders: %v", leaders)
	if len(leaders) < 2 {
		t.Errorf("all %d leaders on %v; want them spread over the cluster", n, leaders)
	}

	// Consumers attach to their queue's leader node.
	got := make(chan string, 1000)
	wc, err := bus.ConsumeWorkerQueues(ctx, layout, bus.Options{URLs: cl.AMQPURLs(), Name: "bus-workers"},
		bus.ConsumerOptions{Concurrency: 2}, func(_ context.Context, d *bus.Delivery) bus.Action {
			got <- d.Queue
			return bus.Ack
		})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = wc.Close(context.Background()) })
	for want, node := range wc.Nodes() {
		if want != node {
			t.Errorf("consumer connection preferring %s is on %s", want, node)
		}
	}
	t.Logf("consumer connections: %v", wc.Nodes())
	p, err := c.NewPublisher(ctx, bus.PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	const msgs = 600
	for i := 0; i < msgs; i++ {
		if _, err := p.Publish(ctx, bus.Message{Exchange: layout.Exchange, RoutingKey: "order-" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for i := 0; i < msgs; i++ {
		select {
		case q := <-got:
			per[q]++
		case <-time.After(30 * time.Second):
			t.Fatalf("consumed %d of %d: %v", i, msgs, per)
		}
	}
	t.Logf("messages per queue: %v", per)
	if len(per) != n {
		t.Errorf("messages reached %d of %d queues: %v", len(per), n, per)
	}
}
