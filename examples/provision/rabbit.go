package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/opskit-dev/opskit/bus"
)

// rabbitStep is the RabbitMQ topology: exchanges, queues, bindings and
// worker queues spread over the cluster (bus). Plan is bus.Diff through
// the management API (or the fake broker), Apply is Conn.Apply.
type rabbitStep struct {
	w *world
	// dial opens the connection; inspect reads what the broker has.
	dial    func(ctx context.Context) (*bus.Conn, error)
	inspect bus.Inspector
}

func (s *rabbitStep) Name() string { return "rabbitmq" }

// topology is the file's topology with the worker queues' own.
func (s *rabbitStep) topology() (bus.Topology, error) {
	c := s.w.cfg.RabbitMQ
	var t bus.Topology
	for _, e := range c.Exchanges {
		t.Exchanges = append(t.Exchanges, bus.Exchange{Name: e.Name, Kind: bus.ExchangeKind(e.Kind)})
	}
	for _, q := range c.Queues {
		t.Queues = append(t.Queues, bus.Queue{Name: q.Name, Type: bus.QueueType(q.Type), DeadLetterExchange: q.DeadLetterExchange,
			DeliveryLimit: q.DeliveryLimit, MaxLength: q.MaxLength})
	}
	for _, b := range c.Bindings {
		t.Bindings = append(t.Bindings, bus.Binding{Source: b.From, Destination: b.To, ToExchange: b.ToExchange, Key: b.Key})
	}
	for _, wq := range c.WorkerQueues {
		wt, err := bus.WorkerQueues{Name: wq.Name, Count: wq.Count, Queue: bus.Queue{DeliveryLimit: wq.DeliveryLimit}}.Topology()
		if err != nil {
			return t, err
		}
		t.Exchanges = append(t.Exchanges, wt.Exchanges...)
		t.Queues = append(t.Queues, wt.Queues...)
		t.Bindings = append(t.Bindings, wt.Bindings...)
		if wq.From != "" {
			t.Bindings = append(t.Bindings, bus.Binding{Source: wq.From, Destination: wq.Name, ToExchange: true, Key: wq.Key})
		}
	}
	return t, t.Validate()
}

func (s *rabbitStep) diff(ctx context.Context) (bus.Topology, []string, error) {
	t, err := s.topology()
	if err != nil {
		return t, nil, err
	}
	ds, err := bus.Diff(ctx, s.inspect, t)
	if err != nil {
		return t, nil, err
	}
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return t, out, nil
}

func (s *rabbitStep) Plan(ctx context.Context) ([]string, error) {
	_, out, err := s.diff(ctx)
	return out, err
}

func (s *rabbitStep) Apply(ctx context.Context) ([]string, error) {
	t, out, err := s.diff(ctx)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	conn, err := s.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := conn.Apply(ctx, t); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *rabbitStep) Destroy(ctx context.Context) ([]string, error) {
	t, err := s.topology()
	if err != nil {
		return nil, err
	}
	conn, err := s.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var done []string
	for _, q := range t.Queues {
		if _, err := s.inspect.Queue(ctx, q.Name); errors.Is(err, bus.ErrNotFound) {
			continue
		} else if err != nil {
			return done, err
		}
		n, err := conn.DeleteQueue(ctx, q.Name)
		if err != nil {
			return done, err
		}
		done = append(done, fmt.Sprintf("delete queue %s (%d messages)", q.Name, n))
	}
	for i := len(t.Exchanges) - 1; i >= 0; i-- {
		name := t.Exchanges[i].Name
		if _, err := s.inspect.Exchange(ctx, name); errors.Is(err, bus.ErrNotFound) {
			continue
		} else if err != nil {
			return done, err
		}
		if err := conn.DeleteExchange(ctx, name); err != nil {
			return done, err
		}
		done = append(done, "delete exchange "+name+" (and its bindings)")
	}
	return done, nil
}
