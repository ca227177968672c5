package bus_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestClassicQueueNodeDown publishes confirmed messages, with the default
// (mandatory) flag, to a classic queue while the queue's node is stopped and
// started again. The broker cannot route to a classic queue whose node is
// down; without the mandatory flag it confirms and drops such messages
// (issue 20, item 9: 25,042 of 50,000 confirmed messages lost). With it they
// must fail with ErrUnroutable (or ErrNacked, which RabbitMQ sends once it
// knows the queue is down), and every message confirmed must be consumed
// once the node is back: 0 lost among the confirmed.
func TestClassicQueueNodeDown(t *testing.T) {
	cl := testenv.RabbitMQ(t)
	if len(cl.Nodes) < 3 {
		t.Skip("needs a 3-node cluster")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	a, qnode := cl.Nodes[0], cl.Nodes[2]
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer ccancel()
		if _, err := cl.Ctl(cctx, qnode.Name, "start_app"); err != nil {
			t.Errorf("restore: %v", err)
		}
		if _, err := cl.Ctl(cctx, qnode.Name, "await_startup"); err != nil {
			t.Errorf("await_startup: %v", err)
		}
	})
	backoff := bus.Backoff{Initial: 50 * time.Millisecond, Max: time.Second}
	owner, err := bus.Dial(ctx, bus.Options{URLs: []string{qnode.AMQPURL}, Name: "bus-nodedown-owner", Backoff: backoff})
	if err != nil {
		t.Fatal(err)
	}
	q := uniq("bus-nodedown")
	if err := owner.Apply(ctx, bus.Topology{Queues: []bus.Queue{{Name: q, Type: bus.Classic, LeaderLocator: "client-local"}}}); err != nil {
		t.Fatal(err)
	}
	_ = owner.Close()
	pubConn, err := bus.Dial(ctx, bus.Options{URLs: []string{a.AMQPURL}, Name: "bus-nodedown-pub", Backoff: backoff})
	if err != nil {
		t.Fatal(err)
	}
	defer pubConn.Close()
	defer pubConn.DeleteQueue(context.Background(), q)
	pub, err := pubConn.NewPublisher(ctx, bus.PublisherOptions{Window: 256})
	if err != nil {
		t.Fatal(err)
	}

	// Publish while the queue's node stops, stays down for 1 s, and returns.
	var cfs []*bus.Confirmation
	stopped := make(chan error, 1)
	var downOnce sync.Once
	var downAt time.Time
	body := make([]byte, 64)
	for i := 0; ; i++ {
		if i == 1000 {
			go func() {
				_, err := cl.Ctl(ctx, qnode.Name, "stop_app")
				downOnce.Do(func() { downAt = time.Now() })
				stopped <- err
			}()
		}
		if i > 1000 {
			select {
			case err := <-stopped:
				if err != nil {
					t.Fatalf("stop_app: %v", err)
				}
				stopped = nil
			default:
			}
			if stopped == nil && time.Since(downAt) > time.Second {
				break
			}
		}
		cf, err := pub.Publish(ctx, bus.Message{RoutingKey: q, ID: strconv.Itoa(i), Body: body})
		if err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
		cfs = append(cfs, cf)
	}
	if err := pub.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	confirmed, returned, nacked, other := map[string]bool{}, 0, 0, 0
	for _, cf := range cfs {
		switch err := cf.Wait(ctx); {
		case err == nil:
			confirmed[cf.ID()] = true
		case errors.Is(err, bus.ErrUnroutable):
			returned++
		case errors.Is(err, bus.ErrNacked):
			nacked++ // the broker refused it: a failure the caller sees, not a loss
		default:
			if other++; other <= 5 {
				t.Errorf("message %s: %v", cf.ID(), err)
			}
		}
	}
	if _, err := cl.Ctl(ctx, qnode.Name, "start_app"); err != nil {
		t.Fatalf("start_app: %v", err)
	}
	if _, err := cl.Ctl(ctx, qnode.Name, "await_startup"); err != nil {
		t.Fatalf("await_startup: %v", err)
	}

	var (
		mu   sync.Mutex
		seen = map[string]int{}
	)
	cons, err := pubConn.Consume(ctx, bus.ConsumerOptions{Queue: q, Prefetch: 500, Concurrency: 2},
		func(_ context.Context, d *bus.Delivery) bus.Action {
			mu.Lock()
			seen[d.MessageID]++
			mu.Unlock()
			return bus.Ack
		})
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close(context.Background())
	lost := 0
	for deadline := time.Now().Add(time.Minute); ; {
		mu.Lock()
		lost = 0
		for id := range confirmed {
			if seen[id] == 0 {
				lost++
			}
		}
		mu.Unlock()
		if lost == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("published %d to a classic queue on %s, stopped mid-publish: confirmed %d, returned unroutable %d, nacked %d, lost %d",
		len(cfs), qnode.Name, len(confirmed), returned, nacked, lost)
	if returned+nacked == 0 {
		t.Errorf("no message was returned: the node was not down while publishing?")
	}
	if lost != 0 {
		t.Errorf("lost %d confirmed messages; want 0", lost)
	}
}
