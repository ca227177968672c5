package database

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Policy chooses among healthy replicas.
type Policy int

const (
	// RoundRobin spreads reads evenly over healthy replicas.
	RoundRobin Policy = iota
	// LeastLag sends reads to the healthy replica with the smallest replay lag.
	LeastLag
)

// RouterOptions configures a Router. Zero values take the defaults shown.
type RouterOptions struct {
	// Replicas are the DSNs of the hot standbys.
	Replicas []string
	// MaxLagBytes is the largest replay lag, in WAL bytes behind the
	// primary's current LSN, at which a replica still serves reads
	// (default 16 MiB).
	MaxLagBytes int64
	// MaxLagTime bounds how stale a read on a replica may be: a replica
	// serves reads only while it is known to hold everything the primary
	// wrote MaxLagTime ago, measured against the primary's WAL position
	// (see Decide). Keep it several CheckIntervals long: the router's view
	// of the primary's position is as fine as its probe rounds. Keep
	// CheckInterval + CheckTimeout (or ReadAttemptTimeout) below it too: a
	// read waiting on a hung replica is abandoned only then, and one that
	// the replica answers after thawing sees what it had when it froze
	// (default 10s).
	MaxLagTime time.Duration
	// Policy picks among healthy replicas (default RoundRobin).
	Policy Policy
	// CheckInterval is how often every node is probed (default 1s).
	CheckInterval time.Duration
	// CheckTimeout bounds one probe (default 2s).
	CheckTimeout time.Duration
	// ReadYourWritesTimeout bounds how long a Session read waits for a
	// replica to replay past the session's last write before it reads from
	// the primary instead (default 500ms). After a wait on a replica ran
	// out, session reads go straight to the primary until a probe shows
	// that replica's replay moving again.
	ReadYourWritesTimeout time.Duration
	// ReadAttemptTimeout, when positive, bounds each attempt of a read:
	// an attempt that runs longer is cancelled and the read is retried
	// once on another node (another readable replica, or else the
	// primary), under the same bound and the caller's deadline. Zero
	// leaves attempts bounded by the caller's context only. Either way an
	// attempt running on a node the router marks down (a probe or another
	// read found it unreachable) is abandoned at once and retried the
	// same way.
	ReadAttemptTimeout time.Duration
	// DNSInterval is how often host names are re-resolved; when a node's
	// addresses change its pool is reset so no connection stays pinned to
	// the old address (default 30s; negative disables).
	DNSInterval time.Duration
	// Resolver resolves host names (default net.DefaultResolver).
	Resolver Resolver
	// ConfigurePool, when set, adjusts each node's pool configuration
	// before the pool is created (sizes, IAM tokens in BeforeConnect...).
	ConfigurePool func(cfg *pgxpool.Config, primary bool)
	// OnEvent, when set, is called for every routing change.
	OnEvent func(Event)
}

func (o *RouterOptions) defaults() {
	if o.MaxLagBytes <= 0 {
		o.MaxLagBytes = 16 << 20
	}
	if o.MaxLagTime <= 0 {
		o.MaxLagTime = 10 * time.Second
	}
	if o.CheckInterval <= 0 {
		o.CheckInterval = time.Second
	}
	if o.CheckTimeout <= 0 {
		o.CheckTimeout = 2 * time.Second
	}
	if o.ReadYourWritesTimeout <= 0 {
		o.ReadYourWritesTimeout = 500 * time.Millisecond
	}
	if o.DNSInterval == 0 {
		o.DNSInterval = 30 * time.Second
	}
	if o.Resolver == nil {
		o.Resolver = netResolver{}
	}
}

// EventKind names a routing change.
type EventKind string

// Routing changes reported through RouterOptions.OnEvent.
const (
	EventNodeDown       EventKind = "node-down"
	EventNodeUp         EventKind = "node-up"
	EventLagExceeded    EventKind = "lag-exceeded"
	EventLagRecovered   EventKind = "lag-recovered"
	EventPrimaryChanged EventKind = "primary-changed"
	EventDNSChanged     EventKind = "dns-changed"
	EventReadRetried    EventKind = "read-retried"
	// EventReadAbandoned: a read attempt was cancelled because its node
	// was marked down or the attempt ran past ReadAttemptTimeout; a
	// read-retried event follows when another node is tried.
	EventReadAbandoned EventKind = "read-abandoned"
)

// Event is one routing change.
type Event struct {
	Kind EventKind
	// Node is the node's host:port (never the DSN, which may hold a password).
	Node string
	Err  error
	At   time.Time
}

