package bustest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/opskit-dev/opskit/bus"
)

type stateLog struct {
	mu     sync.Mutex
	states []bus.State
}

func (l *stateLog) add(sc bus.StateChange) {
	l.mu.Lock()
	l.states = append(l.states, sc.State)
	l.mu.Unlock()
}

func (l *stateLog) saw(s bus.State) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, x := range l.states {
		if x == s {
			return true
		}
	}
	return false
}

func (e *env) disrupt() {
	e.t.Helper()
	if err := e.h.Disrupt(e.ctx, e.prefix+"conn"); err != nil {
		e.t.Fatalf("Disrupt: %v", err)
	}
}

func waitOpen(e *env, c *bus.Conn, log *stateLog) {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if s, _ := c.State(); s == bus.StateOpen && log.saw(bus.StateReconnecting) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.t.Fatalf("connection did not recover; states %v", log.states)
}

func testRecoveryConsumer(e *env) {
	log := &stateLog{}
	c := e.dial(func(o *bus.Options) { o.OnStateChange = log.add })
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	var got sync.Map
	var n atomic.Int32
	k, err := c.Consume(e.ctx, bus.ConsumerOptions{Queue: q, Concurrency: 2, Prefetch: 10},
		func(_ context.Context, d *bus.Delivery) bus.Action {
			if _, dup := got.LoadOrStore(string(d.Body), true); !dup {
				n.Add(1)
			}
			return bus.Ack
		})
	if err != nil {
		e.t.Fatal(err)
	}
	defer k.Close(e.ctx)
	p := e.publisher(c, 16)
	publishN(e, p, q, 10)
	e.disrupt()
	waitOpen(e, c, log)
	for i := 10; i < 20; i++ {
		e.publish(p, bus.Message{RoutingKey: q, Body: []byte(itoa(i))})
	}
	deadline := time.Now().Add(20 * time.Second)
	for n.Load() < 20 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n.Load() != 20 {
		e.t.Errorf("consumed %d distinct messages across recovery; want 20", n.Load())
	}
}

func testRecoveryRepublish(e *env) {
	log := &stateLog{}
	c := e.dial(func(o *bus.Options) { o.OnStateChange = log.add })
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	p := e.publisher(c, 64)
	const n = 400
	var cfs []*bus.Confirmation
	for i := 0; i < n; i++ {
		if i == n/2 {
			e.disrupt()
		}
		cf, err := p.Publish(e.ctx, bus.Message{RoutingKey: q, ID: "id-" + itoa(i), Body: []byte(itoa(i))})
		if err != nil {
			e.t.Fatalf("Publish %d: %v", i, err)
		}
		cfs = append(cfs, cf)
	}
	for i, cf := range cfs {
		if err := cf.Wait(e.ctx); err != nil {
			e.t.Fatalf("confirm %d: %v", i, err)
		}
	}
	if !log.saw(bus.StateReconnecting) {
		e.t.Fatalf("no reconnect observed; states %v", log.states)
	}
	ready := e.ready(c, q)
	if ready < n {
		e.t.Fatalf("ready = %d; want >= %d (no confirmed message lost)", ready, n)
	}
	got := keysOf(e.take(c, q, ready))
	for i := 0; i < n; i++ {
		if got[itoa(i)] == 0 {
			e.t.Errorf("confirmed message %d lost", i)
		}
	}
	e.t.Logf("republished duplicates: %d", ready-n)
}

func testRecoveryTopology(e *env) {
	log := &stateLog{}
	c := e.dial(func(o *bus.Options) { o.OnStateChange = log.add })
	x, q := e.n("x"), e.n("q")
	// An exclusive queue dies with its connection: recovery must redeclare it
	// and its binding.
	e.apply(c, bus.Topology{
		Exchanges: []bus.Exchange{{Name: x, Kind: bus.Direct}},
		Queues:    []bus.Queue{{Name: q, Exclusive: true, Transient: true}},
		Bindings:  []bus.Binding{{Source: x, Destination: q, Key: "k"}},
	})
	e.disrupt()
	waitOpen(e, c, log)
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{Exchange: x, RoutingKey: "k", Body: []byte("after")})
	if got := e.ready(c, q); got != 1 {
		e.t.Errorf("ready in restored exclusive queue = %d; want 1", got)
	}
}

