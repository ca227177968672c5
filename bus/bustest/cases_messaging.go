package bustest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/opskit-dev/opskit/bus"
)

// testMandatoryReturned checks the safe default: a message no queue takes
// is returned and fails with a *ReturnedError matching ErrUnroutable.
func testMandatoryReturned(e *env) {
	c := e.dial()
	x := e.n("x")
	e.apply(c, bus.Topology{Exchanges: []bus.Exchange{{Name: x, Kind: bus.Direct}}})
	p := e.publisher(c, 8)
	err := p.PublishWait(e.ctx, bus.Message{Exchange: x, RoutingKey: "nobody", ID: "m-1"})
	var re *bus.ReturnedError
	if !errors.As(err, &re) || !errors.Is(err, bus.ErrUnroutable) {
		e.t.Fatalf("PublishWait(unroutable) = %v; want *ReturnedError (messages are mandatory by default)", err)
	}
	if re.MessageID != "m-1" || re.ReplyCode != 312 || re.RoutingKey != "nobody" {
		e.t.Errorf("returned = %+v", re)
	}
	// The publisher keeps working.
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}, Bindings: []bus.Binding{{Source: x, Destination: q, Key: "somebody"}}})
	if err := p.PublishWait(e.ctx, bus.Message{Exchange: x, RoutingKey: "somebody"}); err != nil {
		e.t.Errorf("next publish = %v", err)
	}
}

// testUnroutableDropped checks the explicit fire-and-forget choice: with
// DropUnroutable the broker confirms and drops a message no queue takes.
func testUnroutableDropped(e *env) {
	c := e.dial()
	x := e.n("x")
	e.apply(c, bus.Topology{Exchanges: []bus.Exchange{{Name: x, Kind: bus.Direct}}})
	p := e.publisher(c, 8)
	if err := p.PublishWait(e.ctx, bus.Message{Exchange: x, RoutingKey: "nobody", DropUnroutable: true}); err != nil {
		e.t.Fatalf("PublishWait(DropUnroutable) = %v; want nil (dropped, confirmed)", err)
	}
}

func testPublishMissingExchange(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	p := e.publisher(c, 8)
	err := p.PublishWait(e.ctx, bus.Message{Exchange: e.n("missing"), RoutingKey: "k"})
	if !errors.Is(err, bus.ErrNotFound) {
		e.t.Fatalf("publish to missing exchange = %v; want ErrNotFound", err)
	}
	// The publisher recovers its channel and keeps publishing.
	e.publish(p, bus.Message{RoutingKey: q, Body: []byte("after")})
	if got := e.ready(c, q); got != 1 {
		e.t.Errorf("ready = %d; want 1", got)
	}
}

