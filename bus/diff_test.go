package bus_test

import (
	"context"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
)

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