// NodeStatus is the last probe result for one node.
type NodeStatus struct {
	// Node names the node: its host:port as the DSN gives it (never the
	// DSN, which may hold a password). Status lists the primary DSN's node
	// first, then the replicas in RouterOptions.Replicas order; StatusOf
	// finds one by name, and Served.Node and Event.Node use the same name.
	Node       string
	Reachable  bool
	InRecovery bool
	// Primary reports that the router currently writes to this node.
	Primary bool
	// Readable reports that the router currently sends reads to this node
	// (replicas only; the primary takes reads only as a fallback).
	Readable bool
	// ReadableUntil is when a readable replica stops taking reads unless
	// a newer probe renews it: its freshness plus MaxLagTime (see Decide).
	ReadableUntil time.Time
	// LSN is pg_current_wal_lsn() on a primary, pg_last_wal_replay_lsn() on
	// a standby; ReceiveLSN is pg_last_wal_receive_lsn() on a standby.
	LSN, ReceiveLSN uint64
	// LagBytes is the primary's current LSN minus this standby's replay LSN.
	LagBytes int64
	// LagTime bounds how stale the standby was at the probe: how long ago
	// the primary last wrote something the standby had not replayed,
	// from the router's history of the primary's position and the
	// standby's last replayed commit (see Decide); zero when it had
	// replayed the primary's current position.
	LagTime   time.Duration
	CheckedAt time.Time
	Err       error
}

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
// them. No nodes, a nil node or two nodes of one name is an
// *InvalidError. DNS re-resolution (DNSInterval, Resolver) and
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
// parse is an *InvalidError naming which one (never quoting it). Close
// the router when done.
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
		n, err := dialNode(ctx, dsn, i == 0, resolver, opts.ConfigurePool)
		if err != nil {
			for _, m := range nodes {
				_ = m.Close()
			}
			return nil, invalid(input, "", "%v", err)
		}
		nodes = append(nodes, n)
	}
	return NewRouter(ctx, nodes, opts)
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

// Status returns the last probe result of every node, the primary DSN's
// node first and then the replicas in RouterOptions.Replicas order; each
// names its node (NodeStatus.Node), and Primary and Readable say how the
// router routes now.
func (r *Router) Status() []NodeStatus {
	rt := r.route.Load()
	now := time.Now().UnixNano()
	out := make([]NodeStatus, 0, len(r.nodes))
	for _, n := range r.nodes {
		out = append(out, r.statusOf(rt, n, now))
	}
	return out
}

// StatusOf returns the status of the node named node (host:port, as in
// NodeStatus.Node, Served.Node and Event.Node), and false when the router
// has no such node.
func (r *Router) StatusOf(node string) (NodeStatus, bool) {
	for _, n := range r.nodes {
		if n.name == node {
			return r.statusOf(r.route.Load(), n, time.Now().UnixNano()), true
		}
	}
	return NodeStatus{}, false
}

func (r *Router) statusOf(rt *routing, n *member, now int64) NodeStatus {
	st := n.status()
	st.Primary = rt.primary == n
	for _, m := range rt.readable {
		if m.n == n && now < m.until {
			st.Readable = true
		}
	}
	return st
}

// Write runs fn on the primary. A 25006 (read_only_sql_transaction) error
// means the node is no longer the primary: the router rediscovers the
// primary and, when it found a different one, runs fn once more there
// (nothing was written by the refused attempt). Other failures are returned
// without retry because a write may have happened; a connection failure
// also takes the node out of rotation. With no primary known, Write runs a
// probe round first and returns ErrNoPrimary when none is found.
func (r *Router) Write(ctx context.Context, fn func(ctx context.Context, q Querier) error) error {
	if r.closed.Load() {
		return ErrClosed
	}
	p := r.route.Load().primary
	if p == nil {
		r.checkOnce(ctx)
		if p = r.route.Load().primary; p == nil {
			return ErrNoPrimary
		}
	}
	err := fn(ctx, p.q)
	if err == nil {
		return nil
	}
	switch {
	case isReadOnlyError(err):
		p.node.Reset()
		r.checkOnce(ctx)
		if q := r.route.Load().primary; q != nil && q != p {
			return fn(ctx, q.q)
		}
		return err
	case isNodeFailure(err):
		r.markDown(p, err)
	}
	return err
}

// Exec runs one statement on the primary through Write and returns its
// command tag.
func (r *Router) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	var tag pgconn.CommandTag
	err := r.Write(ctx, func(ctx context.Context, q Querier) error {
		var err error
		tag, err = q.Exec(ctx, sql, args...)
		return err
	})
	return tag, err
}

// isReadOnlyError reports SQLSTATE 25006 (read_only_sql_transaction).
func isReadOnlyError(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "25006"
}

// isNodeFailure reports errors that mean the node (not the statement) failed.
func isNodeFailure(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code[:2] {
		case "08", "57": // connection exception, operator intervention
			return pe.Code != "57014" // query_canceled is the caller's doing
		}
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	// Anything else from pgx that is not a server error is a transport
	// failure: EOF, reset, conn closed.
	return pgconn.SafeToRetry(err) || errors.Is(err, pgconn.ErrConnClosed) || isNetErr(err)
}

func (r *Router) emit(kind EventKind, n *member, err error) {
	if r.opts.OnEvent != nil {
		name := ""
		if n != nil {
			name = n.name
		}
		r.opts.OnEvent(Event{Kind: kind, Node: name, Err: err, At: time.Now()})
	}
}
