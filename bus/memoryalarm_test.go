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

// TestMemoryAlarm lowers the memory watermark on the node the publisher uses
// so the broker raises an alarm and blocks publishers: a publish with a
// deadline must return the context's error instead of hanging, and
// publishing must resume once the alarm clears.
func TestMemoryAlarm(t *testing.T) {
	cl := testenv.RabbitMQ(t)
	node := cl.Nodes[0]
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := bus.Dial(ctx, bus.Options{URLs: []string{node.AMQPURL}, Name: "bus-memalarm"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	q := uniq("bus-memalarm")
	if err := conn.Apply(ctx, bus.Topology{Queues: []bus.Queue{{Name: q}}}); err != nil {
		t.Fatal(err)
	}
	defer conn.DeleteQueue(context.Background(), q)
	pub, err := conn.NewPublisher(ctx, bus.PublisherOptions{Window: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		_ = pub.Close(cctx)
	}()
	if err := pub.PublishWait(ctx, bus.Message{RoutingKey: q, Body: []byte("before")}); err != nil {
		t.Fatal(err)
	}

	restore := func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer ccancel()
		if _, err := cl.Ctl(cctx, node.Name, "set_vm_memory_high_watermark", "0.4"); err != nil {
			t.Errorf("restore watermark: %v", err)
		}
	}
	t.Cleanup(restore)
	if _, err := cl.Ctl(ctx, node.Name, "set_vm_memory_high_watermark", "0.000001"); err != nil {
		t.Fatal(err)
	}

	// Publishes with a deadline return the context's error instead of hanging.
	var blockedErr error
	for i := 0; i < 5 && blockedErr == nil; i++ {
		pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
		start := time.Now()
		err := pub.PublishWait(pctx, bus.Message{RoutingKey: q, Body: []byte("during-" + strconv.Itoa(i))})
		pcancel()
		if took := time.Since(start); took > 4*time.Second {
			t.Fatalf("publish with a 2s deadline took %v", took)
		}
		if err != nil {
			blockedErr = err
		}
	}
	if !errors.Is(blockedErr, context.DeadlineExceeded) {
		t.Fatalf("publish during alarm = %v; want context.DeadlineExceeded", blockedErr)
	}
	waitFor(t, 10*time.Second, "connection.blocked", conn.Blocked)
	t.Logf("publish during alarm: %v", blockedErr)
	// Once blocked is known, Publish itself waits (back-pressure) and gives up
	// with the context's error without writing.
	pctx, pcancel := context.WithTimeout(ctx, time.Second)
	_, err = pub.Publish(pctx, bus.Message{RoutingKey: q, Body: []byte("while-blocked")})
	pcancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Publish while blocked = %v; want context.DeadlineExceeded", err)
	}

	restore()
	waitFor(t, 30*time.Second, "connection.unblocked", func() bool { return !conn.Blocked() })
	if err := pub.PublishWait(ctx, bus.Message{RoutingKey: q, Body: []byte("after")}); err != nil {
		t.Fatalf("publish after the alarm cleared: %v", err)
	}
	if err := pub.Flush(ctx); err != nil {
		t.Fatalf("flush after alarm: %v", err)
	}
}
