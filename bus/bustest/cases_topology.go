package bustest

import (
	"errors"
	"slices"
	"time"

	"github.com/opskit-dev/opskit/bus"
)

func testDialMalformedURL(e *env) {
	for _, u := range []string{"::not a url", "http://127.0.0.1:5672/", "amqp://"} {
		_, err := bus.Dial(e.ctx, bus.Options{URLs: []string{u}, Dialer: e.h.Options().Dialer})
		var ie *bus.InvalidError
		if !errors.As(err, &ie) || !errors.Is(err, bus.ErrInvalid) {
			e.t.Errorf("Dial(%q) = %v; want *InvalidError", u, err)
		}
	}
	if _, err := bus.Dial(e.ctx, bus.Options{}); !errors.Is(err, bus.ErrInvalid) {
		e.t.Errorf("Dial without URLs = %v; want ErrInvalid", err)
	}
}

func testApplyIdempotent(e *env) {
	c := e.dial()
	topo := bus.Topology{
		Exchanges: []bus.Exchange{{Name: e.n("x"), Kind: bus.Topic}},
		Queues: []bus.Queue{
			{Name: e.n("q"), DeadLetterExchange: e.n("x"), MessageTTL: time.Minute, MaxLength: 100},
			{Name: e.n("qq"), Type: bus.Quorum, DeliveryLimit: 3},
		},
		Bindings: []bus.Binding{{Source: e.n("x"), Destination: e.n("q"), Key: "a.#"}},
	}
	e.apply(c, topo)
	e.apply(c, topo)
	e.apply(c, topo)
	if got := e.ready(c, e.n("qq")); got != 0 {
		e.t.Errorf("ready = %d; want 0", got)
	}
}

func testApplyInvalidNothingDeclared(e *env) {
	c := e.dial()
	topo := bus.Topology{
		Queues:    []bus.Queue{{Name: e.n("q")}},
		Exchanges: []bus.Exchange{{Name: e.n("x"), Kind: "bogus"}},
	}
	e.track(topo)
	err := c.Apply(e.ctx, topo)
	var ie *bus.InvalidError
	if !errors.As(err, &ie) || ie.Field != "Kind" {
		e.t.Fatalf("Apply = %v; want *InvalidError on Kind", err)
	}
	if _, err := c.InspectQueue(e.ctx, e.n("q")); !errors.Is(err, bus.ErrNotFound) {
		e.t.Errorf("queue after failed Apply: err = %v; want ErrNotFound (nothing half-applied)", err)
	}
}

func testInvalidQueueArguments(e *env) {
	c := e.dial()
	bad := []bus.Queue{
		{Name: e.n("a"), Type: bus.Quorum, Exclusive: true},
		{Name: e.n("b"), MaxLength: -1},
		{Name: e.n("c"), Overflow: "explode"},
		{Name: e.n("d"), DeliveryLimit: 3},
		{Name: e.n("e"), Type: "lazy"},
		{Name: e.n("f"), LeaderLocator: "random"},
		{Name: ""},
		{Name: e.n("g"), Args: bus.Table{"x-custom": struct{}{}}},
	}
	for _, q := range bad {
		e.track(bus.Topology{Queues: []bus.Queue{q}})
		if err := c.Apply(e.ctx, bus.Topology{Queues: []bus.Queue{q}}); !errors.Is(err, bus.ErrInvalid) {
			e.t.Errorf("Apply(%+v) = %v; want ErrInvalid", q, err)
		}
	}
	bind := bus.Topology{
		Exchanges: []bus.Exchange{{Name: e.n("h"), Kind: bus.ConsistentHash}},
		Bindings:  []bus.Binding{{Source: e.n("h"), Destination: e.n("q"), Key: "heavy"}},
	}
	e.track(bind)
	if err := c.Apply(e.ctx, bind); !errors.Is(err, bus.ErrInvalid) {
		e.t.Errorf("consistent-hash binding with non-numeric weight = %v; want ErrInvalid", err)
	}
}

func expectConflict(e *env, err error, kind, name, arg string) {
	e.t.Helper()
	var ce *bus.ConflictError
	if !errors.As(err, &ce) {
		e.t.Fatalf("err = %v; want *ConflictError", err)
	}
	if ce.Kind != kind || ce.Name != name || ce.Argument != arg {
		e.t.Errorf("conflict = {%s %s %s}; want {%s %s %s}", ce.Kind, ce.Name, ce.Argument, kind, name, arg)
	}
	if !errors.Is(err, bus.ErrConflict) || !errors.Is(err, bus.ErrPreconditionFailed) {
		e.t.Errorf("errors.Is(ErrConflict/ErrPreconditionFailed) false for %v", err)
	}
}

