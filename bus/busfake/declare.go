package busfake

import (
	"fmt"
	"sort"
	"strings"

	"github.com/opskit-dev/opskit/bus/driver"
)

var exchangeKinds = map[string]bool{
	"direct": true, "fanout": true, "topic": true, "headers": true, "x-consistent-hash": true,
}

func describe(v any) string {
	if v == nil {
		return "none"
	}
	return fmt.Sprintf("'%v'", v)
}

func (ch *channel) ExchangeDeclare(e driver.Exchange, passive bool) error {
	if err := ch.lock(); err != nil {
		return err
	}
	defer ch.unlock()
	b := ch.c.b
	x := b.exchanges[e.Name]
	if passive {
		if x == nil {
			return ch.fail(driver.CodeNotFound, "NOT_FOUND - no exchange '%s' in vhost '/'", e.Name)
		}
		return nil
	}
	if !exchangeKinds[e.Kind] {
		return ch.connFail(driver.CodeCommandInvalid, "COMMAND_INVALID - invalid exchange type '%s'", e.Kind)
	}
	if x == nil {
		if strings.HasPrefix(e.Name, "amq.") {
			return ch.fail(driver.CodeAccessRefused, "ACCESS_REFUSED - exchange name '%s' contains reserved prefix 'amq.*'", e.Name)
		}
		b.exchanges[e.Name] = &exchange{name: e.Name, kind: e.Kind, durable: e.Durable,
			autoDelete: e.AutoDelete, internal: e.Internal, args: copyTable(e.Args)}
		return nil
	}
	mismatch := func(arg string, got, cur any) error {
		return ch.fail(driver.CodePreconditionFailed,
			"PRECONDITION_FAILED - inequivalent arg '%s' for exchange '%s' in vhost '/': received %s but current is %s",
			arg, e.Name, describe(got), describe(cur))
	}
	switch {
	case x.kind != e.Kind:
		return mismatch("type", e.Kind, x.kind)
	case x.durable != e.Durable:
		return mismatch("durable", e.Durable, x.durable)
	case x.autoDelete != e.AutoDelete:
		return mismatch("auto_delete", e.AutoDelete, x.autoDelete)
	case x.internal != e.Internal:
		return mismatch("internal", e.Internal, x.internal)
	}
	if got, cur := e.Args["alternate-exchange"], x.args["alternate-exchange"]; (got == nil) != (cur == nil) || (got != nil && !sameValue(got, cur)) {
		return mismatch("alternate-exchange", got, cur)
	}
	return nil
}

func (ch *channel) ExchangeDelete(name string) error {
	if err := ch.lock(); err != nil {
		return err
	}
	defer ch.unlock()
	b := ch.c.b
	if name == "" || strings.HasPrefix(name, "amq.") {
		return ch.fail(driver.CodeAccessRefused, "ACCESS_REFUSED - operation not permitted on exchange '%s' in vhost '/'", name)
	}
	if b.exchanges[name] == nil {
		return nil
	}
	delete(b.exchanges, name)
	for _, x := range b.exchanges {
		x.unbindDest(name, true)
	}
	return nil
}

// queueArgs are the arguments RabbitMQ compares on a redeclare.
var queueArgs = []string{
	"x-dead-letter-exchange", "x-dead-letter-routing-key", "x-expires", "x-max-length",
	"x-max-length-bytes", "x-max-priority", "x-message-ttl", "x-overflow", "x-queue-mode",
	"x-queue-type", "x-delivery-limit", "x-single-active-consumer", "x-quorum-initial-group-size",
	"x-queue-leader-locator", "x-queue-master-locator", "x-dead-letter-strategy", "x-max-in-memory-length",
	"x-max-in-memory-bytes", "x-max-age", "x-stream-max-segment-size-bytes",
}

func (ch *channel) QueueDeclare(spec driver.Queue, passive bool) (driver.QueueState, error) {
	if err := ch.lock(); err != nil {
		return driver.QueueState{}, err
	}
	defer ch.unlock()
	b := ch.c.b
	q := b.queues[spec.Name]
	locked := func() error {
		return ch.fail(driver.CodeResourceLocked,
			"RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '%s' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.", spec.Name)
	}
	if passive {
		if q == nil {
			return driver.QueueState{}, ch.fail(driver.CodeNotFound, "NOT_FOUND - no queue '%s' in vhost '/'", spec.Name)
		}
		if q.exclusive && q.owner != ch.c {
			return driver.QueueState{}, locked()
		}
		return q.state(), nil
	}
	if q == nil {
		if strings.HasPrefix(spec.Name, "amq.") {
			return driver.QueueState{}, ch.fail(driver.CodeAccessRefused, "ACCESS_REFUSED - queue name '%s' contains reserved prefix 'amq.*'", spec.Name)
		}
		qtype, _ := spec.Args["x-queue-type"].(string)
		if qtype == "" {
			qtype = "classic"
		}
		switch qtype {
		case "classic":
		case "quorum", "stream":
			if !spec.Durable || spec.Exclusive || spec.AutoDelete {
				return driver.QueueState{}, ch.fail(driver.CodePreconditionFailed,
					"PRECONDITION_FAILED - invalid property 'non-durable, exclusive or auto-delete' for queue '%s' in vhost '/'", spec.Name)
			}
		default:
			return driver.QueueState{}, ch.fail(driver.CodePreconditionFailed,
				"PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue '%s' in vhost '/': \"unsupported queue type '%s'\"", spec.Name, qtype)
		}
		q = &queue{b: b, name: spec.Name, durable: spec.Durable, autoDelete: spec.AutoDelete,
			exclusive: spec.Exclusive, args: copyTable(spec.Args), qtype: qtype, node: ch.c.node}
		if spec.Exclusive {
			q.owner = ch.c
		}
		b.queues[spec.Name] = q
		return q.state(), nil
	}
	if q.exclusive && q.owner != ch.c {
		return driver.QueueState{}, locked()
	}
	mismatch := func(arg string, got, cur any) error {
		return ch.fail(driver.CodePreconditionFailed,
			"PRECONDITION_FAILED - inequivalent arg '%s' for queue '%s' in vhost '/': received %s but current is %s",
			arg, spec.Name, describe(got), describe(cur))
	}
	switch {
	case q.durable != spec.Durable:
		return driver.QueueState{}, mismatch("durable", spec.Durable, q.durable)
	case q.exclusive != spec.Exclusive:
		return driver.QueueState{}, locked()
	case q.autoDelete != spec.AutoDelete:
		return driver.QueueState{}, mismatch("auto_delete", spec.AutoDelete, q.autoDelete)
	}
	for _, k := range queueArgs {
		got, cur := spec.Args[k], q.args[k]
		if k == "x-queue-type" {
			if got == nil {
				continue // a declare without a type takes the existing type
			}
			cur = q.qtype
		}
		if (got == nil) != (cur == nil) || (got != nil && !sameValue(got, cur)) {
			return driver.QueueState{}, mismatch(k, got, cur)
		}
	}
	return q.state(), nil
}