func testConfirmWindowBounded(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	const window, n = 16, 500
	p := e.publisher(c, window)
	maxOut := 0
	for i := 0; i < n; i++ {
		if _, err := p.Publish(e.ctx, bus.Message{RoutingKey: q, Body: []byte("x")}); err != nil {
			e.t.Fatal(err)
		}
		if o := p.Outstanding(); o > maxOut {
			maxOut = o
		}
	}
	if err := p.Flush(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	if maxOut > window {
		e.t.Errorf("outstanding reached %d; window is %d", maxOut, window)
	}
	if p.Outstanding() != 0 {
		e.t.Errorf("outstanding after Flush = %d", p.Outstanding())
	}
	if got := e.ready(c, q); got != n {
		e.t.Errorf("ready = %d; want %d", got, n)
	}
}

func testMessageIDStable(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	p := e.publisher(c, 8)
	cf, err := p.Publish(e.ctx, bus.Message{RoutingKey: q, Body: []byte("gen")})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := cf.Wait(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	e.publish(p, bus.Message{RoutingKey: q, ID: "given-id", Body: []byte("given")})
	ds := e.take(c, q, 2)
	ids := map[string]string{}
	for _, d := range ds {
		ids[string(d.Body)] = d.MessageID
	}
	if len(cf.ID()) != 32 || ids["gen"] != cf.ID() {
		e.t.Errorf("generated ID = %q, delivered %q", cf.ID(), ids["gen"])
	}
	if ids["given"] != "given-id" {
		e.t.Errorf("given ID delivered as %q", ids["given"])
	}
}

func testPropertiesRoundTrip(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{RoutingKey: q, ContentType: "application/json", CorrelationID: "corr",
		ReplyTo: "back", Type: "order.created", AppID: "app", Priority: 3,
		Headers: bus.Table{"tenant": "acme", "n": int32(7)}, Body: []byte(`{"a":1}`)})
	e.publish(p, bus.Message{RoutingKey: q, Transient: true, Body: []byte("t")})
	ds := e.take(c, q, 2)
	d := ds[0]
	if d.ContentType != "application/json" || d.CorrelationID != "corr" || d.ReplyTo != "back" ||
		d.Type != "order.created" || d.AppID != "app" || d.Priority != 3 || !d.Persistent ||
		d.Headers["tenant"] != "acme" || string(d.Body) != `{"a":1}` || d.Queue != q {
		e.t.Errorf("delivery = %+v", d)
	}
	if n, ok := d.Headers["n"].(int32); !ok || n != 7 {
		e.t.Errorf("header n = %#v; want int32(7)", d.Headers["n"])
	}
	if ds[1].Persistent {
		e.t.Errorf("transient message delivered as persistent")
	}
}

func testConsumeAck(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	p := e.publisher(c, 32)
	for i := 0; i < 50; i++ {
		if _, err := p.Publish(e.ctx, bus.Message{RoutingKey: q, Body: []byte(itoa(i))}); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := p.Flush(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	got := keysOf(e.take(c, q, 50))
	if len(got) != 50 {
		e.t.Errorf("distinct bodies = %d; want 50", len(got))
	}
	e.waitReady(c, q, 0)
	st, _ := c.InspectQueue(e.ctx, q)
	if st.Consumers != 0 {
		e.t.Errorf("consumers after close = %d", st.Consumers)
	}
}

func testRequeueRedelivered(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{RoutingKey: q, ID: "again", Body: []byte("x")})
	type seen struct {
		id          string
		redelivered bool
	}
	ch := make(chan seen, 4)
	var n atomic.Int32
	k, err := c.Consume(e.ctx, bus.ConsumerOptions{Queue: q}, func(_ context.Context, d *bus.Delivery) bus.Action {
		ch <- seen{d.MessageID, d.Redelivered}
		if n.Add(1) == 1 {
			return bus.Requeue
		}
		return bus.Ack
	})
	if err != nil {
		e.t.Fatal(err)
	}
	defer k.Close(e.ctx)
	first, second := <-ch, <-ch
	if first.redelivered || !second.redelivered || first.id != "again" || second.id != "again" {
		e.t.Errorf("deliveries = %+v, %+v; want not redelivered then redelivered, same ID", first, second)
	}
}

func dlxTopology(e *env, q bus.Queue) (string, string) {
	dlx, dlq := e.n("dlx"), e.n("dlq")
	q.DeadLetterExchange = dlx
	e.apply(e.dial(), bus.Topology{
		Exchanges: []bus.Exchange{{Name: dlx, Kind: bus.Fanout}},
		Queues:    []bus.Queue{{Name: dlq}, q},
		Bindings:  []bus.Binding{{Source: dlx, Destination: dlq}},
	})
	return dlx, dlq
}

func deathReason(d *bus.Delivery) string {
	deaths, _ := d.Headers["x-death"].([]any)
	if len(deaths) == 0 {
		return ""
	}
	t, _ := deaths[0].(bus.Table)
	r, _ := t["reason"].(string)
	return r
}

func testRejectDeadLetters(e *env) {
	c := e.dial()
	q := e.n("q")
	_, dlq := dlxTopology(e, bus.Queue{Name: q, DeadLetterRoutingKey: "dead"})
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{RoutingKey: q, ID: "poison", Body: []byte("bad")})
	k, err := c.Consume(e.ctx, bus.ConsumerOptions{Queue: q}, func(context.Context, *bus.Delivery) bus.Action {
		return bus.Reject
	})
	if err != nil {
		e.t.Fatal(err)
	}
	ds := e.take(c, dlq, 1)
	_ = k.Close(e.ctx)
	d := ds[0]
	if d.MessageID != "poison" || deathReason(d) != "rejected" || d.RoutingKey != "dead" {
		e.t.Errorf("dead letter = id %q reason %q key %q", d.MessageID, deathReason(d), d.RoutingKey)
	}
	e.waitReady(c, q, 0)
}

func testRejectWithoutDLXDrops(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{RoutingKey: q})
	done := make(chan struct{}, 1)
	k, err := c.Consume(e.ctx, bus.ConsumerOptions{Queue: q}, func(context.Context, *bus.Delivery) bus.Action {
		done <- struct{}{}
		return bus.Reject
	})
	if err != nil {
		e.t.Fatal(err)
	}
	<-done
	if err := k.Close(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	e.waitReady(c, q, 0)
}

func testTTLExpiry(e *env) {
	c := e.dial()
	q := e.n("q")
	_, dlq := dlxTopology(e, bus.Queue{Name: q, MessageTTL: 50 * time.Millisecond})
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{RoutingKey: q, ID: "old"})
	ds := e.take(c, dlq, 1)
	if ds[0].MessageID != "old" || deathReason(ds[0]) != "expired" {
		e.t.Errorf("dead letter = %q reason %q; want old/expired", ds[0].MessageID, deathReason(ds[0]))
	}
	e.waitReady(c, q, 0)
}

