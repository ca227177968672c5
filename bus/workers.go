package bus

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// WorkerQueues describes N quorum queues spread over the cluster behind one
// routing exchange: more queues means more cores and nodes doing the work.
type WorkerQueues struct {
	// Name is the exchange's name; queues are named Name.0 … Name.N-1.
	Name string
	// Count is the number of queues (N), at least 1.
	Count int
	// Queue is a template for every queue's arguments (dead-lettering,
	// delivery limit, ...). Its Name is ignored, its Type is forced to
	// Quorum and its LeaderLocator defaults to "balanced".
	Queue Queue
	// HashHeader, if set, hashes this header instead of the routing key.
	HashHeader string
}

// WorkerQueue is one declared worker queue.
type WorkerQueue struct {
	// Name is the queue's name.
	Name string
	// Leader is the Erlang node leading the queue, e.g. rabbit2@host; empty
	// when no management API was given.
	Leader string
	// URL is the AMQP URL of the leader's node, when nodeURLs named it.
	URL string
}

// WorkerLayout is the result of DeclareWorkerQueues.
type WorkerLayout struct {
	// Exchange is the consistent-hash exchange to publish to; the routing key
	// (or HashHeader) picks the queue, so one key always reaches one queue.
	Exchange string
	// Queues are the worker queues, in binding order.
	Queues []WorkerQueue
}

// Topology returns the entities DeclareWorkerQueues declares.
func (w WorkerQueues) Topology() (Topology, error) {
	if w.Count < 1 || w.Count > 1000 {
		return Topology{}, invalid(fmt.Sprintf("worker queues %q", w.Name), "Count", "must be within 1..1000 (got %d)", w.Count)
	}
	t := Topology{Exchanges: []Exchange{{Name: w.Name, Kind: ConsistentHash, HashHeader: w.HashHeader}}}
	for i := 0; i < w.Count; i++ {
		q := w.Queue
		q.Name = w.Name + "." + strconv.Itoa(i)
		q.Type = Quorum
		if q.LeaderLocator == "" {
			q.LeaderLocator = "balanced"
		}
		t.Queues = append(t.Queues, q)
		t.Bindings = append(t.Bindings, Binding{Source: w.Name, Destination: q.Name, Key: "1"})
	}
	return t, t.Validate()
}

// DeclareWorkerQueues declares w's exchange and quorum queues (leaders placed
// by the "balanced" locator) and reports which node leads each queue, asking
// the management API m (may be nil). nodeURLs maps node names to AMQP URLs so
// each WorkerQueue can carry the URL consumers should connect to; see
// PreferURL.
func (c *Conn) DeclareWorkerQueues(ctx context.Context, w WorkerQueues, m *Management, nodeURLs map[string]string) (WorkerLayout, error) {
	t, err := w.Topology()
	if err != nil {
		return WorkerLayout{}, err
	}
	if err := c.Apply(ctx, t); err != nil {
		return WorkerLayout{}, err
	}
	out := WorkerLayout{Exchange: w.Name}
	for _, q := range t.Queues {
		wq := WorkerQueue{Name: q.Name}
		if m != nil {
			mq, err := m.Queue(ctx, q.Name)
			if err != nil {
				return out, fmt.Errorf("bus: leader of %q: %w", q.Name, err)
			}
			wq.Leader = mq.Leader
			if wq.Leader == "" {
				wq.Leader = mq.Node
			}
			wq.URL = nodeURLs[wq.Leader]
		}
		out.Queues = append(out.Queues, wq)
	}
	return out, nil
}

// PreferURL returns all with first moved to the front (added if absent), for
// Options{URLs: PreferURL(q.URL, urls), InOrder: true}: connect to the
// queue's leader when it is up, to the other nodes otherwise.
func PreferURL(first string, all []string) []string {
	out := make([]string, 0, len(all)+1)
	if first != "" {
		out = append(out, first)
	}
	for _, u := range all {
		if u != first {
			out = append(out, u)
		}
	}
	return out
}

// WorkerConsumers is a set of consumers over worker queues, each on a
// connection to its queue's leader node.
type WorkerConsumers struct {
	conns     map[string]*Conn // by preferred URL
	consumers []*Consumer
}

// ConsumeWorkerQueues starts one consumer (with opts; opts.Queue is ignored)
// on every queue of layout. Queues whose leader URL is known share a Conn
// dialled to that node first (base.URLs reordered with PreferURL, InOrder);
// the others share a Conn over base. Each Conn recovers on its own.
func ConsumeWorkerQueues(ctx context.Context, layout WorkerLayout, base Options, opts ConsumerOptions, h Handler) (*WorkerConsumers, error) {
	if len(layout.Queues) == 0 {
		return nil, invalid("worker layout", "Queues", "empty")
	}
	w := &WorkerConsumers{conns: map[string]*Conn{}}
	for _, q := range layout.Queues {
		c := w.conns[q.URL]
		if c == nil {
			o := base
			if q.URL != "" {
				o.URLs = PreferURL(q.URL, base.URLs)
				o.InOrder = true
			}
			var err error
			if c, err = Dial(ctx, o); err != nil {
				_ = w.Close(ctx)
				return nil, err
			}
			w.conns[q.URL] = c
		}
		qo := opts
		qo.Queue = q.Name
		k, err := c.Consume(ctx, qo, h)
		if err != nil {
			_ = w.Close(ctx)
			return nil, err
		}
		w.consumers = append(w.consumers, k)
	}
	return w, nil
}

// Nodes returns the node (URL without password) each connection is on,
// keyed by the leader URL it prefers (without password).
func (w *WorkerConsumers) Nodes() map[string]string {
	out := map[string]string{}
	for u, c := range w.conns {
		_, node := c.State()
		out[redact(u)] = node
	}
	return out
}

// Close stops every consumer gracefully within ctx, then closes the connections.
func (w *WorkerConsumers) Close(ctx context.Context) error {
	var errs []error
	for _, k := range w.consumers {
		if err := k.Close(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	for _, c := range w.conns {
		_ = c.Close()
	}
	return errors.Join(errs...)
}
