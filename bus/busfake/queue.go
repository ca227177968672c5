package busfake

import (
	"strconv"
	"time"

	"github.com/opskit-dev/opskit/bus/driver"
)

type queue struct {
	b          *Broker
	name       string
	durable    bool
	autoDelete bool
	exclusive  bool
	owner      *conn
	args       driver.Table
	qtype      string
	// node is where the queue lives: the declaring connection's node.
	node string

	ready     []*qmsg
	log       []streamEntry // stream queues only
	consumers []*consumer
	rr        int
	hadCons   bool
	timer     *time.Timer
	deleted   bool
}

type qmsg struct {
	exchange    string
	key         string
	msg         driver.Message
	redelivered bool
	count       int // failed deliveries (returns), quorum queues
	expires     time.Time
}

func (q *queue) intArg(name string) (int64, bool) {
	v, ok := q.args[name]
	if !ok {
		return 0, false
	}
	return toInt(v)
}

func (q *queue) strArg(name string) (string, bool) {
	v, ok := q.args[name]
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// enqueue adds a published message; it returns false when the queue rejects
// it (reject-publish overflow). Callers hold b.mu.
func (q *queue) enqueue(exchange, key string, m driver.Message, now time.Time) bool {
	qm := &qmsg{exchange: exchange, key: key, msg: m}
	if q.qtype == "stream" {
		q.log = append(q.log, streamEntry{m: qm, at: now})
		q.dispatchStream()
		return true
	}
	ttl, hasTTL := q.intArg("x-message-ttl")
	if m.Expiration != "" {
		if e, err := strconv.ParseInt(m.Expiration, 10, 64); err == nil && (!hasTTL || e < ttl) {
			ttl, hasTTL = e, true
		}
	}
	if hasTTL {
		qm.expires = now.Add(time.Duration(ttl) * time.Millisecond)
	}
	overflow, _ := q.strArg("x-overflow")
	if q.full(1, len(m.Body)) && (overflow == "reject-publish" || overflow == "reject-publish-dlx") {
		if overflow == "reject-publish-dlx" {
			q.deadLetter(qm, "maxlen")
		}
		return false
	}
	q.ready = append(q.ready, qm)
	for q.full(0, 0) && len(q.ready) > 0 {
		head := q.ready[0]
		q.ready = q.ready[1:]
		q.deadLetter(head, "maxlen")
	}
	q.dispatch()
	return true
}

// full reports whether adding n messages of size bytes exceeds the limits.
func (q *queue) full(n, size int) bool {
	if max, ok := q.intArg("x-max-length"); ok && int64(len(q.ready)+n) > max {
		return true
	}
	if max, ok := q.intArg("x-max-length-bytes"); ok {
		total := size
		for _, m := range q.ready {
			total += len(m.msg.Body)
		}
		if int64(total) > max {
			return true
		}
	}
	return false
}

// requeue returns a delivered message to the head of the queue, counting
// the failed delivery and dead-lettering it past the delivery limit.
func (q *queue) requeue(m *qmsg) {
	if q.deleted || q.qtype == "stream" {
		return
	}
	m.redelivered = true
	if q.qtype == "quorum" {
		m.count++
		if limit, ok := q.intArg("x-delivery-limit"); ok && limit >= 0 && int64(m.count) > limit {
			q.deadLetter(m, "delivery_limit")
			return
		}
	}
	q.ready = append([]*qmsg{m}, q.ready...)
}

// expire removes expired ready messages. Callers hold b.mu.
func (q *queue) expire(now time.Time) {
	kept := q.ready[:0]
	var dead []*qmsg
	for _, m := range q.ready {
		if !m.expires.IsZero() && !now.Before(m.expires) {
			dead = append(dead, m)
			continue
		}
		kept = append(kept, m)
	}
	for i := len(kept); i < len(q.ready); i++ {
		q.ready[i] = nil
	}
	q.ready = kept
	for _, m := range dead {
		q.deadLetter(m, "expired")
	}
}

// schedule arms a timer for the earliest expiry among ready messages.
func (q *queue) schedule(now time.Time) {
	var next time.Time
	for _, m := range q.ready {
		if !m.expires.IsZero() && (next.IsZero() || m.expires.Before(next)) {
			next = m.expires
		}
	}
	if next.IsZero() {
		return
	}
	if q.timer != nil {
		q.timer.Stop()
	}
	q.timer = time.AfterFunc(next.Sub(now), func() {
		q.b.mu.Lock()
		defer q.b.mu.Unlock()
		if !q.deleted {
			q.dispatch()
		}
	})
}

// deadLetter routes m to the queue's dead-letter exchange, if any.
func (q *queue) deadLetter(m *qmsg, reason string) {
	dlx, ok := q.strArg("x-dead-letter-exchange")
	if !ok || q.qtype == "stream" {
		return
	}
	key := m.key
	if k, ok := q.strArg("x-dead-letter-routing-key"); ok {
		key = k
	}
	msg := m.msg
	headers := driver.Table{}
	for k, v := range msg.Headers {
		headers[k] = v
	}
	delete(headers, "x-delivery-count")
	death := driver.Table{
		"count": int64(1), "reason": reason, "queue": q.name,
		"time": time.Now().Truncate(time.Second), "exchange": m.exchange,
		"routing-keys": []any{m.key},
	}
	if msg.Expiration != "" {
		death["original-expiration"] = msg.Expiration
		msg.Expiration = ""
	}
	var deaths []any
	if old, ok := headers["x-death"].([]any); ok {
		for _, d := range old {
			t, ok := d.(driver.Table)
			if ok && t["queue"] == q.name && t["reason"] == reason {
				n, _ := toInt(t["count"])
				death["count"] = n + 1
				continue
			}
			deaths = append(deaths, d)
		}
	}
	headers["x-death"] = append([]any{death}, deaths...)
	if _, ok := headers["x-first-death-reason"]; !ok {
		headers["x-first-death-reason"] = reason
		headers["x-first-death-queue"] = q.name
		headers["x-first-death-exchange"] = m.exchange
	}
	msg.Headers = headers
	now := time.Now()
	for _, target := range q.b.route(dlx, key, headers) {
		if target == q && reason != "rejected" && reason != "expired" {
			continue // RabbitMQ drops dead-letter cycles that were not rejected
		}
		target.enqueue(dlx, key, msg, now)
	}
}

// dispatch hands ready messages to consumers with prefetch room, round-robin.
// Callers hold b.mu.
func (q *queue) dispatch() {
	if q.qtype == "stream" {
		q.dispatchStream()
		return
	}
	now := time.Now()
	q.expire(now)
	for len(q.ready) > 0 {
		c := q.pick()
		if c == nil {
			break
		}
		m := q.ready[0]
		q.ready[0] = nil
		q.ready = q.ready[1:]
		c.deliver(m)
	}
	q.schedule(now)
}

func (q *queue) pick() *consumer {
	n := len(q.consumers)
	if n == 0 {
		return nil
	}
	if sac, _ := q.args["x-single-active-consumer"].(bool); sac {
		if c := q.consumers[0]; c.hasRoom() {
			return c
		}
		return nil
	}
	for i := 0; i < n; i++ {
		c := q.consumers[(q.rr+i)%n]
		if c.hasRoom() {
			q.rr = (q.rr + i + 1) % n
			return c
		}
	}
	return nil
}

func (q *queue) removeConsumer(c *consumer) {
	for i, x := range q.consumers {
		if x == c {
			q.consumers = append(q.consumers[:i], q.consumers[i+1:]...)
			break
		}
	}
	if q.autoDelete && q.hadCons && len(q.consumers) == 0 {
		q.b.deleteQueue(q)
	}
}

// deleteQueue removes q and its bindings. Callers hold b.mu.
func (b *Broker) deleteQueue(q *queue) int {
	n := len(q.ready)
	q.deleted = true
	if q.timer != nil {
		q.timer.Stop()
	}
	delete(b.queues, q.name)
	for _, x := range b.exchanges {
		x.unbindDest(q.name, false)
	}
	for _, c := range append([]*consumer(nil), q.consumers...) {
		c.ch.cancelByBroker(c)
	}
	q.consumers = nil
	return n
}

func (x *exchange) unbindDest(dest string, toExchange bool) {
	kept := x.bindings[:0]
	for _, bd := range x.bindings {
		if bd.dest == dest && bd.toExchange == toExchange {
			continue
		}
		kept = append(kept, bd)
	}
	x.bindings = kept
}
