package bus

import (
	"context"
	"fmt"

	"github.com/opskit-dev/opskit/bus/driver"
)

// Apply validates t, then declares its exchanges, queues and bindings, in that
// order. Declaring what already exists with the same properties is a no-op,
// so Apply is idempotent. A redeclare with different properties returns a
// *ConflictError naming the entity and the argument. Invalid input returns an
// *InvalidError and nothing is declared. The Conn remembers t and redeclares
// it after every reconnect.
func (c *Conn) Apply(ctx context.Context, t Topology) error {
	if err := t.Validate(); err != nil {
		return err
	}
	ch, err := c.channel(ctx)
	if err != nil {
		return err
	}
	defer ch.Close()
	if err := t.declare(ch); err != nil {
		return err
	}
	c.topo.add(t)
	return nil
}

// DeleteQueue deletes a queue and returns how many messages it held. The
// Conn stops redeclaring it after reconnects.
func (c *Conn) DeleteQueue(ctx context.Context, name string) (int, error) {
	ch, err := c.channel(ctx)
	if err != nil {
		return 0, err
	}
	defer ch.Close()
	n, err := ch.QueueDelete(name)
	if err != nil {
		return 0, wrapBroker(fmt.Sprintf("delete queue %q", name), err)
	}
	c.topo.forget(func(t Topology) Topology {
		var qs []Queue
		for _, q := range t.Queues {
			if q.Name != name {
				qs = append(qs, q)
			}
		}
		var bs []Binding
		for _, b := range t.Bindings {
			if b.ToExchange || b.Destination != name {
				bs = append(bs, b)
			}
		}
		t.Queues, t.Bindings = qs, bs
		return t
	})
	return n, nil
}

// DeleteExchange deletes an exchange. The Conn stops redeclaring it.
func (c *Conn) DeleteExchange(ctx context.Context, name string) error {
	ch, err := c.channel(ctx)
	if err != nil {
		return err
	}
	defer ch.Close()
	if err := ch.ExchangeDelete(name); err != nil {
		return wrapBroker(fmt.Sprintf("delete exchange %q", name), err)
	}
	c.topo.forget(func(t Topology) Topology {
		var es []Exchange
		for _, e := range t.Exchanges {
			if e.Name != name {
				es = append(es, e)
			}
		}
		var bs []Binding
		for _, b := range t.Bindings {
			if b.Source != name && !(b.ToExchange && b.Destination == name) {
				bs = append(bs, b)
			}
		}
		t.Exchanges, t.Bindings = es, bs
		return t
	})
	return nil
}

// PurgeQueue removes a queue's ready messages and returns how many it removed.
func (c *Conn) PurgeQueue(ctx context.Context, name string) (int, error) {
	ch, err := c.channel(ctx)
	if err != nil {
		return 0, err
	}
	defer ch.Close()
	n, err := ch.QueuePurge(name)
	return n, wrapBroker(fmt.Sprintf("purge queue %q", name), err)
}

// QueueState is what a passive declare reports about a queue.
type QueueState struct {
	// Name is the queue's name.
	Name string
	// Ready is the number of messages ready for delivery.
	Ready int
	// Consumers is the number of consumers on the queue.
	Consumers int
}

// InspectQueue passively declares a queue and reports its ready messages and
// consumers. It returns an error matching ErrNotFound if there is no such queue.
func (c *Conn) InspectQueue(ctx context.Context, name string) (QueueState, error) {
	ch, err := c.channel(ctx)
	if err != nil {
		return QueueState{}, err
	}
	defer ch.Close()
	st, err := ch.QueueDeclare(driver.Queue{Name: name}, true)
	if err != nil {
		return QueueState{}, wrapBroker(fmt.Sprintf("inspect queue %q", name), err)
	}
	return QueueState{Name: st.Name, Ready: st.Messages, Consumers: st.Consumers}, nil
}
