package bus_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/internal/testenv"
)

func clusterSetup(t *testing.T) (testenv.RabbitCluster, *bus.Management, *bus.Conn, context.Context) {
	t.Helper()
	cl := testenv.RabbitMQ(t)
	h := newRabbitHarness(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	c, err := bus.Dial(ctx, bus.Options{URLs: cl.AMQPURLs(), Name: "bus-cluster-test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return cl, h.mgmt, c, ctx
}

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

// TestDiff applies a topology, changes the broker behind its back, and
// checks Diff reports exactly what differs.
func TestDiff(t *testing.T) {
	_, m, c, ctx := clusterSetup(t)
	x, q, q2 := uniq("bus-diff-x"), uniq("bus-diff-q"), uniq("bus-diff-q2")
	topo := bus.Topology{
		Exchanges: []bus.Exchange{{Name: x, Kind: bus.Topic}},
		Queues:    []bus.Queue{{Name: q, Type: bus.Quorum, DeliveryLimit: 3, MessageTTL: time.Minute}},
		Bindings:  []bus.Binding{{Source: x, Destination: q, Key: "a.#"}},
	}
	if err := c.Apply(ctx, topo); err != nil {
		t.Fatal(err)
	}
	defer c.DeleteQueue(context.Background(), q)
	defer c.DeleteExchange(context.Background(), x)
	diffs, err := m.Diff(ctx, topo)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) != 0 {
		t.Fatalf("Diff after Apply = %v; want none", diffs)
	}
	want := topo
	want.Queues = []bus.Queue{{Name: q, Type: bus.Quorum, DeliveryLimit: 5, MessageTTL: time.Minute}, {Name: q2}}
	want.Bindings = append(want.Bindings, bus.Binding{Source: x, Destination: q, Key: "b.*"})
	diffs, err = m.Diff(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, d := range diffs {
		got[d.Kind+" "+d.Field] = true
		t.Logf("diff: %s", d)
	}
	for _, w := range []string{"queue x-delivery-limit", "queue ", "binding "} {
		if !got[w] {
			t.Errorf("Diff did not report %q: %v", w, diffs)
		}
	}
	if len(diffs) != 3 {
		t.Errorf("Diff = %d differences; want 3: %v", len(diffs), diffs)
	}
}