func testPerMessageTTL(e *env) {
	c := e.dial()
	q := e.n("q")
	_, dlq := dlxTopology(e, bus.Queue{Name: q})
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{RoutingKey: q, ID: "short", TTL: 30 * time.Millisecond})
	e.publish(p, bus.Message{RoutingKey: q, ID: "long"})
	ds := e.take(c, dlq, 1)
	if ds[0].MessageID != "short" || deathReason(ds[0]) != "expired" {
		e.t.Errorf("dead letter = %q reason %q", ds[0].MessageID, deathReason(ds[0]))
	}
	e.waitReady(c, q, 1)
}

func testMaxLengthDropHead(e *env) {
	c := e.dial()
	q := e.n("q")
	_, dlq := dlxTopology(e, bus.Queue{Name: q, MaxLength: 2})
	p := e.publisher(c, 8)
	for _, id := range []string{"1", "2", "3"} {
		e.publish(p, bus.Message{RoutingKey: q, ID: id, Body: []byte(id)})
	}
	d := e.take(c, dlq, 1)[0]
	if d.MessageID != "1" || deathReason(d) != "maxlen" {
		e.t.Errorf("dropped = %q reason %q; want 1/maxlen", d.MessageID, deathReason(d))
	}
	got := keysOf(e.take(c, q, 2))
	if got["2"] != 1 || got["3"] != 1 {
		e.t.Errorf("kept = %v; want 2 and 3", got)
	}
}

func testRejectPublishNacks(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q, MaxLength: 1, Overflow: bus.RejectPublish}}})
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{RoutingKey: q})
	if err := p.PublishWait(e.ctx, bus.Message{RoutingKey: q}); !errors.Is(err, bus.ErrNacked) {
		e.t.Fatalf("publish to full reject-publish queue = %v; want ErrNacked", err)
	}
	if got := e.ready(c, q); got != 1 {
		e.t.Errorf("ready = %d; want 1", got)
	}
}

