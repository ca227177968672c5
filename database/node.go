package database

import (
	"context"
	"time"
)

// Node is one PostgreSQL server as the Router uses it: a connection pool
// that callbacks run statements on, and the few reads the router makes
// itself. DialRouter makes one over pgxpool per DSN;
// databasefake.Cluster.Nodes gives in-memory ones, so code that holds a
// *Router can be unit-tested without a server. NewRouter takes any.
//
// Rules every Node follows, checked by database/databasetest:
//   - Name is stable and distinct among a router's nodes, and never a DSN
//     (it appears in statuses, events and errors): host:port for a server.
//   - Probe answers within ctx: an unreachable node returns Reachable
//     false with Err set. On a primary InRecovery is false and LSN is the
//     current WAL position; on a standby InRecovery is true, LSN is the
//     replay position and ReceiveLSN what it has received; LSNs never go
//     backwards on one timeline.
//   - Querier runs statements on the node. A write on a standby fails with
//     SQLSTATE 25006 (read_only_sql_transaction), which tells the router
//     the node is no longer the primary; a node that is down fails with a
//     connection error (a net.Error, io.EOF, a *pgconn.ConnectError or
//     SQLSTATE class 08), which takes it out of rotation.
//   - InsertLSN, on a primary, is at or past the commit of every write it
//     acknowledged; ReplayLSN, on a standby, is the replay position, so a
//     standby whose ReplayLSN reached a primary's InsertLSN shows that
//     write.
//   - Reset drops idle connections (none is reused after a failure); Close
//     releases everything, and calls after it fail.
type Node interface {
	// Name names the node, as NodeStatus.Node, Served.Node and Event.Node.
	Name() string
	// Querier is what Read and Write callbacks run statements on.
	Querier() Querier
	// Probe reads the node's health and WAL positions.
	Probe(ctx context.Context) Probe
	// InsertLSN reads a primary's WAL insert position.
	InsertLSN(ctx context.Context) (uint64, error)
	// ReplayLSN reads a standby's WAL replay position.
	ReplayLSN(ctx context.Context) (uint64, error)
	// Reset drops idle connections.
	Reset()
	// Close releases the node's connections.
	Close() error
}

// Probe is one node's health-check result, what the router reads from
// pg_is_in_recovery(), pg_current_wal_lsn() (primary) or
// pg_last_wal_replay_lsn() / pg_last_wal_receive_lsn() (standby), and
// now() - pg_last_xact_replay_timestamp().
type Probe struct {
	Reachable  bool
	InRecovery bool
	// LSN is the current WAL position on a primary, the replay position
	// on a standby; ReceiveLSN is what a standby has received (0 when
	// unknown, as right after a restart). The router reports ReceiveLSN
	// but never measures lag against it.
	LSN, ReceiveLSN uint64
	// ReplayAge is now() - pg_last_xact_replay_timestamp(); HasReplay is
	// false when the standby has replayed no transaction yet.
	ReplayAge time.Duration
	HasReplay bool
	Err       error
}
