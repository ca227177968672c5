package database

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Router sends writes to the primary and reads to healthy replicas over
// Nodes (a pgxpool per server from DialRouter, or in-memory nodes from
// databasefake), with a background checker that probes every node each
// CheckInterval and applies Decide, and DNS re-resolution.
//
// Reads (Read, ReadServed, QueryRow) go to a replica within MaxLagBytes
// and MaxLagTime of the primary, measured against the primary's WAL
// position, with a lease that ends before a read there could be staler
// than MaxLagTime; with none readable they go to the primary. A read
// whose node fails, is marked down while it runs, or exceeds
// ReadAttemptTimeout is retried once on another node. Writes (Write,
// Exec) go to the primary and follow a promotion. Session adds
// read-your-writes. Status and StatusOf report each node by name, and
// OnEvent reports every routing change.
//
// A Router is safe for concurrent use; Close it when done.
type Router struct {
	opts  RouterOptions
	nodes []*member

	route atomic.Pointer[routing]
	rr    atomic.Uint64

	checkMu sync.Mutex // serialises probe rounds and guards history
	history []WALSample
	kick    chan struct{}
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	closed  atomic.Bool
}

type routing struct {
	primary  *member
	readable []replica // healthy replicas, ordered by lag for LeastLag
}

// replica is a readable node and the time (UnixNano) its lease ends.
type replica struct {
	n     *member
	until int64
}

// NewRouter routes over nodes, nodes[0] being the initial primary: it
// probes every node once and starts the background checker; ctx bounds
// the first probe round, not the router's life. When nodes[0] turns out
// to be a standby (or a replica is promoted later) the router follows the
// node that is not in recovery. The router owns the nodes: Close closes
// them (on an error they stay the caller's). No nodes, a nil node or two
// nodes of one name is an *InvalidError. DNS re-resolution (DNSInterval, Resolver) and
// ConfigurePool apply to the nodes DialRouter makes.
func NewRouter(ctx context.Context, nodes []Node, opts RouterOptions) (*Router, error) {
	if err := validateNodes(nodes); err != nil {
		return nil, err
	}
	opts.defaults()
	r := &Router{opts: opts, kick: make(chan struct{}, 1)}
	for _, n := range nodes {
		r.nodes = append(r.nodes, newMember(n))
	}
	r.route.Store(&routing{primary: r.nodes[0]})
	r.checkOnce(ctx)
	cctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.wg.Add(1)
	go r.checkLoop(cctx)
	if opts.DNSInterval > 0 {
		r.wg.Add(1)
		go r.dnsLoop(cctx)
	}
	return r, nil
}

func validateNodes(nodes []Node) error {
	if len(nodes) == 0 {
		return invalid("router nodes", "", "at least one node (the primary) is required")
	}
	seen := map[string]bool{}
	for i, n := range nodes {
		if n == nil {
			return invalid("router nodes", fmt.Sprintf("node %d", i), "is nil")
		}
		if seen[n.Name()] {
			return invalid("router nodes", fmt.Sprintf("node %d", i), "name %q is used twice", n.Name())
		}
		seen[n.Name()] = true
	}
	return nil
}

// DialRouter parses the DSNs (primaryDSN and opts.Replicas), opens one
// pgxpool per node and returns NewRouter over them. A DSN that does not
// parse, or two DSNs naming one host:port, is an *InvalidError naming the
// input (never quoting a DSN). Close the router when done.
func DialRouter(ctx context.Context, primaryDSN string, opts RouterOptions) (*Router, error) {
	resolver := opts.Resolver
	if resolver == nil {
		resolver = netResolver{}
	}
	var nodes []Node
	for i, dsn := range append([]string{primaryDSN}, opts.Replicas...) {
		input := "primary DSN"
		if i > 0 {
			input = fmt.Sprintf("replica DSN %d", i-1)
		}
		n, err := dialNode(ctx, dsn, i == 0, resolver, opts.TLS, opts.ConfigurePool)
		if err != nil {
			for _, m := range nodes {
				_ = m.Close()
			}
			var ie *InvalidError
			if errors.As(err, &ie) {
				return nil, err
			}
			return nil, invalid(input, "", "%v", err)
		}
		nodes = append(nodes, n)
	}
	r, err := NewRouter(ctx, nodes, opts)
	if err != nil {
		for _, n := range nodes {
			_ = n.Close()
		}
		return nil, err
	}
	return r, nil
}

// Close stops the checker and closes every node; reads and writes after
// Close return ErrClosed. It returns the nodes' Close errors, joined;
// calling it again does nothing and returns nil.
func (r *Router) Close() error {
	if !r.closed.CompareAndSwap(false, true) {
		return nil
	}
	r.cancel()
	r.wg.Wait()
	var errs []error
	for _, m := range r.nodes {
		if err := m.node.Close(); err != nil {
			errs = append(errs, fmt.Errorf("database: close %s: %w", m.name, err))
		}
	}
	return errors.Join(errs...)
}

// Primary returns the Querier of the current primary, or nil when none
// is known. Statements run on it directly bypass the router's retries.
func (r *Router) Primary() Querier {
	if p := r.route.Load().primary; p != nil {
		return p.q
	}
	return nil
}