func testDeliveryLimit(e *env) {
	c := e.dial()
	q := e.n("q")
	const limit = 2
	_, dlq := dlxTopology(e, bus.Queue{Name: q, Type: bus.Quorum, DeliveryLimit: limit})
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{RoutingKey: q, ID: "poison"})
	var mu sync.Mutex
	var counts []int
	k, err := c.Consume(e.ctx, bus.ConsumerOptions{Queue: q}, func(_ context.Context, d *bus.Delivery) bus.Action {
		mu.Lock()
		counts = append(counts, d.DeliveryCount)
		mu.Unlock()
		return bus.Requeue
	})
	if err != nil {
		e.t.Fatal(err)
	}
	d := e.take(c, dlq, 1)[0]
	_ = k.Close(e.ctx)
	if d.MessageID != "poison" || deathReason(d) != "delivery_limit" {
		e.t.Errorf("dead letter = %q reason %q; want poison/delivery_limit", d.MessageID, deathReason(d))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(counts) != limit+1 {
		e.t.Errorf("delivered %d times (counts %v); want %d", len(counts), counts, limit+1)
	}
	for i, n := range counts {
		if n != i {
			e.t.Errorf("delivery %d has DeliveryCount %d; want %d", i, n, i)
		}
	}
}

// publishN publishes n messages to queue q and waits for their confirms.
func publishN(e *env, p *bus.Publisher, q string, n int) {
	e.t.Helper()
	for i := 0; i < n; i++ {
		if _, err := p.Publish(e.ctx, bus.Message{RoutingKey: q, Body: []byte(itoa(i))}); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := p.Flush(e.ctx); err != nil {
		e.t.Fatal(err)
	}
}

func testPrefetch(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	publishN(e, e.publisher(c, 32), q, 20)
	release := make(chan struct{})
	var inHandler atomic.Int32
	k, err := c.Consume(e.ctx, bus.ConsumerOptions{Queue: q, Concurrency: 10, Prefetch: 3},
		func(context.Context, *bus.Delivery) bus.Action {
			inHandler.Add(1)
			<-release
			return bus.Ack
		})
	if err != nil {
		e.t.Fatal(err)
	}
	e.waitReady(c, q, 17)
	time.Sleep(200 * time.Millisecond)
	if n := inHandler.Load(); n != 3 {
		e.t.Errorf("handlers running = %d; want 3 (prefetch)", n)
	}
	if got := e.ready(c, q); got != 17 {
		e.t.Errorf("ready = %d; want 17", got)
	}
	close(release)
	e.waitReady(c, q, 0)
	_ = k.Close(e.ctx)
}

func testWorkerConcurrency(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	publishN(e, e.publisher(c, 32), q, 40)
	var cur, peak atomic.Int32
	var done atomic.Int32
	k, err := c.Consume(e.ctx, bus.ConsumerOptions{Queue: q, Concurrency: 4, Prefetch: 8},
		func(context.Context, *bus.Delivery) bus.Action {
			n := cur.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(20 * time.Millisecond)
			cur.Add(-1)
			done.Add(1)
			return bus.Ack
		})
	if err != nil {
		e.t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for done.Load() < 40 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	_ = k.Close(e.ctx)
	if done.Load() != 40 {
		e.t.Fatalf("handled %d; want 40", done.Load())
	}
	if p := peak.Load(); p != 4 {
		e.t.Errorf("peak concurrency = %d; want 4", p)
	}
}

func testSingleActiveConsumer(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q, Type: bus.Quorum, SingleActiveConsumer: true}}})
	var a, b atomic.Int32
	ka, err := c.Consume(e.ctx, bus.ConsumerOptions{Queue: q}, func(context.Context, *bus.Delivery) bus.Action {
		a.Add(1)
		return bus.Ack
	})
	if err != nil {
		e.t.Fatal(err)
	}
	kb, err := c.Consume(e.ctx, bus.ConsumerOptions{Queue: q}, func(context.Context, *bus.Delivery) bus.Action {
		b.Add(1)
		return bus.Ack
	})
	if err != nil {
		e.t.Fatal(err)
	}
	defer kb.Close(e.ctx)
	publishN(e, e.publisher(c, 16), q, 20)
	e.waitReady(c, q, 0)
	time.Sleep(100 * time.Millisecond)
	if a.Load() != 20 || b.Load() != 0 {
		e.t.Errorf("active got %d, standby got %d; want 20, 0", a.Load(), b.Load())
	}
	// The standby takes over when the active consumer leaves.
	_ = ka.Close(e.ctx)
	publishN(e, e.publisher(c, 16), q, 5)
	e.waitReady(c, q, 0)
	deadline := time.Now().Add(5 * time.Second)
	for b.Load() < 5 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if b.Load() != 5 {
		e.t.Errorf("standby got %d after takeover; want 5", b.Load())
	}
}

