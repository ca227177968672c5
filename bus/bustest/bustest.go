// Package bustest is the conformance suite for bus backends: the same
// behavioural cases run against the in-memory broker (bus/busfake) and a real
// RabbitMQ cluster, which is what proves the fake faithful. Run it from a
// test with your own Harness:
//
//	func TestConformance(t *testing.T) {
//		bustest.Run(t, func(t *testing.T) bustest.Harness { return myHarness{} })
//	}
//
// Every case goes through the public bus API, names its entities with a
// random prefix and deletes them afterwards. A Harness may offer optional
// capabilities (Alarmer, Inspecting); the cases that need one it lacks are
// skipped with a message.
package bustest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
)

// Harness gives the suite access to the backend under test.
type Harness interface {
	// Options returns Conn options that reach the broker (all its nodes).
	// The suite may override Name, Backoff and OnStateChange.
	Options() bus.Options
	// Disrupt force-closes every client connection whose name starts with
	// prefix, as a node failure or an operator would.
	Disrupt(ctx context.Context, prefix string) error
}

// Alarmer is an optional Harness upgrade: harnesses that can raise a
// resource alarm (connection.blocked) on the node behind the first URL of
// Options run the back-pressure cases.
type Alarmer interface {
	// SetAlarm raises (true) or clears (false) the alarm.
	SetAlarm(ctx context.Context, on bool) error
}

// Inspecting is an optional Harness upgrade: harnesses that can read the
// broker's entities run the Diff cases.
type Inspecting interface {
	Inspector() bus.Inspector
}

// HarnessMaker returns a harness for one test case.
type HarnessMaker func(t *testing.T) Harness

type testCase struct {
	name string
	fn   func(e *env)
}

// Run runs every case as a subtest of t.
func Run(t *testing.T, newHarness HarnessMaker) {
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			e := newEnv(t, h)
			tc.fn(e)
		})
	}
}

// env is one case's context: a harness, a name prefix and cleanups.
type env struct {
	t      *testing.T
	h      Harness
	prefix string
	ctx    context.Context
	queues map[string]bool
	xs     map[string]bool
}

func newEnv(t *testing.T, h Harness) *env {
	var b [4]byte
	_, _ = rand.Read(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	e := &env{t: t, h: h, prefix: "bustest-" + hex.EncodeToString(b[:]) + "-", ctx: ctx,
		queues: map[string]bool{}, xs: map[string]bool{}}
	t.Cleanup(func() {
		defer cancel()
		if len(e.queues)+len(e.xs) == 0 {
			return
		}
		cctx, ccancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer ccancel()
		opts := h.Options()
		opts.Name = e.prefix + "cleanup"
		c, err := bus.Dial(cctx, opts)
		if err != nil {
			t.Logf("cleanup: %v", err)
			return
		}
		defer c.Close()
		for q := range e.queues {
			if _, err := c.DeleteQueue(cctx, q); err != nil {
				t.Logf("cleanup: %v", err)
			}
		}
		for x := range e.xs {
			if err := c.DeleteExchange(cctx, x); err != nil {
				t.Logf("cleanup: %v", err)
			}
		}
	})
	return e
}

// n returns a unique entity name.
func (e *env) n(s string) string { return e.prefix + s }

// dial opens a Conn named after the case.
func (e *env) dial(mod ...func(*bus.Options)) *bus.Conn {
	e.t.Helper()
	opts := e.h.Options()
	opts.Name = e.prefix + "conn"
	opts.Backoff = bus.Backoff{Initial: 20 * time.Millisecond, Max: 500 * time.Millisecond}
	for _, m := range mod {
		m(&opts)
	}
	c, err := bus.Dial(e.ctx, opts)
	if err != nil {
		e.t.Fatalf("Dial: %v", err)
	}
	e.t.Cleanup(func() { _ = c.Close() })
	return c
}

// apply applies t and registers its entities for deletion.
func (e *env) apply(c *bus.Conn, t bus.Topology) {
	e.t.Helper()
	for _, q := range t.Queues {
		e.queues[q.Name] = true
	}
	for _, x := range t.Exchanges {
		e.xs[x.Name] = true
	}
	if err := c.Apply(e.ctx, t); err != nil {
		e.t.Fatalf("Apply: %v", err)
	}
}

func (e *env) track(t bus.Topology) {
	for _, q := range t.Queues {
		e.queues[q.Name] = true
	}
	for _, x := range t.Exchanges {
		e.xs[x.Name] = true
	}
}

func (e *env) publisher(c *bus.Conn, window int) *bus.Publisher {
	e.t.Helper()
	p, err := c.NewPublisher(e.ctx, bus.PublisherOptions{Window: window})
	if err != nil {
		e.t.Fatalf("NewPublisher: %v", err)
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = p.Close(ctx)
	})
	return p
}

// publish publishes and waits for the confirm, failing the test on error.
func (e *env) publish(p *bus.Publisher, m bus.Message) {
	e.t.Helper()
	if err := p.PublishWait(e.ctx, m); err != nil {
		e.t.Fatalf("PublishWait(%s/%s): %v", m.Exchange, m.RoutingKey, err)
	}
}

// unroutable publishes a message no queue takes and checks that it comes
// back as a *ReturnedError (messages are mandatory by default).
func (e *env) unroutable(p *bus.Publisher, m bus.Message) {
	e.t.Helper()
	err := p.PublishWait(e.ctx, m)
	var re *bus.ReturnedError
	if !errors.As(err, &re) || !errors.Is(err, bus.ErrUnroutable) {
		e.t.Fatalf("PublishWait(%s/%s) = %v; want a *ReturnedError (unroutable)", m.Exchange, m.RoutingKey, err)
	}
}

// ready returns the ready count of queue.
func (e *env) ready(c *bus.Conn, queue string) int {
	e.t.Helper()
	st, err := c.InspectQueue(e.ctx, queue)
	if err != nil {
		e.t.Fatalf("InspectQueue(%s): %v", queue, err)
	}
	return st.Ready
}

// waitReady waits until queue holds want ready messages.
func (e *env) waitReady(c *bus.Conn, queue string, want int) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := e.ready(c, queue)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("queue %s has %d ready messages; want %d", queue, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// take consumes n messages from queue, acking each, and returns them.
func (e *env) take(c *bus.Conn, queue string, n int) []*bus.Delivery {
	e.t.Helper()
	got := make(chan *bus.Delivery, n+64)
	k, err := c.Consume(e.ctx, bus.ConsumerOptions{Queue: queue, Prefetch: 50},
		func(_ context.Context, d *bus.Delivery) bus.Action {
			got <- d
			return bus.Ack
		})
	if err != nil {
		e.t.Fatalf("Consume(%s): %v", queue, err)
	}
	defer k.Close(context.Background())
	var out []*bus.Delivery
	timeout := time.After(15 * time.Second)
	for len(out) < n {
		select {
		case d := <-got:
			out = append(out, d)
		case <-timeout:
			e.t.Fatalf("consumed %d messages from %s; want %d", len(out), queue, n)
		}
	}
	return out
}

func keysOf(ds []*bus.Delivery) map[string]int {
	m := map[string]int{}
	for _, d := range ds {
		m[string(d.Body)]++
	}
	return m
}
