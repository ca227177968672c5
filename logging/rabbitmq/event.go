package rabbitmq

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opskit-dev/opskit/logging"
)

func (s *Source) event(d *amqp.Delivery, acker *deliveryAcker) logging.Event {
	ts := d.Timestamp
	if v, ok := d.Headers["timestamp_in_ms"]; ok {
		if ms, ok := toInt(v); ok {
			ts = time.UnixMilli(ms)
		}
	}
	if ts.IsZero() {
		ts = time.Now()
	}
	fields := map[string]string{"exchange": d.Exchange, "routing_key": d.RoutingKey}
	var msg []byte
	if d.Exchange == LogExchange {
		// The broker's log: the body is the formatted line and the routing
		// key its level.
		msg = bytes.TrimRight(d.Body, "\r\n")
		fields["level"] = d.RoutingKey
	} else {
		// An event: everything is in the headers, so they become the
		// message as one JSON object.
		doc := map[string]any{"routing_key": d.RoutingKey}
		if len(d.Headers) > 0 {
			doc["headers"] = jsonable(d.Headers)
		}
		if len(d.Body) > 0 {
			doc["body"] = string(d.Body)
		}
		var err error
		if msg, err = json.Marshal(doc); err != nil {
			msg = []byte(fmt.Sprintf(`{"routing_key":%q,"error":%q}`, d.RoutingKey, err.Error()))
		}
	}
	for _, k := range []string{"name", "vhost", "user", "user_who_performed_action", "node"} {
		if v, ok := d.Headers[k]; ok {
			fields[k] = fmt.Sprint(jsonable(v))
		}
	}
	return logging.Event{Time: ts, Message: msg, Stream: s.opts.Stream, Source: d.Exchange, Fields: fields,
		Acker: acker, Offset: int64(d.DeliveryTag)}
}

func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int32:
		return int64(n), true
	case int:
		return int64(n), true
	case uint64:
		return int64(n), true
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		return i, err == nil
	}
	return 0, false
}

// jsonable converts AMQP table values to JSON-friendly ones.
func jsonable(v any) any {
	switch x := v.(type) {
	case amqp.Table:
		m := make(map[string]any, len(x))
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			m[k] = jsonable(x[k])
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = jsonable(x[i])
		}
		return out
	case []byte:
		return string(x)
	case amqp.Decimal:
		return fmt.Sprintf("%de-%d", x.Value, x.Scale)
	}
	return v
}