func testConflictQueueType(e *env) {
	c := e.dial()
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: e.n("q"), Type: bus.Classic}}})
	err := c.Apply(e.ctx, bus.Topology{Queues: []bus.Queue{{Name: e.n("q"), Type: bus.Quorum}}})
	expectConflict(e, err, "queue", e.n("q"), "x-queue-type")
	// The Conn is still usable after the channel exception.
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: e.n("q"), Type: bus.Classic}}})
}

func testConflictQueueTTL(e *env) {
	c := e.dial()
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: e.n("q"), MessageTTL: time.Second}}})
	err := c.Apply(e.ctx, bus.Topology{Queues: []bus.Queue{{Name: e.n("q"), MessageTTL: 2 * time.Second}}})
	expectConflict(e, err, "queue", e.n("q"), "x-message-ttl")
}

func testConflictExchangeKind(e *env) {
	c := e.dial()
	e.apply(c, bus.Topology{Exchanges: []bus.Exchange{{Name: e.n("x"), Kind: bus.Direct}}})
	err := c.Apply(e.ctx, bus.Topology{Exchanges: []bus.Exchange{{Name: e.n("x"), Kind: bus.Fanout}}})
	expectConflict(e, err, "exchange", e.n("x"), "type")
}

func testConflictDurable(e *env) {
	c := e.dial()
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: e.n("q")}}})
	err := c.Apply(e.ctx, bus.Topology{Queues: []bus.Queue{{Name: e.n("q"), Transient: true}}})
	expectConflict(e, err, "queue", e.n("q"), "durable")
}

func testExclusiveQueueLocked(e *env) {
	a := e.dial()
	b := e.dial()
	topo := bus.Topology{Queues: []bus.Queue{{Name: e.n("q"), Exclusive: true, Transient: true}}}
	e.apply(a, topo)
	err := b.Apply(e.ctx, topo)
	if !errors.Is(err, bus.ErrResourceLocked) {
		e.t.Fatalf("Apply from another connection = %v; want ErrResourceLocked", err)
	}
}

func testInspectMissingQueue(e *env) {
	c := e.dial()
	_, err := c.InspectQueue(e.ctx, e.n("none"))
	var be *bus.BrokerError
	if !errors.Is(err, bus.ErrNotFound) || !errors.As(err, &be) || be.Code != 404 {
		e.t.Fatalf("InspectQueue(missing) = %v; want 404 ErrNotFound", err)
	}
}

// routeCase declares an exchange of kind with queues bound by binds, sends
// msgs and checks which queues got which bodies.
func routeCounts(e *env, c *bus.Conn, queues []string) map[string]int {
	out := map[string]int{}
	for _, q := range queues {
		out[q] = e.ready(c, q)
	}
	return out
}

func testDirectRouting(e *env) {
	c := e.dial()
	x, q1, q2 := e.n("x"), e.n("q1"), e.n("q2")
	e.apply(c, bus.Topology{
		Exchanges: []bus.Exchange{{Name: x, Kind: bus.Direct}},
		Queues:    []bus.Queue{{Name: q1}, {Name: q2}},
		Bindings: []bus.Binding{{Source: x, Destination: q1, Key: "a"}, {Source: x, Destination: q2, Key: "b"},
			{Source: x, Destination: q2, Key: "a"}},
	})
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{Exchange: x, RoutingKey: "a", Body: []byte("1")})
	e.publish(p, bus.Message{Exchange: x, RoutingKey: "b", Body: []byte("2")})
	e.unroutable(p, bus.Message{Exchange: x, RoutingKey: "c", Body: []byte("3")})
	got := routeCounts(e, c, []string{q1, q2})
	if got[q1] != 1 || got[q2] != 2 {
		e.t.Errorf("ready = %v; want q1:1 q2:2", got)
	}
}

func testFanoutRouting(e *env) {
	c := e.dial()
	x, q1, q2 := e.n("x"), e.n("q1"), e.n("q2")
	e.apply(c, bus.Topology{
		Exchanges: []bus.Exchange{{Name: x, Kind: bus.Fanout}},
		Queues:    []bus.Queue{{Name: q1}, {Name: q2}},
		Bindings:  []bus.Binding{{Source: x, Destination: q1, Key: "ignored"}, {Source: x, Destination: q2}},
	})
	p := e.publisher(c, 8)
	for i := 0; i < 3; i++ {
		e.publish(p, bus.Message{Exchange: x, RoutingKey: "anything", Body: []byte("m")})
	}
	got := routeCounts(e, c, []string{q1, q2})
	if got[q1] != 3 || got[q2] != 3 {
		e.t.Errorf("ready = %v; want 3 each", got)
	}
}

