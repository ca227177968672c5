package database

import "time"

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
	// Node is the node's name, as NodeStatus.Node (never a DSN, which may
	// hold a password).
	Node string
	Err  error
	At   time.Time
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
