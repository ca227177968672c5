package bus_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/bus/busfake"
	"github.com/opskit-dev/opskit/bus/driver"
)

// gate blocks binding declares while closed, as a cluster-wide lock held by
// a hung node does.
type gate struct {
	mu   sync.Mutex
	open chan struct{}
}

func newGate() *gate {
	g := &gate{open: make(chan struct{})}
	close(g.open)
	return g
}

func (g *gate) shut() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.open = make(chan struct{})
}

func (g *gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.open:
	default:
		close(g.open)
	}
}

func (g *gate) wait(done <-chan struct{}) {
	g.mu.Lock()
	open := g.open
	g.mu.Unlock()
	select {
	case <-open:
	case <-done:
	}
}

type gatedDialer struct {
	d driver.Dialer
	g *gate
}

func (d gatedDialer) Dial(ctx context.Context, addr string, cfg driver.Config) (driver.Conn, error) {
	c, err := d.d.Dial(ctx, addr, cfg)
	if err != nil {
		return nil, err
	}
	return gatedConn{c, d.g}, nil
}

type gatedConn struct {
	driver.Conn
	g *gate
}

func (c gatedConn) Channel(ctx context.Context) (driver.Channel, error) {
	ch, err := c.Conn.Channel(ctx)
	if err != nil {
		return nil, err
	}
	return gatedChannel{ch, c.g}, nil
}

type gatedChannel struct {
	driver.Channel
	g *gate
}

func (c gatedChannel) QueueBind(b driver.Binding) error {
	c.g.wait(c.Done())
	return c.Channel.QueueBind(b)
}

// TestRedeclareDoesNotBlockFailover makes every binding declare hang after
// a reconnect, as a binding declare does while a frozen node holds the
// cluster's lock (issue 20, item 7): the Conn must report StateOpen within
// RestoreTimeout and publish through the durable binding, which still
// exists, while the redeclare waits in the background; the exclusive queue's
// binding, which has to be redeclared first, is reported as late.
func TestRedeclareDoesNotBlockFailover(t *testing.T) {
	b, g := busfake.NewBroker(), newGate()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opened := make(chan bus.StateChange, 8)
	errs := make(chan error, 16)
	c, err := bus.Dial(ctx, bus.Options{
		URLs:    []string{"amqp://node1:5672/", "amqp://node2:5672/"},
		InOrder: true, Dialer: gatedDialer{b.Dialer(), g},
		Backoff:        bus.Backoff{Initial: time.Millisecond, Max: 10 * time.Millisecond},
		RestoreTimeout: 200 * time.Millisecond,
		OnStateChange: func(sc bus.StateChange) {
			if sc.State == bus.StateOpen {
				opened <- sc
			}
		},
		OnError: func(err error) { errs <- err },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	<-opened
	if err := c.Apply(ctx, bus.Topology{
		Exchanges: []bus.Exchange{{Name: "x", Kind: bus.Direct}},
		Queues:    []bus.Queue{{Name: "durable"}, {Name: "mine", Exclusive: true}},
		Bindings:  []bus.Binding{{Source: "x", Destination: "durable", Key: "k"}, {Source: "x", Destination: "mine", Key: "m"}},
	}); err != nil {
		t.Fatal(err)
	}
	p, err := c.NewPublisher(ctx, bus.PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)

	g.shut()
	defer g.release()
	lostAt := time.Now()
	b.StopNode("node1:5672")
	var sc bus.StateChange
	select {
	case sc = <-opened:
	case <-time.After(3 * time.Second):
		t.Fatal("no StateOpen within 3s while binding declares hang: failover waits for the redeclare")
	}
	took := time.Since(lostAt)
	t.Logf("reopened on %s after %v with binding declares hanging", sc.Node, took.Round(time.Millisecond))
	if !strings.Contains(sc.Node, "node2") {
		t.Errorf("reopened on %s; want node2", sc.Node)
	}
	if took > time.Second {
		t.Errorf("reopened after %v; want about RestoreTimeout (200ms)", took)
	}
	pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
	defer pcancel()
	if err := p.PublishWait(pctx, bus.Message{Exchange: "x", RoutingKey: "k", Body: []byte("after failover")}); err != nil {
		t.Fatalf("publish through the durable binding while the redeclare hangs: %v", err)
	}
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), "not redeclared within") {
			t.Errorf("OnError = %v; want the late exclusive queue's binding reported", err)
		}
	case <-time.After(time.Second):
		t.Error("the late redeclare of the exclusive queue's binding was not reported")
	}
	// Once the lock is released the redeclare completes: the exclusive
	// queue's binding routes again.
	g.release()
	deadline := time.Now().Add(2 * time.Second)
	for {
		err := p.PublishWait(ctx, bus.Message{Exchange: "x", RoutingKey: "m"})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("exclusive queue's binding not restored after the release: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
