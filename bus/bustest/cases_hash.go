package bustest

import (
	"github.com/opskit-dev/opskit/bus"
)

// hashSpread is how far a queue's share of the keys may stray from its
// weight's share in the consistent-hash cases: RabbitMQ's jump consistent
// hash (since 3.8) stays within a few percent for these key counts, while a
// hash ring with a few points per binding strays by tens of percent.
const hashSpread = 0.10

// testConsistentHash routes 3,000 distinct routing keys through a
// consistent-hash exchange with three equal weights, then 1,500 through one
// weighted 1:2, and checks that every queue's share is within hashSpread of
// its weight's share, that each message reaches exactly one queue and that
// one key always reaches the same queue. The keys are fixed, so the case is
// deterministic on a given backend.
func testConsistentHash(e *env) {
	c := e.dial()
	p := e.publisher(c, 256)

	x := e.n("x")
	qs := []string{e.n("q0"), e.n("q1"), e.n("q2")}
	hashRoute(e, c, p, x, qs, []int{1, 1, 1}, 3000)

	// The same key always lands on the same queue.
	before := routeCounts(e, c, qs)
	for i := 0; i < 5; i++ {
		e.publish(p, bus.Message{Exchange: x, RoutingKey: "sticky"})
	}
	after := routeCounts(e, c, qs)
	moved := 0
	for _, q := range qs {
		if d := after[q] - before[q]; d != 0 {
			moved++
			if d != 5 {
				e.t.Errorf("sticky key split: %v -> %v", before, after)
			}
		}
	}
	if moved != 1 {
		e.t.Errorf("sticky key reached %d queues; want 1", moved)
	}

	// Binding keys are weights: a binding of weight 2 takes twice the keys.
	wx := e.n("wx")
	hashRoute(e, c, p, wx, []string{e.n("w1"), e.n("w2")}, []int{1, 2}, 1500)
}

// hashRoute declares exchange x bound to queues with weights, publishes n
// messages with the keys key-0 … key-(n-1) and checks the spread.
func hashRoute(e *env, c *bus.Conn, p *bus.Publisher, x string, queues []string, weights []int, n int) {
	e.t.Helper()
	topo := bus.Topology{Exchanges: []bus.Exchange{{Name: x, Kind: bus.ConsistentHash}}}
	total := 0
	for i, q := range queues {
		topo.Queues = append(topo.Queues, bus.Queue{Name: q})
		topo.Bindings = append(topo.Bindings, bus.Binding{Source: x, Destination: q, Key: itoa(weights[i])})
		total += weights[i]
	}
	e.apply(c, topo)
	var cfs []*bus.Confirmation
	for i := 0; i < n; i++ {
		cf, err := p.Publish(e.ctx, bus.Message{Exchange: x, RoutingKey: "key-" + itoa(i)})
		if err != nil {
			e.t.Fatal(err)
		}
		cfs = append(cfs, cf)
	}
	for _, cf := range cfs {
		if err := cf.Wait(e.ctx); err != nil {
			e.t.Fatal(err)
		}
	}
	got := routeCounts(e, c, queues)
	e.t.Logf("%d keys over weights %v: %v", n, weights, got)
	routed := 0
	for i, q := range queues {
		routed += got[q]
		want := float64(n) * float64(weights[i]) / float64(total)
		if dev := (float64(got[q]) - want) / want; dev > hashSpread || dev < -hashSpread {
			e.t.Errorf("queue %s (weight %d) got %d of %d keys, %+.0f%% off its share %.0f: %v",
				q, weights[i], got[q], n, 100*dev, want, got)
		}
	}
	if routed != n {
		e.t.Errorf("total routed = %d; want %d (each message to exactly one queue)", routed, n)
	}
}
