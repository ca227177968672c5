package database

import (
	"context"
	"sync/atomic"
	"time"
)

// Session gives read-your-writes consistency: after a Write through the
// session, its reads go to a replica only once that replica has replayed
// past the write's WAL insert position, waiting at most
// ReadYourWritesTimeout, and otherwise to the primary. After a wait on a
// replica ran out, reads skip the wait on that replica (and go to the
// primary) until a probe shows its replay has moved past where the wait
// gave up, so a replica that is in rotation but not replaying costs one
// timeout, not one per read. A Session is safe for concurrent use.
type Session struct {
	r   *Router
	lsn atomic.Uint64
}

// Session starts a read-your-writes session: reads through it see every
// write made through it (see Session). Sessions are cheap; use one per
// user request or per unit of work that must see its own writes.
func (r *Router) Session() *Session { return &Session{r: r} }

// LSN returns the WAL position the session's reads must see (0 before any
// write, all ones when the last write's position could not be read).
func (s *Session) LSN() uint64 { return s.lsn.Load() }

// Write runs fn on the primary like Router.Write and then records the
// primary's WAL insert position, which is at or past the commit of what fn
// wrote whatever synchronous_commit says, for the session's reads. Under
// synchronous_commit=off the standby can only have the write once the WAL
// writer has written it (wal_writer_delay, 200ms by default), so session
// reads right after such a write wait about that long, or go to the
// primary after ReadYourWritesTimeout.
func (s *Session) Write(ctx context.Context, fn func(ctx context.Context, q Querier) error) error {
	if err := s.r.Write(ctx, fn); err != nil {
		return err
	}
	p := s.r.route.Load().primary
	if p == nil {
		return ErrNoPrimary
	}
	lsn, err := p.node.InsertLSN(ctx)
	if err != nil {
		// The write succeeded; without its LSN the session reads from the
		// primary until the next write.
		s.lsn.Store(^uint64(0))
		return nil
	}
	for {
		old := s.lsn.Load()
		if lsn <= old && old != ^uint64(0) || s.lsn.CompareAndSwap(old, lsn) {
			return nil
		}
	}
}

// Read runs fn where the session's writes are visible: with no write yet,
// like Router.Read; after one, on a replica that has replayed it, or else
// on the primary. fn must only read.
func (s *Session) Read(ctx context.Context, fn func(ctx context.Context, q Querier) error) error {
	_, err := s.ReadServed(ctx, fn)
	return err
}

// ReadServed is Read that also says which node served the read.
//
// A session read that must wait for its writes tries a replica once
// (when one is readable and has replayed the session's position, or does
// within ReadYourWritesTimeout) and otherwise reads from the primary.
func (s *Session) ReadServed(ctx context.Context, fn func(ctx context.Context, q Querier) error) (Served, error) {
	want := s.lsn.Load()
	if want == 0 {
		return s.r.ReadServed(ctx, fn)
	}
	if s.r.closed.Load() {
		return Served{}, ErrClosed
	}
	attempts := 0
	if n := s.r.pickRead(nil); n != nil && n != s.r.route.Load().primary && want != ^uint64(0) {
		if s.waitReplay(ctx, n, want) {
			attempts++
			err, retry := s.r.attempt(ctx, n, fn)
			if !retry {
				return s.r.served(n, attempts), err
			}
		}
	}
	p := s.r.route.Load().primary
	if p == nil {
		return Served{}, ErrNoPrimary
	}
	attempts++
	err, _ := s.r.attempt(ctx, p, fn)
	return s.r.served(p, attempts), err
}

// waitReplay polls n until it has replayed past want or the bound expires.
func (s *Session) waitReplay(ctx context.Context, n *member, want uint64) bool {
	st := n.status()
	if st.LSN >= want {
		return true
	}
	if stalled := n.rywStalled.Load(); stalled != 0 && st.LSN < stalled {
		return false // a wait here already ran out and replay has not moved since
	}
	wctx, cancel := context.WithTimeout(ctx, s.r.opts.ReadYourWritesTimeout)
	defer cancel()
	seen := st.LSN
	for {
		lsn, err := n.node.ReplayLSN(wctx)
		if err == nil {
			if lsn >= want {
				return true
			}
			seen = max(seen, lsn)
		}
		select {
		case <-wctx.Done():
			if ctx.Err() == nil {
				n.rywStalled.Store(seen + 1)
			}
			return false
		case <-time.After(5 * time.Millisecond):
		}
	}
}