func topicCase(e *env, pattern string, match, nomatch []string) {
	c := e.dial()
	x, q := e.n("x"), e.n("q")
	e.apply(c, bus.Topology{
		Exchanges: []bus.Exchange{{Name: x, Kind: bus.Topic}},
		Queues:    []bus.Queue{{Name: q}},
		Bindings:  []bus.Binding{{Source: x, Destination: q, Key: pattern}},
	})
	p := e.publisher(c, 32)
	for _, k := range match {
		e.publish(p, bus.Message{Exchange: x, RoutingKey: k, Body: []byte(k)})
	}
	for _, k := range nomatch {
		e.unroutable(p, bus.Message{Exchange: x, RoutingKey: k, Body: []byte(k)})
	}
	got := keysOf(e.take(c, q, len(match)))
	for _, k := range match {
		if got[k] != 1 {
			e.t.Errorf("pattern %q: key %q delivered %d times; want 1", pattern, k, got[k])
		}
	}
	e.waitReady(c, q, 0)
	for _, k := range nomatch {
		if got[k] != 0 {
			e.t.Errorf("pattern %q: key %q delivered; want not", pattern, k)
		}
	}
}

func testTopicStar(e *env) {
	topicCase(e, "orders.*.eu", []string{"orders.new.eu", "orders.paid.eu"},
		[]string{"orders.eu", "orders.new.us", "orders.new.x.eu", "orders.new.eu.x"})
}

func testTopicHash(e *env) {
	topicCase(e, "logs.#.error", []string{"logs.error", "logs.a.error", "logs.a.b.c.error"},
		[]string{"logs", "logs.a.warn", "x.logs.error", "logs.error.x"})
}

func headersCase(e *env, match string, want []string) {
	c := e.dial()
	x, q := e.n("x"), e.n("q")
	e.apply(c, bus.Topology{
		Exchanges: []bus.Exchange{{Name: x, Kind: bus.Headers}},
		Queues:    []bus.Queue{{Name: q}},
		Bindings: []bus.Binding{{Source: x, Destination: q,
			Args: bus.Table{"x-match": match, "format": "pdf", "type": "report"}}},
	})
	p := e.publisher(c, 8)
	msgs := map[string]bus.Table{
		"both":   {"format": "pdf", "type": "report", "extra": int32(1)},
		"format": {"format": "pdf"},
		"type":   {"type": "report", "format": "zip"},
		"none":   {"format": "zip"},
	}
	for body, h := range msgs {
		m := bus.Message{Exchange: x, Headers: h, Body: []byte(body)}
		if slices.Contains(want, body) {
			e.publish(p, m)
		} else {
			e.unroutable(p, m)
		}
	}
	got := keysOf(e.take(c, q, len(want)))
	e.waitReady(c, q, 0)
	if len(got) != len(want) {
		e.t.Errorf("x-match=%s delivered %v; want %v", match, got, want)
	}
	for _, w := range want {
		if got[w] != 1 {
			e.t.Errorf("x-match=%s: %q delivered %d times; want 1", match, w, got[w])
		}
	}
}

func testHeadersAll(e *env) { headersCase(e, "all", []string{"both"}) }

func testHeadersAny(e *env) { headersCase(e, "any", []string{"both", "format", "type"}) }

func testExchangeToExchange(e *env) {
	c := e.dial()
	front, back, q, other := e.n("front"), e.n("back"), e.n("q"), e.n("other")
	e.apply(c, bus.Topology{
		Exchanges: []bus.Exchange{{Name: front, Kind: bus.Fanout}, {Name: back, Kind: bus.Topic, Internal: true}},
		Queues:    []bus.Queue{{Name: q}, {Name: other}},
		Bindings: []bus.Binding{
			{Source: front, Destination: back, ToExchange: true},
			{Source: back, Destination: q, Key: "eu.#"},
			{Source: back, Destination: other, Key: "us.#"},
		},
	})
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{Exchange: front, RoutingKey: "eu.orders", Body: []byte("eu")})
	e.publish(p, bus.Message{Exchange: front, RoutingKey: "us.orders", Body: []byte("us")})
	got := routeCounts(e, c, []string{q, other})
	if got[q] != 1 || got[other] != 1 {
		e.t.Errorf("ready = %v; want 1 each", got)
	}
	// Internal exchanges refuse direct publishes.
	err := p.PublishWait(e.ctx, bus.Message{Exchange: back, RoutingKey: "eu.x"})
	if !errors.Is(err, bus.ErrAccessRefused) {
		e.t.Errorf("publish to internal exchange = %v; want ErrAccessRefused", err)
	}
}

