package database

import (
	"context"
	"slices"
	"sync"
	"time"
)

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
// abandons the reads running on it, resets its pool so no dead connection
// is handed out again, and asks for a probe round.
func (r *Router) markDown(n *member, err error) {
	n.mu.Lock()
	was := n.st.Reachable
	n.st.Reachable = false
	n.st.Err = err
	n.st.CheckedAt = time.Now()
	n.mu.Unlock()
	for {
		old := r.route.Load()
		nr := &routing{primary: old.primary, readable: withoutReplica(old.readable, n)}
		if old.primary == n {
			nr.primary = nil
		}
		if r.route.CompareAndSwap(old, nr) {
			break
		}
	}
	n.abandon(errNodeDown)
	n.node.Reset()
	if was {
		r.emit(EventNodeDown, n, err)
	}
	r.trigger()
}

func withoutReplica(rs []replica, skip *member) []replica {
	out := make([]replica, 0, len(rs))
	for _, c := range rs {
		if c.n != skip {
			out = append(out, c)
		}
	}
	return out
}

// checkOnce probes every node concurrently and recomputes the routing
// with Decide.
func (r *Router) checkOnce(ctx context.Context) {
	r.checkMu.Lock()
	defer r.checkMu.Unlock()
	start := time.Now()
	probes := make([]Probe, len(r.nodes))
	var wg sync.WaitGroup
	for i, n := range r.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pctx, cancel := context.WithTimeout(ctx, r.opts.CheckTimeout)
			defer cancel()
			probes[i] = n.node.Probe(pctx)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return
	}
	old := r.route.Load()
	current := -1
	for i, n := range r.nodes {
		if n == old.primary {
			current = i
		}
	}
	d := Decide(r.opts, current, r.history, probes, start)
	r.history = d.History
	nr := &routing{}
	if d.Primary >= 0 {
		nr.primary = r.nodes[d.Primary]
	}
	for _, i := range d.Readable {
		nr.readable = append(nr.readable, replica{n: r.nodes[i], until: d.Status[i].ReadableUntil.UnixNano()})
	}
	for i, n := range r.nodes {
		st := d.Status[i]
		st.Node = n.name
		st.Primary, st.Readable = false, false // Status() derives them from the routing
		n.mu.Lock()
		prev := n.st
		n.st = st
		n.mu.Unlock()
		if st.Reachable {
			if stalled := n.rywStalled.Load(); stalled != 0 && st.LSN >= stalled {
				n.rywStalled.Store(0) // replay moved past where a session wait gave up
			}
		}
		switch {
		case prev.Reachable && !st.Reachable:
			n.abandon(errNodeDown)
			r.emit(EventNodeDown, n, st.Err)
		case !prev.Reachable && st.Reachable:
			r.emit(EventNodeUp, n, nil)
		}
		was, is := hasReplica(old.readable, n), hasReplica(nr.readable, n)
		if st.Reachable && st.InRecovery {
			if was && !is {
				r.emit(EventLagExceeded, n, nil)
			} else if !was && is && prev.Reachable {
				r.emit(EventLagRecovered, n, nil)
			}
		}
	}
	r.route.Store(nr)
	if nr.primary != old.primary && nr.primary != nil && old.primary != nil {
		r.emit(EventPrimaryChanged, nr.primary, nil)
	}
}

func hasReplica(rs []replica, n *member) bool {
	return slices.ContainsFunc(rs, func(c replica) bool { return c.n == n })
}
