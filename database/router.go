package database

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Querier is what Read and Write callbacks run statements on: a *pgxpool.Pool
// of the node the router chose.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
}

var _ Querier = (*pgxpool.Pool)(nil)

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
	// MaxLagTime is the largest replay lag in time, now() minus
	// pg_last_xact_replay_timestamp() while replay trails receive, at which
	// a replica still serves reads (default 10s).
	MaxLagTime time.Duration
	// Policy picks among healthy replicas (default RoundRobin).
	Policy Policy
	// CheckInterval is how often every node is probed (default 1s).
	CheckInterval time.Duration
	// CheckTimeout bounds one probe (default 2s).
	CheckTimeout time.Duration
	// ReadYourWritesTimeout bounds how long a Session read waits for a
	// replica to replay past the session's last write before it reads from
	// the primary instead (default 500ms).
	ReadYourWritesTimeout time.Duration
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
	Node       string
	Reachable  bool
	InRecovery bool
	// Primary reports that the router currently writes to this node.
	Primary bool
	// Readable reports that the router currently sends reads to this node
	// (replicas only; the primary takes reads only as a fallback).
	Readable bool
	// LSN is pg_current_wal_lsn() on a primary, pg_last_wal_replay_lsn() on
	// a standby; ReceiveLSN is pg_last_wal_receive_lsn() on a standby.
	LSN, ReceiveLSN uint64
	// LagBytes is the primary's current LSN minus this standby's replay LSN.
	LagBytes int64
	// LagTime is now() - pg_last_xact_replay_timestamp() on the standby,
	// zero when replay has caught up with what it received.
	LagTime   time.Duration
	CheckedAt time.Time
	Err       error
}

// Router sends writes to the primary and reads to healthy replicas.
type Router struct {
	opts  RouterOptions
	nodes []*node

	route atomic.Pointer[routing]
	rr    atomic.Uint64

	checkMu  sync.Mutex // serialises probe rounds
	kick     chan struct{}
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	closed   atomic.Bool
	lastPrim atomic.Uint64 // last known primary LSN
}

type routing struct {
	primary  *node
	readable []*node // healthy replicas, ordered by lag for LeastLag
}

// NewRouter parses the DSNs, opens one pgxpool per node, probes every node
// once and starts the background checker. primaryDSN is the initial primary;
// when it turns out to be a standby (or a replica is promoted later) the
// router follows the node that is not in recovery.
func NewRouter(ctx context.Context, primaryDSN string, opts RouterOptions) (*Router, error) {
	opts.defaults()
	r := &Router{opts: opts, kick: make(chan struct{}, 1)}
	dsns := append([]string{primaryDSN}, opts.Replicas...)
	for i, dsn := range dsns {
		input := "primary DSN"
		if i > 0 {
			input = fmt.Sprintf("replica DSN %d", i-1)
		}
		n, err := newNode(ctx, dsn, i == 0, opts.Resolver, opts.ConfigurePool)
		if err != nil {
			for _, m := range r.nodes {
				m.pool.Close()
			}
			return nil, &ConfigError{Input: input, Err: err}
		}
		r.nodes = append(r.nodes, n)
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

// Close stops the checker and closes every pool.
func (r *Router) Close() {
	if !r.closed.CompareAndSwap(false, true) {
		return
	}
	r.cancel()
	r.wg.Wait()
	for _, n := range r.nodes {
		n.pool.Close()
	}
}

// Primary returns the pool of the current primary, or nil when none is known.
func (r *Router) Primary() *pgxpool.Pool {
	if p := r.route.Load().primary; p != nil {
		return p.pool
	}
	return nil
}

// Status returns the last probe result of every node.
func (r *Router) Status() []NodeStatus {
	rt := r.route.Load()
	out := make([]NodeStatus, 0, len(r.nodes))
	for _, n := range r.nodes {
		st := n.status()
		st.Primary = rt.primary == n
		for _, m := range rt.readable {
			if m == n {
				st.Readable = true
			}
		}
		out = append(out, st)
	}
	return out
}

// pickRead chooses the node for a read, skipping skip (a node that just
// failed).
func (r *Router) pickRead(skip *node) *node {
	rt := r.route.Load()
	cands := rt.readable
	if skip != nil {
		cands = without(cands, skip)
	}
	if len(cands) > 0 {
		if r.opts.Policy == LeastLag {
			return cands[0]
		}
		return cands[int(r.rr.Add(1)-1)%len(cands)]
	}
	if rt.primary != nil && rt.primary != skip {
		return rt.primary
	}
	return nil
}

func without(ns []*node, skip *node) []*node {
	for i, n := range ns {
		if n == skip {
			out := make([]*node, 0, len(ns)-1)
			out = append(out, ns[:i]...)
			return append(out, ns[i+1:]...)
		}
	}
	return ns
}

// Read runs fn on a healthy replica within the lag bounds, or on the primary
// when none is. fn must only read: when it fails because its node went away
// (connection refused or reset, admin shutdown), the node is marked down and
// fn is retried once on the next choice.
func (r *Router) Read(ctx context.Context, fn func(ctx context.Context, q Querier) error) error {
	if r.closed.Load() {
		return ErrClosed
	}
	n := r.pickRead(nil)
	if n == nil {
		return ErrNoNode
	}
	err := fn(ctx, n.pool)
	if err == nil || !isNodeFailure(err) || ctx.Err() != nil {
		return err
	}
	r.markDown(n, err)
	m := r.pickRead(n)
	if m == nil {
		return err
	}
	r.emit(EventReadRetried, m, err)
	return fn(ctx, m.pool)
}

// QueryRow runs a single-row read through Read; the query runs when Scan is
// called, and is retried once on another node if its node fails.
func (r *Router) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return &routedRow{r: r, ctx: ctx, sql: sql, args: args}
}

type routedRow struct {
	r    *Router
	ctx  context.Context
	sql  string
	args []any
}

func (rr *routedRow) Scan(dest ...any) error {
	return rr.r.Read(rr.ctx, func(ctx context.Context, q Querier) error {
		return q.QueryRow(ctx, rr.sql, rr.args...).Scan(dest...)
	})
}

// Write runs fn on the primary. A 25006 (read_only_sql_transaction) error
// means the node is no longer the primary: the router rediscovers the
// primary and, when it found a different one, runs fn once more there
// (nothing was written by the refused attempt). Other failures are returned
// without retry because a write may have happened.
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
	err := fn(ctx, p.pool)
	if err == nil {
		return nil
	}
	switch {
	case isReadOnlyError(err):
		p.pool.Reset()
		r.checkOnce(ctx)
		if q := r.route.Load().primary; q != nil && q != p {
			return fn(ctx, q.pool)
		}
		return err
	case isNodeFailure(err):
		r.markDown(p, err)
	}
	return err
}

// Exec runs one statement on the primary through Write.
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

func (r *Router) emit(kind EventKind, n *node, err error) {
	if r.opts.OnEvent != nil {
		name := ""
		if n != nil {
			name = n.name
		}
		r.opts.OnEvent(Event{Kind: kind, Node: name, Err: err, At: time.Now()})
	}
}