func testExchangeBindingCycle(e *env) {
	c := e.dial()
	a, b, q := e.n("a"), e.n("b"), e.n("q")
	e.apply(c, bus.Topology{
		Exchanges: []bus.Exchange{{Name: a, Kind: bus.Fanout}, {Name: b, Kind: bus.Fanout}},
		Queues:    []bus.Queue{{Name: q}},
		Bindings: []bus.Binding{
			{Source: a, Destination: b, ToExchange: true},
			{Source: b, Destination: a, ToExchange: true},
			{Source: a, Destination: q}, {Source: b, Destination: q},
		},
	})
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{Exchange: a, Body: []byte("once")})
	if got := e.ready(c, q); got != 1 {
		e.t.Errorf("ready = %d; want 1 (cycles eliminated, queue reached once)", got)
	}
}

func testDefaultExchange(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{RoutingKey: q, Body: []byte("direct to queue")})
	ds := e.take(c, q, 1)
	if string(ds[0].Body) != "direct to queue" || ds[0].RoutingKey != q || ds[0].Exchange != "" {
		e.t.Errorf("delivery = %q via %q/%q", ds[0].Body, ds[0].Exchange, ds[0].RoutingKey)
	}
}

func testAlternateExchange(e *env) {
	c := e.dial()
	x, ae, q := e.n("x"), e.n("ae"), e.n("unrouted")
	e.apply(c, bus.Topology{
		Exchanges: []bus.Exchange{{Name: ae, Kind: bus.Fanout}, {Name: x, Kind: bus.Direct, AlternateExchange: ae}},
		Queues:    []bus.Queue{{Name: q}},
		Bindings:  []bus.Binding{{Source: ae, Destination: q}},
	})
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{Exchange: x, RoutingKey: "nobody", Body: []byte("ae")})
	if got := e.ready(c, q); got != 1 {
		e.t.Errorf("alternate exchange queue ready = %d; want 1", got)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func testStreamQueue(e *env) {
	c := e.dial()
	q := e.n("s")
	topo := bus.Topology{Queues: []bus.Queue{{Name: q, Type: bus.Stream, MaxLengthBytes: 10 << 20}}}
	e.apply(c, topo)
	e.apply(c, topo)
	p := e.publisher(c, 8)
	for i := 0; i < 3; i++ {
		e.publish(p, bus.Message{RoutingKey: q, Body: []byte("event")})
	}
	// RabbitMQ compares the other arguments before the queue type.
	err := c.Apply(e.ctx, bus.Topology{Queues: []bus.Queue{{Name: q, Type: bus.Quorum}}})
	expectConflict(e, err, "queue", q, "x-max-length-bytes")
	err = c.Apply(e.ctx, bus.Topology{Queues: []bus.Queue{{Name: q, Type: bus.Quorum, MaxLengthBytes: 10 << 20}}})
	expectConflict(e, err, "queue", q, "x-queue-type")
}

func testDiff(e *env) {
	hi, ok := e.h.(Inspecting)
	if !ok {
		e.t.Skip("harness cannot inspect the broker")
	}
	in := hi.Inspector()
	c := e.dial()
	x, y, q := e.n("x"), e.n("y"), e.n("q")
	topo := bus.Topology{
		Exchanges: []bus.Exchange{{Name: x, Kind: bus.Topic}, {Name: y, Kind: bus.Fanout, Internal: true}},
		Queues:    []bus.Queue{{Name: q, Type: bus.Quorum, DeliveryLimit: 3, MessageTTL: time.Minute}},
		Bindings: []bus.Binding{{Source: x, Destination: q, Key: "a.#"},
			{Source: x, Destination: y, ToExchange: true, Key: "b.#"}},
	}
	e.apply(c, topo)
	diffs, err := bus.Diff(e.ctx, in, topo)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(diffs) != 0 {
		e.t.Fatalf("Diff after Apply = %v; want none", diffs)
	}
	drift := topo
	drift.Exchanges = []bus.Exchange{{Name: x, Kind: bus.Direct}, {Name: y, Kind: bus.Fanout, Internal: true}}
	drift.Queues = []bus.Queue{{Name: q, Type: bus.Quorum, DeliveryLimit: 5, MessageTTL: time.Minute}, {Name: e.n("missing")}}
	drift.Bindings = append(drift.Bindings, bus.Binding{Source: x, Destination: q, Key: "c.*"})
	e.track(drift)
	diffs, err = bus.Diff(e.ctx, in, drift)
	if err != nil {
		e.t.Fatal(err)
	}
	want := map[string]bool{
		"exchange " + x + " type":               true,
		"queue " + q + " x-delivery-limit":      true,
		"queue " + e.n("missing") + " ":         true,
		"binding " + x + " -> " + q + " (c.*) ": true,
	}
	for _, d := range diffs {
		k := d.Kind + " " + d.Name + " " + d.Field
		if !want[k] {
			e.t.Errorf("unexpected difference %q (%s)", k, d)
		}
		delete(want, k)
	}
	for k := range want {
		e.t.Errorf("missing difference %q in %v", k, diffs)
	}
}
