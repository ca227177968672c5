package database

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Served says where a read ran.
type Served struct {
	// Node is the node that returned the result (or the last error), named
	// as in NodeStatus.Node.
	Node string
	// Primary reports that the node was the primary (no replica was
	// readable, the replica failed, or a session needed it).
	Primary bool
	// Attempts is 1, or 2 when the first attempt failed or was abandoned
	// and the read was retried.
	Attempts int
}

// Causes of an abandoned attempt, seen through context.Cause.
var (
	errNodeDown       = errors.New("node marked down")
	errAttemptTimeout = errors.New("read attempt timeout")
)

// Read runs fn on a healthy replica within the lag bounds, or on the
// primary when none is. fn must only read, since it may run twice: when
// its attempt fails because its node went away (connection refused or
// reset, admin shutdown), was marked down while fn ran, or ran past
// ReadAttemptTimeout, fn runs once more on another readable replica or
// else the primary. The ctx fn gets is cancelled when its attempt is
// abandoned.
func (r *Router) Read(ctx context.Context, fn func(ctx context.Context, q Querier) error) error {
	_, err := r.ReadServed(ctx, fn)
	return err
}

// ReadServed is Read that also says which node served the read (or, when
// it failed, the node of the last attempt) and in how many attempts. The
// result names nodes as NodeStatus.Node does, so StatusOf finds the node.
func (r *Router) ReadServed(ctx context.Context, fn func(ctx context.Context, q Querier) error) (Served, error) {
	if r.closed.Load() {
		return Served{}, ErrClosed
	}
	n := r.pickRead(nil)
	if n == nil {
		return Served{}, ErrNoNode
	}
	err, retry := r.attempt(ctx, n, fn)
	if !retry {
		return r.served(n, 1), err
	}
	m := r.pickRead(n)
	if m == nil {
		return r.served(n, 1), err
	}
	r.emit(EventReadRetried, m, err)
	err, _ = r.attempt(ctx, m, fn)
	return r.served(m, 2), err
}

func (r *Router) served(n *member, attempts int) Served {
	return Served{Node: n.name, Primary: r.route.Load().primary == n, Attempts: attempts}
}

// pickRead chooses the node for a read, skipping skip (a node that just
// failed) and replicas whose lease has run out.
func (r *Router) pickRead(skip *member) *member {
	rt := r.route.Load()
	if k := len(rt.readable); k > 0 {
		now := time.Now().UnixNano()
		start := 0
		if r.opts.Policy != LeastLag {
			start = int((r.rr.Add(1) - 1) % uint64(k))
		}
		for i := range k {
			c := rt.readable[(start+i)%k]
			if c.n != skip && now < c.until {
				return c.n
			}
		}
	}
	if rt.primary != nil && rt.primary != skip {
		return rt.primary
	}
	return nil
}

// attempt runs fn once on n. retry reports that the attempt failed for a
// reason of the node's, not of the statement's or the caller's: the node
// failed (it is marked down), it was marked down while fn ran, or the
// attempt ran past ReadAttemptTimeout.
func (r *Router) attempt(ctx context.Context, n *member, fn func(ctx context.Context, q Querier) error) (err error, retry bool) {
	var actx context.Context
	var cancel context.CancelFunc
	if r.opts.ReadAttemptTimeout > 0 {
		actx, cancel = context.WithTimeoutCause(ctx, r.opts.ReadAttemptTimeout, errAttemptTimeout)
	} else {
		actx, cancel = context.WithCancel(ctx)
	}
	live := n.live.Load()
	stop := context.AfterFunc(live.ctx, cancel)
	err = fn(actx, n.q)
	stopped := stop()
	cancel()
	if err == nil || ctx.Err() != nil {
		return err, false
	}
	switch {
	case !stopped: // the node was marked down while fn ran
		r.emit(EventReadAbandoned, n, errNodeDown)
		return fmt.Errorf("database: read on %s abandoned (%w): %w", n.name, errNodeDown, err), true
	case errors.Is(context.Cause(actx), errAttemptTimeout):
		r.emit(EventReadAbandoned, n, errAttemptTimeout)
		r.trigger() // a hung node shows in the next probe round
		return fmt.Errorf("database: read on %s abandoned after %v (%w): %w", n.name, r.opts.ReadAttemptTimeout, errAttemptTimeout, err), true
	case isNodeFailure(err):
		r.markDown(n, err)
		return err, true
	}
	return err, false
}

// QueryRow runs a single-row read through Read; the query runs when Scan is
// called, and is retried once on another node as Read retries. Scan
// returns pgx.ErrNoRows when there is no row.
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
