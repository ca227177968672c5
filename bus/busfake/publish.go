package busfake

import (
	"context"
	"time"

	"github.com/opskit-dev/opskit/bus/driver"
)

func (ch *channel) Publish(ctx context.Context, p driver.Publishing) (uint64, error) {
	b := ch.c.b
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if err := ch.lock(); err != nil {
			return 0, err
		}
		if !b.alarm {
			break
		}
		wait := b.unalarm
		ch.unlock()
		// A blocked connection stops reading: the write waits.
		select {
		case <-wait:
		case <-ch.done:
		case <-ctx.Done():
		}
	}
	defer ch.unlock()
	var seq uint64
	if ch.confirming {
		ch.pubSeq++
		seq = ch.pubSeq
	}
	x := b.exchanges[p.Exchange]
	if x == nil {
		ch.fail(driver.CodeNotFound, "NOT_FOUND - no exchange '%s' in vhost '/'", p.Exchange)
		return seq, nil
	}
	if x.internal {
		ch.fail(driver.CodeAccessRefused, "ACCESS_REFUSED - cannot publish to internal exchange '%s' in vhost '/'", p.Exchange)
		return seq, nil
	}
	msg := p.Message
	msg.Headers = copyTable(msg.Headers)
	msg.Body = append([]byte(nil), msg.Body...)
	queues := b.route(p.Exchange, p.RoutingKey, msg.Headers)
	if len(queues) == 0 {
		if ae, ok := x.args["alternate-exchange"].(string); ok {
			queues = b.route(ae, p.RoutingKey, msg.Headers)
		}
	}
	ack := true
	now := time.Now()
	for _, q := range queues {
		if !q.enqueue(p.Exchange, p.RoutingKey, msg, now) {
			ack = false
		}
	}
	h := ch.handlers
	if len(queues) == 0 && p.Mandatory && h.Return != nil {
		ret := driver.Return{ReplyCode: driver.CodeNoRoute, ReplyText: "NO_ROUTE",
			Exchange: p.Exchange, RoutingKey: p.RoutingKey, Message: msg}
		ch.events.push(func() { h.Return(ret) })
	}
	if ch.confirming && h.Confirm != nil {
		ch.events.push(func() { h.Confirm(seq, ack) })
	}
	return seq, nil
}

// withHeader returns msg with header k set to v, leaving msg's own headers
// (shared with the queued copy) untouched.
func withHeader(msg driver.Message, k string, v any) driver.Message {
	msg.Headers = copyTable(msg.Headers)
	if msg.Headers == nil {
		msg.Headers = driver.Table{}
	}
	msg.Headers[k] = v
	return msg
}

func copyTable(t driver.Table) driver.Table {
	if t == nil {
		return nil
	}
	out := make(driver.Table, len(t))
	for k, v := range t {
		out[k] = v
	}
	return out
}
