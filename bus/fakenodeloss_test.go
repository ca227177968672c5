package bus_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/bus/busfake"
)

// TestFakeNodeLoss runs the node-loss scenario on the in-memory broker: the
// publisher's node stops mid-stream, the Conn moves to the next node, and
// every confirmed message reaches the consumer on another node.
func TestFakeNodeLoss(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b := busfake.NewBroker()
	nodes := []string{"amqp://a:5672/", "amqp://b:5672/", "amqp://c:5672/"}
	var mu sync.Mutex
	var states []string
	pubConn, err := bus.Dial(ctx, bus.Options{URLs: nodes, InOrder: true, Dialer: b.Dialer(),
		OnStateChange: func(sc bus.StateChange) {
			mu.Lock()
			states = append(states, sc.State.String()+"@"+sc.Node)
			mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer pubConn.Close()
	subConn, err := bus.Dial(ctx, bus.Options{URLs: []string{nodes[1], nodes[2]}, InOrder: true, Dialer: b.Dialer()})
	if err != nil {
		t.Fatal(err)
	}
	defer subConn.Close()
	if err := subConn.Apply(ctx, bus.Topology{Queues: []bus.Queue{{Name: "work", Type: bus.Quorum}}}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	var seenMu sync.Mutex
	k, err := subConn.Consume(ctx, bus.ConsumerOptions{Queue: "work", Concurrency: 4, Prefetch: 50},
		func(_ context.Context, d *bus.Delivery) bus.Action {
			seenMu.Lock()
			seen[d.MessageID]++
			seenMu.Unlock()
			return bus.Ack
		})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close(ctx)
	p, err := pubConn.NewPublisher(ctx, bus.PublisherOptions{Window: 64})
	if err != nil {
		t.Fatal(err)
	}
	const n = 5000
	var cfs []*bus.Confirmation
	for i := 0; i < n; i++ {
		if i == n/2 {
			b.StopNode(nodes[0])
		}
		cf, err := p.Publish(ctx, bus.Message{RoutingKey: "work", ID: strconv.Itoa(i)})
		if err != nil {
			t.Fatal(err)
		}
		cfs = append(cfs, cf)
	}
	b.StartNode(nodes[0])
	for _, cf := range cfs {
		if err := cf.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		seenMu.Lock()
		got := len(seen)
		seenMu.Unlock()
		if got == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumed %d distinct of %d confirmed", got, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, node := pubConn.State()
	if node == nodes[0] {
		t.Errorf("publisher still on the stopped node")
	}
	mu.Lock()
	t.Logf("states: %v", states)
	mu.Unlock()
}
