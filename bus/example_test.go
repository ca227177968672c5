package bus_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/bus/busfake"
)

// Connecting to a cluster: the Conn picks a random node and recovers on
// another one when it loses its node.
func ExampleDial() {
	ctx := context.Background()
	c, err := bus.Dial(ctx, bus.Options{
		URLs: []string{
			"amqp://guest:guest@127.0.0.1:5672/",
			"amqp://guest:guest@127.0.0.1:5673/",
			"amqp://guest:guest@127.0.0.1:5674/",
		},
		Name: "billing-worker",
		OnStateChange: func(sc bus.StateChange) {
			log.Printf("bus: %s %s %v", sc.State, sc.Node, sc.Err)
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}

// Testing with the in-memory broker: the same API, no server.
func ExampleDial_fake() {
	ctx := context.Background()
	broker := busfake.NewBroker()
	c, err := bus.Dial(ctx, bus.Options{URLs: []string{"amqp://node1:5672/"}, Dialer: broker.Dialer()})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	state, node := c.State()
	fmt.Println(state, node)
	// Output: open amqp://node1:5672/
}

// Declaring topology as code: exchanges, quorum queues with dead-lettering,
// and an exchange-to-exchange binding. Apply is idempotent.
func ExampleConn_Apply() {
	ctx := context.Background()
	c, _ := bus.Dial(ctx, bus.Options{URLs: []string{"amqp://node1:5672/"}, Dialer: busfake.NewBroker().Dialer()})
	defer c.Close()
	topo := bus.Topology{
		Exchanges: []bus.Exchange{
			{Name: "events", Kind: bus.Topic},
			{Name: "orders", Kind: bus.Topic, Internal: true},
			{Name: "dead", Kind: bus.Fanout},
		},
		Queues: []bus.Queue{
			{Name: "orders.billing", Type: bus.Quorum, DeliveryLimit: 5, DeadLetterExchange: "dead"},
			{Name: "dead-letters"},
		},
		Bindings: []bus.Binding{
			{Source: "events", Destination: "orders", ToExchange: true, Key: "order.#"},
			{Source: "orders", Destination: "orders.billing", Key: "order.paid"},
			{Source: "dead", Destination: "dead-letters"},
		},
	}
	fmt.Println(c.Apply(ctx, topo), c.Apply(ctx, topo))

	// A conflicting redeclare names the entity and the argument.
	err := c.Apply(ctx, bus.Topology{Queues: []bus.Queue{{Name: "dead-letters", Type: bus.Quorum}}})
	var conflict *bus.ConflictError
	if errors.As(err, &conflict) {
		fmt.Println(conflict.Kind, conflict.Name, conflict.Argument)
	}
	// Output:
	// <nil> <nil>
	// queue dead-letters x-queue-type
}

// Publishing with confirms: Publish pipelines up to Window unconfirmed
// messages; Flush waits for all of them.
func ExamplePublisher_Publish() {
	ctx := context.Background()
	c, _ := bus.Dial(ctx, bus.Options{URLs: []string{"amqp://node1:5672/"}, Dialer: busfake.NewBroker().Dialer()})
	defer c.Close()
	_ = c.Apply(ctx, bus.Topology{Queues: []bus.Queue{{Name: "jobs"}}})

	p, err := c.NewPublisher(ctx, bus.PublisherOptions{Window: 256})
	if err != nil {
		log.Fatal(err)
	}
	for i := 0; i < 1000; i++ {
		if _, err := p.Publish(ctx, bus.Message{RoutingKey: "jobs", Body: []byte("work")}); err != nil {
			log.Fatal(err)
		}
	}
	if err := p.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	// An unroutable message comes back as an error (messages are mandatory
	// unless DropUnroutable is set).
	err = p.PublishWait(ctx, bus.Message{RoutingKey: "no-such-queue"})
	fmt.Println(errors.Is(err, bus.ErrUnroutable))

	closeCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	fmt.Println(p.Close(closeCtx))
	st, _ := c.InspectQueue(ctx, "jobs")
	fmt.Println(st.Ready)
	// Output:
	// true
	// <nil>
	// 1000
}

// Consuming with a worker pool: the handler's verdict acks, requeues or
// dead-letters each delivery.
func ExampleConn_Consume() {
	ctx := context.Background()
	c, _ := bus.Dial(ctx, bus.Options{URLs: []string{"amqp://node1:5672/"}, Dialer: busfake.NewBroker().Dialer()})
	defer c.Close()
	_ = c.Apply(ctx, bus.Topology{Queues: []bus.Queue{{Name: "jobs"}}})
	p, _ := c.NewPublisher(ctx, bus.PublisherOptions{})
	_ = p.PublishWait(ctx, bus.Message{RoutingKey: "jobs", ID: "job-1", Body: []byte("resize image")})

	done := make(chan string, 1)
	k, err := c.Consume(ctx, bus.ConsumerOptions{Queue: "jobs", Concurrency: 8, Prefetch: 16},
		func(ctx context.Context, d *bus.Delivery) bus.Action {
			done <- d.MessageID + ": " + string(d.Body)
			return bus.Ack
		})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(<-done)
	fmt.Println(k.Close(ctx))
	// Output:
	// job-1: resize image
	// <nil>
}

// Spreading work over the cluster: N quorum queues with balanced leaders
// behind a consistent-hash exchange. With a Management client the layout
// names each queue's leader, and PreferURL puts its node first for the
// queue's consumers.
func ExampleConn_DeclareWorkerQueues() {
	ctx := context.Background()
	c, _ := bus.Dial(ctx, bus.Options{URLs: []string{"amqp://node1:5672/"}, Dialer: busfake.NewBroker().Dialer()})
	defer c.Close()
	layout, err := c.DeclareWorkerQueues(ctx, bus.WorkerQueues{Name: "resize", Count: 3,
		Queue: bus.Queue{DeliveryLimit: 5}}, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	p, _ := c.NewPublisher(ctx, bus.PublisherOptions{})
	for _, key := range []string{"img-1", "img-2", "img-3", "img-4"} {
		_ = p.PublishWait(ctx, bus.Message{Exchange: layout.Exchange, RoutingKey: key})
	}
	total := 0
	for _, q := range layout.Queues {
		m, _ := bus.QueueMetrics(ctx, c, nil, q.Name)
		total += m.Ready
	}
	fmt.Println(layout.Exchange, len(layout.Queues), total)
	// Output: resize 3 4
}

// Checking a topology before applying it: every problem is reported, each
// naming its input and field, and nothing is declared.
func ExampleTopology_Validate() {
	err := bus.Topology{
		Exchanges: []bus.Exchange{{Name: "jobs", Kind: "fan-out"}},
		Queues:    []bus.Queue{{Name: "work", Type: bus.Quorum, Exclusive: true}},
	}.Validate()
	fmt.Println(errors.Is(err, bus.ErrInvalid))
	var problems bus.InvalidErrors
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Println(p.Input, p.Field)
		}
	}
	// Output:
	// true
	// exchange "jobs" Kind
	// queue "work" Type
}

// Finding drift: Diff compares a Topology with what the broker has, here
// through the fake broker (a *bus.Management does the same against the
// management API).
func ExampleDiff() {
	ctx := context.Background()
	broker := busfake.NewBroker()
	c, _ := bus.Dial(ctx, bus.Options{URLs: []string{"amqp://node1:5672/"}, Dialer: broker.Dialer()})
	defer c.Close()
	_ = c.Apply(ctx, bus.Topology{Queues: []bus.Queue{{Name: "jobs", MaxLength: 100}}})

	diffs, err := bus.Diff(ctx, broker, bus.Topology{
		Queues: []bus.Queue{{Name: "jobs", MaxLength: 500}, {Name: "audit"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range diffs {
		fmt.Println(d)
	}
	// Output:
	// queue jobs: x-max-length is 100, want 500
	// queue audit: missing
}

// Reading a queue's depth for an autoscaler: without a management API the
// figures come from a passive declare (ready messages and consumers only).
func ExampleQueueMetrics() {
	ctx := context.Background()
	c, _ := bus.Dial(ctx, bus.Options{URLs: []string{"amqp://node1:5672/"}, Dialer: busfake.NewBroker().Dialer()})
	defer c.Close()
	_ = c.Apply(ctx, bus.Topology{Queues: []bus.Queue{{Name: "jobs"}}})
	p, _ := c.NewPublisher(ctx, bus.PublisherOptions{})
	for range 3 {
		_ = p.PublishWait(ctx, bus.Message{RoutingKey: "jobs"})
	}
	_ = p.Close(ctx)

	m, err := bus.QueueMetrics(ctx, c, nil, "jobs")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Name, m.Ready, m.Consumers, m.Source)
	// Output: jobs 3 0 passive-declare
}
