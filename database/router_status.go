package database

import "time"

// NodeStatus is the last probe result for one node.
type NodeStatus struct {
	// Node names the node (Node.Name): for DialRouter's nodes, host:port
	// as the DSN gives it (never the DSN, which may hold a password).
	// Status lists the nodes in the order NewRouter got them (DialRouter:
	// the primary DSN's node, then RouterOptions.Replicas); StatusOf finds
	// one by name, and Served.Node and Event.Node use the same name.
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

// Status returns the last probe result of every node, in the order
// NewRouter got them; each names its node (NodeStatus.Node), and Primary
// and Readable say how the router routes now.
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
