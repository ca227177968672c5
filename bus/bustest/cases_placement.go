package bustest

import (
	"github.com/opskit-dev/opskit/bus"
)

// testClassicPlacement declares classic queues with LeaderLocator through
// connections to two different nodes: "client-local" must place each queue on
// the node its declaring connection is on (RabbitMQ 3.10 reads
// x-queue-master-locator for classic queues), "balanced" must be accepted,
// and Diff must see no drift.
func testClassicPlacement(e *env) {
	ins, ok := e.h.(Inspecting)
	if !ok {
		e.t.Skip("harness cannot inspect the broker")
	}
	urls := e.h.Options().URLs
	if len(urls) < 2 {
		e.t.Skip("needs two nodes")
	}
	on := func(first int) *bus.Conn {
		return e.dial(func(o *bus.Options) {
			o.URLs = bus.PreferURL(urls[first], urls)
			o.InOrder = true
		})
	}
	c1, c2 := on(0), on(1)
	qa, qb, qc, qd := e.n("a"), e.n("b"), e.n("c"), e.n("d")
	t1 := bus.Topology{Queues: []bus.Queue{
		{Name: qa, LeaderLocator: "client-local"},
		{Name: qb, Type: bus.Classic, LeaderLocator: "client-local"},
		{Name: qd, Type: bus.Classic, LeaderLocator: "balanced"},
	}}
	t2 := bus.Topology{Queues: []bus.Queue{{Name: qc, Type: bus.Classic, LeaderLocator: "client-local"}}}
	e.apply(c1, t1)
	e.apply(c2, t2)
	e.apply(c1, t1) // idempotent
	node := func(q string) string {
		e.t.Helper()
		mq, err := ins.Inspector().Queue(e.ctx, q)
		if err != nil {
			e.t.Fatalf("inspect %s: %v", q, err)
		}
		return mq.Node
	}
	na, nb, nc := node(qa), node(qb), node(qc)
	if na == "" || na != nb {
		e.t.Errorf("queues declared through one connection with client-local are on %q and %q; want one node", na, nb)
	}
	if nc == na {
		e.t.Errorf("queue declared through a connection to another node is on %q too; want its own node", nc)
	}
	for _, q := range []string{qa, qc} {
		if _, err := ins.Inspector().Queue(e.ctx, q); err != nil {
			e.t.Fatal(err)
		}
	}
	merged := bus.Topology{Queues: append(append([]bus.Queue(nil), t1.Queues...), t2.Queues...)}
	diffs, err := bus.Diff(e.ctx, ins.Inspector(), merged)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(diffs) != 0 {
		e.t.Errorf("Diff after Apply = %v; want none", diffs)
	}
}

// testConflictClassicLocator redeclares a classic queue with another
// LeaderLocator: RabbitMQ 3.10 compares x-queue-master-locator on a
// redeclare and refuses the change (406).
func testConflictClassicLocator(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q, LeaderLocator: "client-local"}}})
	err := c.Apply(e.ctx, bus.Topology{Queues: []bus.Queue{{Name: q, LeaderLocator: "balanced"}}})
	expectConflict(e, err, "queue", q, "x-queue-master-locator")
}
