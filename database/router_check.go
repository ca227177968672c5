package database

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

func validateReadWrite(ctx context.Context, c *pgconn.PgConn) error {
	return pgconn.ValidateConnectTargetSessionAttrsReadWrite(ctx, c)
}

func (r *Router) checkLoop(ctx context.Context) {
	defer r.wg.Done()
	t := time.NewTicker(r.opts.CheckInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.kick:
		}
		r.checkOnce(ctx)
	}
}

// trigger asks the checker for an immediate round.
func (r *Router) trigger() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// markDown takes n out of rotation at once after a failure seen by a caller,
// resets its pool so no dead connection is handed out again, and asks for a
// probe round.
func (r *Router) markDown(n *node, err error) {
	n.mu.Lock()
	was := n.st.Reachable
	n.st.Reachable = false
	n.st.Err = err
	n.st.CheckedAt = time.Now()
	n.mu.Unlock()
	for {
		old := r.route.Load()
		nr := &routing{primary: old.primary, readable: without(old.readable, n)}
		if old.primary == n {
			nr.primary = nil
		}
		if r.route.CompareAndSwap(old, nr) {
			break
		}
	}
	n.pool.Reset()
	if was {
		r.emit(EventNodeDown, n, err)
	}
	r.trigger()
}

// checkOnce probes every node concurrently and recomputes the routing.
func (r *Router) checkOnce(ctx context.Context) {
	r.checkMu.Lock()
	defer r.checkMu.Unlock()
	probes := make([]probe, len(r.nodes))
	var wg sync.WaitGroup
	for i, n := range r.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pctx, cancel := context.WithTimeout(ctx, r.opts.CheckTimeout)
			defer cancel()
			probes[i] = n.probe(pctx)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return
	}
	now := time.Now()
	old := r.route.Load()

	// The primary: the node not in recovery, preferring the current one.
	var primary *node
	for i, n := range r.nodes {
		if probes[i].ok && !probes[i].inRecovery && (primary == nil || n == old.primary) {
			primary = n
		}
	}
	primLSN := r.lastPrim.Load()
	if primary != nil {
		for i, n := range r.nodes {
			if n == primary {
				primLSN = probes[i].lsn
				r.lastPrim.Store(primLSN)
			}
		}
	}

	type cand struct {
		n   *node
		lag int64
	}
	var readable []cand
	for i, n := range r.nodes {
		p := probes[i]
		n.mu.Lock()
		prev := n.st
		st := NodeStatus{Node: n.name, Reachable: p.ok, InRecovery: p.inRecovery, LSN: p.lsn, ReceiveLSN: p.receive, CheckedAt: now, Err: p.err}
		healthyReplica := false
		if p.ok && p.inRecovery {
			if primLSN > p.lsn {
				st.LagBytes = int64(primLSN - p.lsn)
			}
			// Idle primary: replay caught up with receive (or the primary)
			// means no lag, whatever the age of the last replayed commit.
			caughtUp := p.lsn >= p.receive || st.LagBytes == 0
			switch {
			case caughtUp:
			case p.hasReplay:
				st.LagTime = p.replayAge
			default:
				st.LagTime = r.opts.MaxLagTime + time.Second // unknown: assume behind
			}
			healthyReplica = st.LagBytes <= r.opts.MaxLagBytes && st.LagTime <= r.opts.MaxLagTime
		}
		n.st = st
		n.mu.Unlock()

		switch {
		case prev.Reachable && !p.ok:
			r.emit(EventNodeDown, n, p.err)
		case !prev.Reachable && p.ok:
			r.emit(EventNodeUp, n, nil)
		}
		wasReadable := false
		for _, m := range old.readable {
			if m == n {
				wasReadable = true
			}
		}
		if p.ok && p.inRecovery {
			if wasReadable && !healthyReplica {
				r.emit(EventLagExceeded, n, nil)
			} else if !wasReadable && healthyReplica && prev.Reachable {
				r.emit(EventLagRecovered, n, nil)
			}
		}
		if healthyReplica {
			readable = append(readable, cand{n, st.LagBytes})
		}
	}
	sort.SliceStable(readable, func(i, j int) bool { return readable[i].lag < readable[j].lag })
	nr := &routing{primary: primary}
	for _, c := range readable {
		nr.readable = append(nr.readable, c.n)
	}
	r.route.Store(nr)
	if primary != old.primary && primary != nil && old.primary != nil {
		r.emit(EventPrimaryChanged, primary, nil)
	}
}
