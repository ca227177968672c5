package busfake

import (
	"context"
	"fmt"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/bus/driver"
)

var _ bus.Inspector = (*Broker)(nil)

func notFound(kind, name string) error {
	return &bus.BrokerError{Op: "inspect", Code: driver.CodeNotFound,
		Reason: fmt.Sprintf("NOT_FOUND - no %s '%s' in vhost '/'", kind, name)}
}

func tableMap(t driver.Table) map[string]any {
	out := map[string]any{}
	for k, v := range t {
		out[k] = v
	}
	return out
}

// Exchange reports an exchange as the management API would (bus.Inspector).
func (b *Broker) Exchange(_ context.Context, name string) (bus.MgmtExchange, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	x := b.exchanges[name]
	if x == nil {
		return bus.MgmtExchange{}, notFound("exchange", name)
	}
	return bus.MgmtExchange{Name: x.name, Type: x.kind, Durable: x.durable, AutoDelete: x.autoDelete,
		Internal: x.internal, Arguments: tableMap(x.args)}, nil
}

// Queue reports a queue as the management API would (bus.Inspector).
func (b *Broker) Queue(_ context.Context, name string) (bus.MgmtQueue, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	q := b.queues[name]
	if q == nil {
		return bus.MgmtQueue{}, notFound("queue", name)
	}
	args := tableMap(q.args)
	out := bus.MgmtQueue{Name: q.name, Type: q.qtype, Durable: q.durable, AutoDelete: q.autoDelete,
		Exclusive: q.exclusive, Arguments: args, Node: "fake@" + q.node,
		MessagesReady: len(q.ready), Consumers: len(q.consumers)}
	if q.qtype == "quorum" {
		out.Leader = out.Node
	}
	for c := range b.conns {
		for ch := range c.channels {
			for _, u := range ch.unacked {
				if u.q == q {
					out.MessagesUnacknowledged++
				}
			}
		}
	}
	out.Messages = out.MessagesReady + out.MessagesUnacknowledged
	return out, nil
}

// BindingsFrom lists the bindings whose source is exchange (bus.Inspector).
func (b *Broker) BindingsFrom(_ context.Context, exchange string) ([]bus.MgmtBinding, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	x := b.exchanges[exchange]
	if x == nil {
		return nil, notFound("exchange", exchange)
	}
	var out []bus.MgmtBinding
	for _, bd := range x.bindings {
		dt := "queue"
		if bd.toExchange {
			dt = "exchange"
		}
		out = append(out, bus.MgmtBinding{Source: exchange, Destination: bd.dest, DestinationType: dt,
			RoutingKey: bd.key, Arguments: tableMap(bd.args)})
	}
	return out, nil
}