func testGracefulShutdown(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	publishN(e, e.publisher(c, 16), q, 4)
	started := make(chan struct{}, 4)
	var finished atomic.Int32
	k, err := c.Consume(e.ctx, bus.ConsumerOptions{Queue: q, Concurrency: 2, Prefetch: 2},
		func(context.Context, *bus.Delivery) bus.Action {
			started <- struct{}{}
			time.Sleep(300 * time.Millisecond)
			finished.Add(1)
			return bus.Ack
		})
	if err != nil {
		e.t.Fatal(err)
	}
	<-started
	<-started
	if err := k.Close(e.ctx); err != nil {
		e.t.Fatalf("Close = %v", err)
	}
	if f := finished.Load(); f < 2 {
		e.t.Errorf("finished %d in-flight handlers before Close returned; want >= 2", f)
	}
	total := int(finished.Load()) + e.ready(c, q)
	if total != 4 {
		e.t.Errorf("finished %d + ready %d != 4: work lost or duplicated", finished.Load(), e.ready(c, q))
	}
}

func testShutdownDeadline(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	publishN(e, e.publisher(c, 16), q, 1)
	started := make(chan struct{}, 1)
	k, err := c.Consume(e.ctx, bus.ConsumerOptions{Queue: q}, func(ctx context.Context, _ *bus.Delivery) bus.Action {
		started <- struct{}{}
		<-ctx.Done() // stuck until the consumer is stopped hard
		return bus.Ack
	})
	if err != nil {
		e.t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithTimeout(e.ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = k.Close(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		e.t.Errorf("Close = %v; want DeadlineExceeded", err)
	}
	if time.Since(start) > 3*time.Second {
		e.t.Errorf("Close took %v", time.Since(start))
	}
	// The unfinished message is back in the queue, marked redelivered.
	d := e.take(c, q, 1)[0]
	if !d.Redelivered {
		e.t.Errorf("requeued message not marked redelivered")
	}
}

func testConsumeMissingQueue(e *env) {
	c := e.dial()
	_, err := c.Consume(e.ctx, bus.ConsumerOptions{Queue: e.n("none")}, func(context.Context, *bus.Delivery) bus.Action { return bus.Ack })
	if !errors.Is(err, bus.ErrNotFound) {
		e.t.Fatalf("Consume(missing) = %v; want ErrNotFound", err)
	}
	if _, err := c.Consume(e.ctx, bus.ConsumerOptions{}, func(context.Context, *bus.Delivery) bus.Action { return bus.Ack }); !errors.Is(err, bus.ErrInvalid) {
		e.t.Errorf("Consume without queue = %v; want ErrInvalid", err)
	}
}

func testPurge(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	publishN(e, e.publisher(c, 16), q, 7)
	n, err := c.PurgeQueue(e.ctx, q)
	if err != nil || n != 7 {
		e.t.Fatalf("PurgeQueue = %d, %v; want 7", n, err)
	}
	if got := e.ready(c, q); got != 0 {
		e.t.Errorf("ready after purge = %d", got)
	}
}
