package bus_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/bus/busfake"
)

// TestBadInput checks that every kind of bad input gives a typed error that
// names it, before anything reaches the broker, and that passwords never
// appear in errors.
func TestBadInput(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx := context.Background()
	b := busfake.NewBroker()
	dialer := b.Dialer()
	for _, tc := range []struct {
		name  string
		urls  []string
		field string
	}{
		{"empty list", nil, "URLs"},
		{"unparsable", []string{"amqp://user:s3cret@[::1"}, ""},
		{"wrong scheme", []string{"http://user:s3cret@127.0.0.1:5672/"}, "scheme"},
		{"no host", []string{"amqp://"}, "host"},
		{"second bad", []string{"amqp://127.0.0.1:5672/", "amqp//nope"}, "scheme"},
	} {
		_, err := bus.Dial(ctx, bus.Options{URLs: tc.urls, Dialer: dialer})
		var ie *bus.InvalidError
		if !errors.As(err, &ie) || ie.Field != tc.field {
			t.Errorf("%s: Dial = %v; want *InvalidError on %q", tc.name, err, tc.field)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: error leaks the password: %v", tc.name, err)
		}
	}
	if _, err := bus.Dial(ctx, bus.Options{URLs: []string{"amqp://n:1/"}, Dialer: dialer, Heartbeat: -time.Second}); !errors.Is(err, bus.ErrInvalid) {
		t.Errorf("Dial(negative heartbeat) = %v; want ErrInvalid", err)
	}
	if _, err := bus.Dial(ctx, bus.Options{URLs: []string{"amqp://n:1/"}, Dialer: dialer, Backoff: bus.Backoff{Max: -1}}); !errors.Is(err, bus.ErrInvalid) {
		t.Errorf("Dial(negative backoff) = %v; want ErrInvalid", err)
	}
	// Unreachable nodes: every node is tried, the error names them without passwords.
	_, err := bus.Dial(ctx, bus.Options{URLs: []string{"amqp://u:s3cret@127.0.0.1:1/", "amqp://u:s3cret@127.0.0.1:2/"}})
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") || !strings.Contains(err.Error(), "127.0.0.1:2") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Dial(unreachable) = %v", err)
	}

	c, err := bus.Dial(ctx, bus.Options{URLs: []string{"amqp://node1:5672/"}, Dialer: dialer})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	topoCases := []struct {
		name  string
		topo  bus.Topology
		field string
	}{
		{"unknown kind", bus.Topology{Exchanges: []bus.Exchange{{Name: "x", Kind: "x-modulus-hash-typo"}}}, "Kind"},
		{"empty exchange", bus.Topology{Exchanges: []bus.Exchange{{Kind: bus.Direct}}}, "Name"},
		{"long name", bus.Topology{Queues: []bus.Queue{{Name: strings.Repeat("q", 256)}}}, "Name"},
		{"quorum exclusive", bus.Topology{Queues: []bus.Queue{{Name: "q", Type: bus.Quorum, Exclusive: true}}}, "Type"},
		{"stream transient", bus.Topology{Queues: []bus.Queue{{Name: "q", Type: bus.Stream, Transient: true}}}, "Type"},
		{"negative max length", bus.Topology{Queues: []bus.Queue{{Name: "q", MaxLength: -5}}}, "MaxLength"},
		{"overflow typo", bus.Topology{Queues: []bus.Queue{{Name: "q", MaxLength: 5, Overflow: "drop-tail"}}}, "Overflow"},
		{"sub-ms ttl", bus.Topology{Queues: []bus.Queue{{Name: "q", MessageTTL: time.Microsecond}}}, "MessageTTL"},
		{"classic delivery limit", bus.Topology{Queues: []bus.Queue{{Name: "q", DeliveryLimit: 3}}}, "DeliveryLimit"},
		{"dlrk without dlx", bus.Topology{Queues: []bus.Queue{{Name: "q", DeadLetterRoutingKey: "k"}}}, "DeadLetterRoutingKey"},
		{"bad arg type", bus.Topology{Queues: []bus.Queue{{Name: "q", Args: bus.Table{"x-foo": make(chan int)}}}}, "Args[x-foo]"},
		{"bind default exchange", bus.Topology{Bindings: []bus.Binding{{Source: "", Destination: "q"}}}, "Source"},
		{"hash weight", bus.Topology{
			Exchanges: []bus.Exchange{{Name: "h", Kind: bus.ConsistentHash}},
			Bindings:  []bus.Binding{{Source: "h", Destination: "q", Key: "-1"}}}, "Key"},
	}
	for _, tc := range topoCases {
		tc.topo.Queues = append(tc.topo.Queues, bus.Queue{Name: "valid-" + tc.name})
		err := c.Apply(ctx, tc.topo)
		var ie *bus.InvalidError
		if !errors.As(err, &ie) || ie.Field != tc.field {
			t.Errorf("%s: Apply = %v; want *InvalidError on %q", tc.name, err, tc.field)
		}
		if _, err := c.InspectQueue(ctx, "valid-"+tc.name); !errors.Is(err, bus.ErrNotFound) {
			t.Errorf("%s: a valid queue of the rejected topology was declared (err %v)", tc.name, err)
		}
	}
	for _, w := range []int{-1, bus.MaxWindow + 1} {
		if _, err := c.NewPublisher(ctx, bus.PublisherOptions{Window: w}); !errors.Is(err, bus.ErrInvalid) {
			t.Errorf("NewPublisher(Window %d) = %v", w, err)
		}
	}
	p, err := c.NewPublisher(ctx, bus.PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]bus.Message{
		"ttl":        {TTL: -time.Second},
		"long key":   {RoutingKey: strings.Repeat("k", 256)},
		"bad header": {Headers: bus.Table{"h": struct{}{}}},
	} {
		if _, err := p.Publish(ctx, m); !errors.Is(err, bus.ErrInvalid) {
			t.Errorf("Publish(%s) = %v; want ErrInvalid", name, err)
		}
	}
	h := func(context.Context, *bus.Delivery) bus.Action { return bus.Ack }
	for name, o := range map[string]bus.ConsumerOptions{
		"no queue":         {},
		"prefetch too big": {Queue: "q", Prefetch: 70000},
		"negative workers": {Queue: "q", Concurrency: -1},
		"unsupported arg":  {Queue: "q", Args: bus.Table{"x": func() {}}},
	} {
		if _, err := c.Consume(ctx, o, h); !errors.Is(err, bus.ErrInvalid) {
			t.Errorf("Consume(%s) = %v; want ErrInvalid", name, err)
		}
	}
	if _, err := c.Consume(ctx, bus.ConsumerOptions{Queue: "q"}, nil); !errors.Is(err, bus.ErrInvalid) {
		t.Errorf("Consume(nil handler) = %v; want ErrInvalid", err)
	}
	if _, err := c.DeclareWorkerQueues(ctx, bus.WorkerQueues{Name: "w", Count: 0}, nil, nil); !errors.Is(err, bus.ErrInvalid) {
		t.Errorf("DeclareWorkerQueues(Count 0) = %v; want ErrInvalid", err)
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
}
