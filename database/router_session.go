package database

import (
	"context"
	"sync/atomic"
	"time"
)

// Session gives read-your-writes consistency: after a Write through the
// session, its reads go to a replica only once that replica has replayed
// past the write's LSN, waiting at most ReadYourWritesTimeout, and otherwise
// to the primary. A Session is safe for concurrent use.
type Session struct {
	r   *Router
	lsn atomic.Uint64
}

// Session starts a read-your-writes session.
func (r *Router) Session() *Session { return &Session{r: r} }

// LSN returns the WAL position the session's reads must see (0 before any write).
func (s *Session) LSN() uint64 { return s.lsn.Load() }

// Write runs fn on the primary like Router.Write and then records the
// primary's current WAL position for the session's reads.
func (s *Session) Write(ctx context.Context, fn func(ctx context.Context, q Querier) error) error {
	if err := s.r.Write(ctx, fn); err != nil {
		return err
	}
	p := s.r.Primary()
	if p == nil {
		return ErrNoPrimary
	}
	var lsn int64
	if err := p.QueryRow(ctx, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::int8").Scan(&lsn); err != nil {
		// The write succeeded; without its LSN the session reads from the
		// primary until the next write.
		s.lsn.Store(^uint64(0))
		return nil
	}
	for {
		old := s.lsn.Load()
		if uint64(lsn) <= old && old != ^uint64(0) || s.lsn.CompareAndSwap(old, uint64(lsn)) {
			return nil
		}
	}
}

// Read runs fn where the session's writes are visible.
func (s *Session) Read(ctx context.Context, fn func(ctx context.Context, q Querier) error) error {
	want := s.lsn.Load()
	if want == 0 {
		return s.r.Read(ctx, fn)
	}
	if n := s.r.pickRead(nil); n != nil && n != s.r.route.Load().primary && want != ^uint64(0) {
		if s.waitReplay(ctx, n, want) {
			err := fn(ctx, n.pool)
			if err == nil || !isNodeFailure(err) || ctx.Err() != nil {
				return err
			}
			s.r.markDown(n, err)
		}
	}
	p := s.r.Primary()
	if p == nil {
		return ErrNoPrimary
	}
	return fn(ctx, p)
}

// waitReplay polls n until it has replayed past want or the bound expires.
func (s *Session) waitReplay(ctx context.Context, n *node, want uint64) bool {
	if st := n.status(); st.LSN >= want {
		return true
	}
	wctx, cancel := context.WithTimeout(ctx, s.r.opts.ReadYourWritesTimeout)
	defer cancel()
	for {
		var lsn int64
		err := n.pool.QueryRow(wctx, "SELECT COALESCE(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0'), 0)::int8").Scan(&lsn)
		if err == nil && uint64(lsn) >= want {
			return true
		}
		select {
		case <-wctx.Done():
			return false
		case <-time.After(5 * time.Millisecond):
		}
	}
}