func (q *queue) state() driver.QueueState {
	return driver.QueueState{Name: q.name, Messages: len(q.ready), Consumers: len(q.consumers)}
}

func (ch *channel) QueueDelete(name string) (int, error) {
	if err := ch.lock(); err != nil {
		return 0, err
	}
	defer ch.unlock()
	q := ch.c.b.queues[name]
	if q == nil {
		return 0, nil
	}
	if q.exclusive && q.owner != ch.c {
		return 0, ch.fail(driver.CodeResourceLocked, "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '%s' in vhost '/'", name)
	}
	return ch.c.b.deleteQueue(q), nil
}

func (ch *channel) QueuePurge(name string) (int, error) {
	if err := ch.lock(); err != nil {
		return 0, err
	}
	defer ch.unlock()
	q := ch.c.b.queues[name]
	if q == nil {
		return 0, ch.fail(driver.CodeNotFound, "NOT_FOUND - no queue '%s' in vhost '/'", name)
	}
	n := len(q.ready)
	q.ready = nil
	return n, nil
}

func (ch *channel) bind(bd driver.Binding, toExchange, unbind bool) error {
	if err := ch.lock(); err != nil {
		return err
	}
	defer ch.unlock()
	b := ch.c.b
	if bd.Source == "" || (toExchange && bd.Destination == "") {
		return ch.fail(driver.CodeAccessRefused, "ACCESS_REFUSED - operation not permitted on the default exchange")
	}
	x := b.exchanges[bd.Source]
	if x == nil {
		return ch.fail(driver.CodeNotFound, "NOT_FOUND - no exchange '%s' in vhost '/'", bd.Source)
	}
	if toExchange {
		if b.exchanges[bd.Destination] == nil {
			return ch.fail(driver.CodeNotFound, "NOT_FOUND - no exchange '%s' in vhost '/'", bd.Destination)
		}
	} else {
		q := b.queues[bd.Destination]
		if q == nil {
			return ch.fail(driver.CodeNotFound, "NOT_FOUND - no queue '%s' in vhost '/'", bd.Destination)
		}
		if q.exclusive && q.owner != ch.c {
			return ch.fail(driver.CodeResourceLocked, "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '%s' in vhost '/'", bd.Destination)
		}
	}
	for i, old := range x.bindings {
		if old.dest == bd.Destination && old.toExchange == toExchange && old.key == bd.Key && sameValue(normTable(old.args), normTable(bd.Args)) {
			if unbind {
				x.bindings = append(x.bindings[:i:i], x.bindings[i+1:]...)
			}
			return nil
		}
	}
	if !unbind {
		x.bindings = append(x.bindings, &binding{dest: bd.Destination, toExchange: toExchange, key: bd.Key, args: copyTable(bd.Args)})
	}
	return nil
}

func normTable(t driver.Table) driver.Table {
	if t == nil {
		return driver.Table{}
	}
	return t
}

func (ch *channel) QueueBind(b driver.Binding) error      { return ch.bind(b, false, false) }
func (ch *channel) QueueUnbind(b driver.Binding) error    { return ch.bind(b, false, true) }
func (ch *channel) ExchangeBind(b driver.Binding) error   { return ch.bind(b, true, false) }
func (ch *channel) ExchangeUnbind(b driver.Binding) error { return ch.bind(b, true, true) }

// QueueInfo is a snapshot of one queue, for tests and Diff.
type QueueInfo struct {
	Name      string
	Durable   bool
	Exclusive bool
	Args      driver.Table
	Ready     int
	Unacked   int
	Consumers int
}

// Queues returns a snapshot of every queue, sorted by name.
func (b *Broker) Queues() []QueueInfo {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []QueueInfo
	for _, q := range b.queues {
		qi := QueueInfo{Name: q.name, Durable: q.durable, Exclusive: q.exclusive,
			Args: copyTable(q.args), Ready: len(q.ready), Consumers: len(q.consumers)}
		for c := range b.conns {
			for ch := range c.channels {
				for _, u := range ch.unacked {
					if u.q == q {
						qi.Unacked++
					}
				}
			}
		}
		out = append(out, qi)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
