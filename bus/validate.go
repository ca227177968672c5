package bus

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// problems collects every problem found in one input, in order.
type problems []*InvalidError

func (ps *problems) add(input, field, format string, args ...any) {
	*ps = append(*ps, invalid(input, field, format, args...))
}

// err returns nil when there is no problem, else every problem as InvalidErrors.
func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return InvalidErrors(ps)
}

// Validate checks the whole topology without contacting the broker. It
// reports every problem it finds, as InvalidErrors, in declaration order:
// exchanges, queues, bindings.
func (t Topology) Validate() error {
	var ps problems
	kinds := map[string]ExchangeKind{}
	for _, e := range t.Exchanges {
		e.check(&ps)
		kinds[e.Name] = e.Kind
	}
	for _, q := range t.Queues {
		q.check(&ps)
	}
	for _, b := range t.Bindings {
		b.check(&ps, kinds)
	}
	return ps.err()
}

func validName(name string) bool { return len(name) <= 255 }

// check adds the exchange's problems to ps.
func (e Exchange) check(ps *problems) {
	in := e.input()
	switch {
	case e.Name == "":
		ps.add(in, "Name", "must not be empty (the default exchange cannot be declared)")
	case !validName(e.Name):
		ps.add(in, "Name", "longer than 255 bytes")
	}
	switch e.Kind {
	case Direct, Fanout, Topic, Headers, ConsistentHash:
	default:
		ps.add(in, "Kind", "unknown exchange kind %q", e.Kind)
	}
	if e.HashHeader != "" && e.Kind != ConsistentHash {
		ps.add(in, "HashHeader", "only for %s exchanges", ConsistentHash)
	}
	checkTable(ps, in, "Args", e.Args)
}

// check adds the queue's problems to ps.
func (q Queue) check(ps *problems) {
	in := q.input()
	switch {
	case q.Name == "":
		ps.add(in, "Name", "must not be empty (server-named queues cannot be recovered)")
	case !validName(q.Name):
		ps.add(in, "Name", "longer than 255 bytes")
	}
	switch q.Type {
	case "", Classic:
	case Quorum, Stream:
		if q.Transient || q.Exclusive || q.AutoDelete {
			ps.add(in, "Type", "%s queues must be durable, not exclusive and not auto-delete", q.Type)
		}
	default:
		ps.add(in, "Type", "unknown queue type %q", q.Type)
	}
	switch {
	case q.DeliveryLimit < 0:
		ps.add(in, "DeliveryLimit", "negative (%d)", q.DeliveryLimit)
	case q.DeliveryLimit > 0 && q.Type != Quorum:
		ps.add(in, "DeliveryLimit", "only quorum queues have a delivery limit")
	}
	if q.MaxLength < 0 {
		ps.add(in, "MaxLength", "negative (%d)", q.MaxLength)
	}
	if q.MaxLengthBytes < 0 {
		ps.add(in, "MaxLengthBytes", "negative (%d)", q.MaxLengthBytes)
	}
	switch q.Overflow {
	case "", DropHead, RejectPublish:
	case RejectPublishDLX:
		if q.Type == Quorum {
			ps.add(in, "Overflow", "quorum queues do not support %s", RejectPublishDLX)
		}
	default:
		ps.add(in, "Overflow", "unknown overflow %q", q.Overflow)
	}
	if q.MessageTTL < 0 || (q.MessageTTL > 0 && q.MessageTTL < time.Millisecond) {
		ps.add(in, "MessageTTL", "must be zero or at least 1ms (got %v)", q.MessageTTL)
	}
	if q.SingleActiveConsumer && q.Type == Stream {
		ps.add(in, "SingleActiveConsumer", "not supported on streams over AMQP 0-9-1")
	}
	switch q.LeaderLocator {
	case "", "client-local", "balanced":
	default:
		ps.add(in, "LeaderLocator", "unknown locator %q (want client-local or balanced)", q.LeaderLocator)
	}
	if q.DeadLetterRoutingKey != "" && q.DeadLetterExchange == "" {
		ps.add(in, "DeadLetterRoutingKey", "set without DeadLetterExchange")
	}
	checkTable(ps, in, "Args", q.Args)
}

// check adds the binding's problems to ps; kinds maps the topology's
// exchanges to their kinds.
func (b Binding) check(ps *problems, kinds map[string]ExchangeKind) {
	in := b.input()
	if b.Source == "" {
		ps.add(in, "Source", "the default exchange cannot be bound")
	}
	if b.Destination == "" {
		ps.add(in, "Destination", "must not be empty")
	}
	if kinds[b.Source] == ConsistentHash {
		if w, err := strconv.Atoi(b.Key); err != nil || w <= 0 {
			ps.add(in, "Key", "consistent-hash binding keys are positive weights, got %q", b.Key)
		}
	}
	checkTable(ps, in, "Args", b.Args)
}

// checkArgs rejects argument values AMQP field tables cannot carry; field
// names the table ("Args", "Headers") in the error.
func checkArgs(input, field string, t Table) error {
	var ps problems
	checkTable(&ps, input, field, t)
	if len(ps) == 0 {
		return nil
	}
	return ps[0]
}

// checkTable adds a problem for every value of t (field "Args" or
// "Headers") that an AMQP field table cannot carry, in key order.
func checkTable(ps *problems, input, field string, t Table) {
	var bad []string
	for k, v := range t {
		if !validValue(v) {
			bad = append(bad, k)
		}
	}
	slices.Sort(bad)
	for _, k := range bad {
		ps.add(input, fmt.Sprintf("%s[%s]", field, k), "unsupported value type %T", t[k])
	}
}

func validValue(v any) bool {
	switch v := v.(type) {
	case nil, bool, int, int8, int16, int32, int64, uint8, uint16, uint32, float32, float64,
		string, []byte, time.Time:
		return true
	case []any:
		for _, e := range v {
			if !validValue(e) {
				return false
			}
		}
		return true
	case Table:
		for _, e := range v {
			if !validValue(e) {
				return false
			}
		}
		return true
	}
	return false
}
