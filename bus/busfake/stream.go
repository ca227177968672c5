package busfake

import (
	"fmt"
	"strconv"
	"time"
)

// Stream queues keep every message in an append-only log; consumers read
// from an offset they choose (x-stream-offset) and each keeps its own
// position, acks release prefetch room and remove nothing, and nothing is
// requeued or dead-lettered. Retention (x-max-length-bytes, x-max-age) is
// not applied: the log only grows.

// streamEntry is one message in a stream's log.
type streamEntry struct {
	m  *qmsg
	at time.Time
}

// streamStart resolves an x-stream-offset argument to a log position, as
// RabbitMQ does: "first", "last", "next" (the default), an offset, a
// timestamp, or an interval such as "1h" or "7D" back from now. Callers
// hold b.mu.
func (q *queue) streamStart(arg any, now time.Time) (int64, error) {
	n := int64(len(q.log))
	switch v := arg.(type) {
	case nil:
		return n, nil
	case string:
		switch v {
		case "first":
			return 0, nil
		case "last":
			return max(n-1, 0), nil
		case "next":
			return n, nil
		}
		d, err := streamInterval(v)
		if err != nil {
			return 0, err
		}
		return q.streamAt(now.Add(-d)), nil
	case time.Time:
		return q.streamAt(v), nil
	}
	off, ok := toInt(arg)
	if !ok || off < 0 {
		return 0, fmt.Errorf("invalid x-stream-offset %v (%T)", arg, arg)
	}
	return min(off, n), nil
}

// streamAt is the position of the first message appended at or after t.
func (q *queue) streamAt(t time.Time) int64 {
	for i, e := range q.log {
		if !e.at.Before(t) {
			return int64(i)
		}
	}
	return int64(len(q.log))
}

// streamInterval parses RabbitMQ's interval offsets: a positive number and
// one unit of Y, M, D, h, m or s.
func streamInterval(s string) (time.Duration, error) {
	units := map[byte]time.Duration{'Y': 365 * 24 * time.Hour, 'M': 30 * 24 * time.Hour, 'D': 24 * time.Hour,
		'h': time.Hour, 'm': time.Minute, 's': time.Second}
	if len(s) < 2 {
		return 0, fmt.Errorf("invalid x-stream-offset %q", s)
	}
	unit, ok := units[s[len(s)-1]]
	n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
	if !ok || err != nil || n <= 0 {
		return 0, fmt.Errorf("invalid x-stream-offset %q", s)
	}
	return time.Duration(n) * unit, nil
}

// dispatchStream hands each consumer the log entries past its position,
// within its prefetch. Callers hold b.mu.
func (q *queue) dispatchStream() {
	for _, c := range q.consumers {
		for c.hasRoom() && c.pos < int64(len(q.log)) {
			m := *q.log[c.pos].m
			m.msg = withHeader(m.msg, "x-stream-offset", c.pos)
			c.pos++
			c.deliver(&m)
		}
	}
}
