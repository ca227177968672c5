package bus_test

import (
	"context"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	rabbitmq "github.com/wagslane/go-rabbitmq"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// The benchmarks publish and consume 1 KiB persistent messages on node 1 of
// the local cluster, the peers side by side in one family:
//
//	OPSKIT_INTEGRATION=1 go test -run '^$' -bench . -benchtime=20000x ./bus/
const (
	benchWindow   = 256
	benchPrefetch = 200
	benchBodySize = 1024
)

var benchBody = make([]byte, benchBodySize)

func benchQueue(b *testing.B, url string, quorum bool) string {
	b.Helper()
	conn, err := amqp.Dial(url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		b.Fatal(err)
	}
	name := uniq("bus-bench")
	var args amqp.Table
	if quorum {
		args = amqp.Table{"x-queue-type": "quorum"}
	}
	if _, err := ch.QueueDeclare(name, true, false, false, false, args); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		conn, err := amqp.Dial(url)
		if err != nil {
			return
		}
		defer conn.Close()
		if ch, err := conn.Channel(); err == nil {
			_, _ = ch.QueueDelete(name, false, false, false)
		}
	})
	return name
}

func reportRate(b *testing.B, start time.Time) {
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

func BenchmarkPublishConfirmed(b *testing.B) {
	benchPublish(b, false)
}

func BenchmarkPublishConfirmedQuorum(b *testing.B) {
	benchPublish(b, true)
}

func benchPublish(b *testing.B, quorum bool) {
	cl := testenv.RabbitMQ(b)
	url := cl.Nodes[0].AMQPURL
	b.Run("opskit", func(b *testing.B) {
		q := benchQueue(b, url, quorum)
		ctx := context.Background()
		c, err := bus.Dial(ctx, bus.Options{URLs: []string{url}})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		p, err := c.NewPublisher(ctx, bus.PublisherOptions{Window: benchWindow})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if _, err := p.Publish(ctx, bus.Message{RoutingKey: q, Body: benchBody}); err != nil {
				b.Fatal(err)
			}
		}
		if err := p.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		reportRate(b, start)
		b.StopTimer()
		_ = p.Close(ctx)
	})
	b.Run("amqp091", func(b *testing.B) {
		q := benchQueue(b, url, quorum)
		conn, err := amqp.Dial(url)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		ch, err := conn.Channel()
		if err != nil {
			b.Fatal(err)
		}
		if err := ch.Confirm(false); err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		var w confirmWindow
		b.ReportAllocs()
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			w.makeRoom(ctx, b)
			dc, err := ch.PublishWithDeferredConfirm("", q, false, false, amqp.Publishing{
				DeliveryMode: amqp.Persistent, MessageId: bus.NewMessageID(), Body: benchBody})
			if err != nil {
				b.Fatal(err)
			}
			w.add(dc)
		}
		w.drain(ctx, b)
		reportRate(b, start)
	})
	b.Run("gorabbitmq", func(b *testing.B) {
		q := benchQueue(b, url, quorum)
		conn, err := rabbitmq.NewConn(url)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		pub, err := rabbitmq.NewPublisher(conn, rabbitmq.WithPublisherOptionsConfirm)
		if err != nil {
			b.Fatal(err)
		}
		defer pub.Close()
		ctx := context.Background()
		var w confirmWindow
		b.ReportAllocs()
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			w.makeRoom(ctx, b)
			confs, err := pub.PublishWithDeferredConfirmWithContext(ctx, benchBody, []string{q},
				rabbitmq.WithPublishOptionsPersistentDelivery, rabbitmq.WithPublishOptionsMessageID(bus.NewMessageID()))
			if err != nil {
				b.Fatal(err)
			}
			w.add(confs...)
		}
		w.drain(ctx, b)
		reportRate(b, start)
	})
}

// confirmWindow is the peers' pipelined confirm window: at most
// benchWindow confirmations outstanding, oldest waited for first, the same
// bound the opskit publisher runs with.
type confirmWindow struct{ pending []*amqp.DeferredConfirmation }

// makeRoom waits for the oldest confirm when the window is full.
func (w *confirmWindow) makeRoom(ctx context.Context, b *testing.B) {
	if len(w.pending) == benchWindow {
		w.wait(ctx, b, w.pending[0])
		w.pending = w.pending[1:]
	}
}

func (w *confirmWindow) add(dcs ...*amqp.DeferredConfirmation) { w.pending = append(w.pending, dcs...) }

// drain waits for every outstanding confirm.
func (w *confirmWindow) drain(ctx context.Context, b *testing.B) {
	for _, dc := range w.pending {
		w.wait(ctx, b, dc)
	}
	w.pending = nil
}

func (w *confirmWindow) wait(ctx context.Context, b *testing.B, dc *amqp.DeferredConfirmation) {
	if ok, err := dc.WaitContext(ctx); err != nil || !ok {
		b.Fatalf("confirm: %v %v", ok, err)
	}
}

// fill puts n messages into q, untimed.
func fill(b *testing.B, url, q string, n int) {
	b.Helper()
	ctx := context.Background()
	c, err := bus.Dial(ctx, bus.Options{URLs: []string{url}})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	p, err := c.NewPublisher(ctx, bus.PublisherOptions{Window: 1024})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := p.Publish(ctx, bus.Message{RoutingKey: q, Body: benchBody}); err != nil {
			b.Fatal(err)
		}
	}
	if err := p.Close(ctx); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkConsume(b *testing.B) {
	cl := testenv.RabbitMQ(b)
	url := cl.Nodes[0].AMQPURL
	b.Run("opskit", func(b *testing.B) {
		q := benchQueue(b, url, false)
		fill(b, url, q, b.N)
		ctx := context.Background()
		c, err := bus.Dial(ctx, bus.Options{URLs: []string{url}})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		done := make(chan struct{})
		n := 0
		b.ReportAllocs()
		b.ResetTimer()
		start := time.Now()
		k, err := c.Consume(ctx, bus.ConsumerOptions{Queue: q, Prefetch: benchPrefetch},
			func(context.Context, *bus.Delivery) bus.Action {
				n++
				if n == b.N {
					close(done)
				}
				return bus.Ack
			})
		if err != nil {
			b.Fatal(err)
		}
		<-done
		reportRate(b, start)
		b.StopTimer()
		_ = k.Close(ctx)
	})
	b.Run("amqp091", func(b *testing.B) {
		q := benchQueue(b, url, false)
		fill(b, url, q, b.N)
		conn, err := amqp.Dial(url)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		ch, err := conn.Channel()
		if err != nil {
			b.Fatal(err)
		}
		if err := ch.Qos(benchPrefetch, 0, false); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		start := time.Now()
		ds, err := ch.Consume(q, "", false, false, false, false, nil)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			d := <-ds
			if err := d.Ack(false); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b, start)
	})
}
