package bus

import (
	"context"
	"fmt"
	"time"

	"github.com/opskit-dev/opskit/bus/driver"
)

// After a reconnect the Conn redeclares the topology applied through it in
// two phases, so that failover never waits on a sick node:
//
//   - Before the Conn reports StateOpen again: the entities that can vanish
//     with the lost connection or node — exclusive, auto-delete and
//     transient queues, auto-delete and transient exchanges, and the
//     bindings to or from them — because consumers of such a queue need it
//     back first. This phase is bounded by Options.RestoreTimeout; when the
//     bound passes the Conn opens anyway and the phase goes on behind it.
//   - After StateOpen, in the background: durable exchanges and queues and
//     the bindings between them. They are cluster metadata that survive
//     the loss of a node, so publishers and consumers need not wait for them;
//     redeclaring only restores what someone deleted meanwhile. A binding
//     declare takes a cluster-wide lock, which a frozen node holds until it
//     thaws or the cluster declares it down (net_ticktime, 60-75 s by
//     default): that wait now happens here, not in front of failover.
//
// Entities that fail to redeclare (deleted exchange, conflicting arguments)
// are reported to Options.OnError and skipped.

// restorePlan is the applied topology split into its two phases.
type restorePlan struct {
	first, later []Topology
}

func (p restorePlan) empty() bool { return len(p.first)+len(p.later) == 0 }

// plan splits every applied entity into one single-entity topology, in
// declaration order, and sorts them into the two phases.
func (l *topologyLog) plan() restorePlan {
	all := l.all()
	volatileQ, volatileX := map[string]bool{}, map[string]bool{}
	for _, t := range all {
		for _, q := range t.Queues {
			if q.Transient || q.AutoDelete || q.Exclusive {
				volatileQ[q.Name] = true
			}
		}
		for _, e := range t.Exchanges {
			if e.Transient || e.AutoDelete {
				volatileX[e.Name] = true
			}
		}
	}
	var p restorePlan
	add := func(first bool, t Topology) {
		if first {
			p.first = append(p.first, t)
		} else {
			p.later = append(p.later, t)
		}
	}
	for _, t := range all {
		for _, e := range t.Exchanges {
			add(volatileX[e.Name], Topology{Exchanges: []Exchange{e}})
		}
	}
	for _, t := range all {
		for _, q := range t.Queues {
			add(volatileQ[q.Name], Topology{Queues: []Queue{q}})
		}
	}
	for _, t := range all {
		for _, b := range t.Bindings {
			dest := volatileQ[b.Destination]
			if b.ToExchange {
				dest = volatileX[b.Destination]
			}
			add(volatileX[b.Source] || dest, Topology{Bindings: []Binding{b}})
		}
	}
	return p
}

// restore redeclares the plan on dc from a goroutine of its own. It returns a
// channel closed when the first phase is done; the second phase follows in
// the background. The goroutine ends when both phases are done or dc is lost.
func (c *Conn) restore(dc driver.Conn, p restorePlan) <-chan struct{} {
	firstDone := make(chan struct{})
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		ctx, cancel := c.closedCtx()
		defer cancel()
		ch, err := dc.Channel(ctx)
		if err != nil {
			close(firstDone)
			return
		}
		defer func() { _ = ch.Close() }()
		ok := c.declareAll(ctx, dc, &ch, p.first)
		close(firstDone)
		if ok {
			c.declareAll(ctx, dc, &ch, p.later)
		}
	}()
	return firstDone
}

// declareAll declares each single-entity topology on *ch, reporting and
// skipping the ones the broker refuses (a refusal closes the channel, so a
// new one is opened). It returns false once the connection is lost.
func (c *Conn) declareAll(ctx context.Context, dc driver.Conn, ch *driver.Channel, ts []Topology) bool {
	for _, one := range ts {
		err := one.declare(*ch)
		if err == nil {
			continue
		}
		select {
		case <-dc.Done():
			return false
		default:
		}
		c.report(fmt.Errorf("bus: restore topology: %w", err))
		_ = (*ch).Close()
		next, err := dc.Channel(ctx)
		if err != nil {
			return false
		}
		*ch = next
	}
	return true
}

// awaitRestore waits for the first phase of a restore, at most
// Options.RestoreTimeout. It returns false if ctx ends first.
func (c *Conn) awaitRestore(ctx context.Context, firstDone <-chan struct{}, node string) bool {
	t := time.NewTimer(c.opts.RestoreTimeout)
	defer t.Stop()
	select {
	case <-firstDone:
	case <-t.C:
		c.report(fmt.Errorf("bus: restore topology on %s: exclusive, auto-delete and transient entities not redeclared within %v; "+
			"opening anyway, the redeclare goes on", node, c.opts.RestoreTimeout))
	case <-ctx.Done():
		return false
	}
	return true
}
