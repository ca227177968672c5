package bus_test

import (
	"context"
	"flag"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/internal/testenv"
)

var nodeLossN = flag.Int("bus.nodeloss.n", 100000, "messages TestNodeLoss publishes")

// TestNodeLoss publishes persistent messages with confirms through a
// connection on node A while a consumer on node B drains a quorum queue, stops
// node A's app midway and starts it again. Every confirmed message must be
// consumed (0 lost); duplicates and recovery time are reported.
//
// The consumer-node subtest stops the consumer's node B instead (the queue
// leader's node), with a fifth of the messages: the consumer must move to
// another node and keep draining.
func TestNodeLoss(t *testing.T) {
	cl := testenv.RabbitMQ(t)
	if len(cl.Nodes) < 3 {
		t.Skip("needs a 3-node cluster")
	}
	t.Run("publisher-node", func(t *testing.T) { nodeLoss(t, cl, *nodeLossN, false) })
	t.Run("consumer-node", func(t *testing.T) { nodeLoss(t, cl, *nodeLossN/5, true) })
}

func nodeLoss(t *testing.T, cl testenv.RabbitCluster, n int, stopConsumerNode bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	a, b, c := cl.Nodes[0], cl.Nodes[1], cl.Nodes[2]
	victim := a
	if stopConsumerNode {
		victim = b
	}
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer ccancel()
		if _, err := cl.Ctl(cctx, victim.Name, "start_app"); err != nil {
			t.Errorf("restore: %v", err)
		}
		if _, err := cl.Ctl(cctx, victim.Name, "await_startup"); err != nil {
			t.Logf("await_startup: %v", err)
		}
	})

	var (
		stateMu     sync.Mutex
		lostAt      time.Time
		reopenedAt  time.Time
		reopenNode  string
		reconnected = make(chan struct{})
		once        sync.Once
	)
	onState := func(sc bus.StateChange) {
		stateMu.Lock()
		defer stateMu.Unlock()
		switch sc.State {
		case bus.StateReconnecting:
			if lostAt.IsZero() {
				lostAt = time.Now()
			}
		case bus.StateOpen:
			if !lostAt.IsZero() && reopenedAt.IsZero() {
				reopenedAt, reopenNode = time.Now(), sc.Node
				once.Do(func() { close(reconnected) })
			}
		}
	}
	pubOpts := bus.Options{
		URLs: []string{a.AMQPURL, b.AMQPURL, c.AMQPURL}, InOrder: true, Name: "bus-nodeloss-pub",
		Backoff: bus.Backoff{Initial: 50 * time.Millisecond, Max: time.Second},
	}
	subOpts := bus.Options{URLs: []string{b.AMQPURL, c.AMQPURL, a.AMQPURL}, InOrder: true, Name: "bus-nodeloss-sub",
		Backoff: bus.Backoff{Initial: 50 * time.Millisecond, Max: time.Second}}
	if stopConsumerNode {
		subOpts.OnStateChange = onState
	} else {
		pubOpts.OnStateChange = onState
	}
	pubConn, err := bus.Dial(ctx, pubOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer pubConn.Close()
	if _, node := pubConn.State(); node != redactURL(a.AMQPURL) {
		t.Fatalf("publisher connected to %s; want node A %s", node, redactURL(a.AMQPURL))
	}
	subConn, err := bus.Dial(ctx, subOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer subConn.Close()

	q := uniq("bus-nodeloss")
	// Declared through node B's connection with client-local placement, so the
	// leader lives on B; A holds a follower.
	if err := subConn.Apply(ctx, bus.Topology{Queues: []bus.Queue{{Name: q, Type: bus.Quorum, LeaderLocator: "client-local"}}}); err != nil {
		t.Fatal(err)
	}
	defer subConn.DeleteQueue(context.Background(), q)

	var (
		seenMu     sync.Mutex
		seen       = make(map[int]int, n)
		deliveries atomic.Int64
	)
	cons, err := subConn.Consume(ctx, bus.ConsumerOptions{Queue: q, Concurrency: 4, Prefetch: 200},
		func(_ context.Context, d *bus.Delivery) bus.Action {
			id, err := strconv.Atoi(d.MessageID)
			if err != nil {
				return bus.Reject
			}
			seenMu.Lock()
			seen[id]++
			seenMu.Unlock()
			deliveries.Add(1)
			return bus.Ack
		})
	if err != nil {
		t.Fatal(err)
	}

	pub, err := pubConn.NewPublisher(ctx, bus.PublisherOptions{Window: 256})
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 64)
	cfs := make([]*bus.Confirmation, n)
	stopped := make(chan error, 1)
	start := time.Now()
	var maxGap time.Duration
	last := time.Now()
	for i := 0; i < n; i++ {
		if i == n/2 {
			go func() {
				_, err := cl.Ctl(ctx, victim.Name, "stop_app")
				stopped <- err
			}()
		}
		cf, err := pub.Publish(ctx, bus.Message{RoutingKey: q, ID: strconv.Itoa(i), Body: body})
		if err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
		cfs[i] = cf
		if now := time.Now(); now.Sub(last) > maxGap {
			maxGap = now.Sub(last)
		}
		last = time.Now()
	}
	publishDur := time.Since(start)
	if err := <-stopped; err != nil {
		t.Fatalf("stop_app: %v", err)
	}
	select {
	case <-reconnected:
	case <-time.After(30 * time.Second):
		t.Fatalf("no reconnect after node %s stopped", victim.Name)
	}
	// Bring the node back while the tail drains.
	if _, err := cl.Ctl(ctx, victim.Name, "start_app"); err != nil {
		t.Fatalf("start_app: %v", err)
	}
	confirmed, failed := 0, 0
	for i, cf := range cfs {
		if err := cf.Wait(ctx); err != nil {
			failed++
			if failed < 5 {
				t.Errorf("message %d not confirmed: %v", i, err)
			}
			continue
		}
		confirmed++
	}
	if err := pub.Close(ctx); err != nil {
		t.Errorf("publisher close: %v", err)
	}
	// Wait for the consumer to see every confirmed message.
	deadline := time.Now().Add(2 * time.Minute)
	var lost int
	for {
		seenMu.Lock()
		lost = 0
		for i, cf := range cfs {
			if isConfirmed(cf) && seen[i] == 0 {
				lost++
			}
		}
		seenMu.Unlock()
		if lost == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	closeCtx, closeCancel := context.WithTimeout(ctx, 10*time.Second)
	defer closeCancel()
	_ = cons.Close(closeCtx)
	seenMu.Lock()
	distinct := len(seen)
	seenMu.Unlock()
	dups := deliveries.Load() - int64(distinct)
	stateMu.Lock()
	recovery := reopenedAt.Sub(lostAt)
	stateMu.Unlock()
	t.Logf("node loss (%s stopped): published %d in %v (%.0f msgs/s), confirmed %d, failed %d, lost %d, duplicates %d, "+
		"reconnect %v (to %s), longest publish stall %v",
		victim.Name, n, publishDur.Round(time.Millisecond), float64(n)/publishDur.Seconds(), confirmed, failed, lost, dups,
		recovery.Round(time.Millisecond), reopenNode, maxGap.Round(time.Millisecond))
	if lost != 0 {
		t.Errorf("lost %d confirmed messages; want 0", lost)
	}
	if confirmed != n {
		t.Errorf("confirmed %d of %d", confirmed, n)
	}
}

func isConfirmed(cf *bus.Confirmation) bool {
	select {
	case <-cf.Done():
		return cf.Wait(context.Background()) == nil
	default:
		return false
	}
}

func redactURL(u string) string {
	// amqp://guest:guest@127.0.0.1:5672/ -> amqp://127.0.0.1:5672/
	for i := 0; i+2 < len(u); i++ {
		if u[i:i+3] == "://" {
			rest := u[i+3:]
			for j := 0; j < len(rest); j++ {
				if rest[j] == '@' {
					return u[:i+3] + rest[j+1:]
				}
				if rest[j] == '/' {
					break
				}
			}
		}
	}
	return u
}