func testCloseIsPrompt(e *env) {
	c := e.dial()
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	p, err := c.NewPublisher(e.ctx, bus.PublisherOptions{Window: 8})
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i < 8; i++ {
		if _, err := p.Publish(e.ctx, bus.Message{RoutingKey: q}); err != nil {
			e.t.Fatal(err)
		}
	}
	block := make(chan struct{})
	defer close(block)
	_, err = c.Consume(e.ctx, bus.ConsumerOptions{Queue: q, Prefetch: 100}, func(context.Context, *bus.Delivery) bus.Action {
		<-block
		return bus.Ack
	})
	if err != nil {
		e.t.Fatal(err)
	}
	// Nobody reads confirms, the handler is stuck, nothing was flushed.
	start := time.Now()
	done := make(chan struct{})
	go func() { _ = c.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		e.t.Fatalf("Conn.Close did not return within 5s")
	}
	if _, err := p.Publish(e.ctx, bus.Message{RoutingKey: q}); err == nil {
		e.t.Errorf("Publish after Conn.Close succeeded")
	}
	e.t.Logf("Close took %v", time.Since(start))
}

func testBlocked(e *env) {
	al, ok := e.h.(Alarmer)
	if !ok {
		e.t.Skip("harness cannot raise alarms")
	}
	c := e.dial(func(o *bus.Options) { o.URLs = o.URLs[:1] })
	q := e.n("q")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q}}})
	p := e.publisher(c, 8)
	e.publish(p, bus.Message{RoutingKey: q})
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := al.SetAlarm(ctx, false); err != nil {
			e.t.Errorf("clear alarm: %v", err)
		}
	})
	if err := al.SetAlarm(e.ctx, true); err != nil {
		e.t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	var err error
	for !c.Blocked() && time.Now().Before(deadline) {
		// RabbitMQ blocks a connection once it publishes during the alarm.
		ctx, cancel := context.WithTimeout(e.ctx, 500*time.Millisecond)
		_, _ = p.Publish(ctx, bus.Message{RoutingKey: q})
		cancel()
		time.Sleep(20 * time.Millisecond)
	}
	if !c.Blocked() {
		e.t.Fatalf("connection never reported blocked")
	}
	ctx, cancel := context.WithTimeout(e.ctx, 300*time.Millisecond)
	start := time.Now()
	_, err = p.Publish(ctx, bus.Message{RoutingKey: q})
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		e.t.Errorf("Publish while blocked = %v; want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		e.t.Errorf("Publish while blocked took %v", d)
	}
	if err := al.SetAlarm(e.ctx, false); err != nil {
		e.t.Fatal(err)
	}
	e.publish(p, bus.Message{RoutingKey: q})
	if err := p.Flush(e.ctx); err != nil {
		e.t.Fatalf("Flush after the alarm cleared: %v", err)
	}
	if c.Blocked() {
		e.t.Errorf("still blocked after the alarm cleared")
	}
}

func testCloseFromCallback(e *env) {
	closed := make(chan error, 1)
	var c *bus.Conn
	ready := make(chan struct{})
	c = e.dial(func(o *bus.Options) {
		o.OnStateChange = func(sc bus.StateChange) {
			<-ready
			if sc.State == bus.StateReconnecting {
				closed <- c.Close()
			}
		}
	})
	close(ready)
	e.disrupt()
	select {
	case err := <-closed:
		if err != nil {
			e.t.Errorf("Close from OnStateChange = %v", err)
		}
	case <-time.After(20 * time.Second):
		e.t.Fatalf("Close called from OnStateChange did not return")
	}
	if s, _ := c.State(); s != bus.StateClosed {
		e.t.Errorf("state after Close = %v", s)
	}
}
