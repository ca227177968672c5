package bustest

import (
	"context"
	"fmt"
	"time"

	"github.com/opskit-dev/opskit/bus"
)

// streamReader is a consumer of a stream queue that collects what it reads.
type streamReader struct {
	got chan *bus.Delivery
	k   *bus.Consumer
}

func (e *env) readStream(c *bus.Conn, q string, offset any) *streamReader {
	e.t.Helper()
	r := &streamReader{got: make(chan *bus.Delivery, 256)}
	k, err := c.Consume(e.ctx, bus.ConsumerOptions{Queue: q, Prefetch: 10, Args: bus.Table{"x-stream-offset": offset}},
		func(_ context.Context, d *bus.Delivery) bus.Action {
			r.got <- d
			return bus.Ack
		})
	if err != nil {
		e.t.Fatalf("Consume(%s, offset %v): %v", q, offset, err)
	}
	e.t.Cleanup(func() { _ = k.Close(context.Background()) })
	r.k = k
	return r
}

// expect reads exactly the bodies want, in order, then nothing more for a
// moment; each delivery carries its x-stream-offset.
func (r *streamReader) expect(e *env, what string, want ...string) {
	e.t.Helper()
	timeout := time.After(15 * time.Second)
	var prev int64 = -1
	for i, w := range want {
		select {
		case d := <-r.got:
			if string(d.Body) != w {
				e.t.Fatalf("%s: delivery %d = %q; want %q", what, i, d.Body, w)
			}
			off, ok := d.Headers["x-stream-offset"].(int64)
			if !ok || off <= prev {
				e.t.Fatalf("%s: delivery %d has x-stream-offset %#v after %d", what, i, d.Headers["x-stream-offset"], prev)
			}
			prev = off
		case <-timeout:
			e.t.Fatalf("%s: read %d of %v", what, i, want)
		}
	}
	select {
	case d := <-r.got:
		e.t.Fatalf("%s: unexpected extra delivery %q", what, d.Body)
	case <-time.After(300 * time.Millisecond):
	}
}

// testStreamConsume reads a stream from several offsets: reading does not
// remove, every reader has its own position, and "next" sees only new
// messages.
func testStreamConsume(e *env) {
	c := e.dial()
	q := e.n("s")
	e.apply(c, bus.Topology{Queues: []bus.Queue{{Name: q, Type: bus.Stream}}})
	p := e.publisher(c, 8)
	for i := range 5 {
		e.publish(p, bus.Message{RoutingKey: q, Body: []byte(fmt.Sprint(i))})
	}
	e.readStream(c, q, "first").expect(e, "first", "0", "1", "2", "3", "4")
	// Acked reads leave the stream whole for the next reader.
	e.readStream(c, q, "first").expect(e, "first again", "0", "1", "2", "3", "4")
	e.readStream(c, q, int64(3)).expect(e, "offset 3", "3", "4")
	next := e.readStream(c, q, "next")
	next.expect(e, "next, before publishing")
	e.publish(p, bus.Message{RoutingKey: q, Body: []byte("5")})
	next.expect(e, "next", "5")
	e.readStream(c, q, "first").expect(e, "first after more", "0", "1", "2", "3", "4", "5")
}
