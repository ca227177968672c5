package databasefake

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/opskit-dev/opskit/database"
)

// errClosed is returned by a node's calls after its Close.
var errClosed = errors.New("databasefake: node closed")

// node is one server of a Cluster as a database.Node.
type node struct {
	c      *Cluster
	i      int
	closed atomic.Bool
}

var _ database.Node = (*node)(nil)

// Nodes returns a database.Node for every server, node 0 first, for
// database.NewRouter: probes, reads and writes through them see the
// cluster's state as it is when they run. Each call returns new Nodes
// over the same servers; closing one affects only it.
func (c *Cluster) Nodes() []database.Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]database.Node, len(c.nodes))
	for i := range c.nodes {
		out[i] = &node{c: c, i: i}
	}
	return out
}

// NodeName is the name node i's database.Node reports.
func NodeName(i int) string { return fmt.Sprintf("node%d:5432", i) }

func (n *node) Name() string              { return NodeName(n.i) }
func (n *node) Querier() database.Querier { return querier{n} }
func (n *node) Reset()                    {}

func (n *node) Close() error {
	n.closed.Store(true)
	return nil
}

func (n *node) Probe(ctx context.Context) database.Probe {
	if err := n.check(ctx); err != nil {
		return database.Probe{Err: err}
	}
	n.c.mu.Lock()
	defer n.c.mu.Unlock()
	return n.c.probe(n.i)
}

// InsertLSN is the primary's WAL position; a standby refuses, as
// pg_current_wal_insert_lsn() does during recovery (SQLSTATE 55000).
func (n *node) InsertLSN(ctx context.Context) (uint64, error) {
	f, err := n.running(ctx)
	if err != nil {
		return 0, err
	}
	n.c.mu.Lock()
	defer n.c.mu.Unlock()
	if f.standby {
		return 0, &pgconn.PgError{Severity: "ERROR", Code: "55000", Message: "recovery is in progress"}
	}
	return f.lsn, nil
}

// ReplayLSN is a standby's replay position, 0 on a primary (where
// pg_last_wal_replay_lsn() is NULL).
func (n *node) ReplayLSN(ctx context.Context) (uint64, error) {
	f, err := n.running(ctx)
	if err != nil {
		return 0, err
	}
	n.c.mu.Lock()
	defer n.c.mu.Unlock()
	if !f.standby {
		return 0, nil
	}
	return f.lsn, nil
}

// check fails when ctx is done, the node is closed or the server is
// stopped, with the error a client would see.
func (n *node) check(ctx context.Context) error {
	_, err := n.running(ctx)
	return err
}

func (n *node) running(ctx context.Context) (*fnode, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if n.closed.Load() {
		return nil, errClosed
	}
	n.c.mu.Lock()
	defer n.c.mu.Unlock()
	f := n.c.node(n.i)
	if !f.up {
		return nil, refused(n.i)
	}
	return f, nil
}

// refused is what dialling a stopped server gives: a net.Error, which the
// router takes as a node failure.
func refused(i int) error {
	return fmt.Errorf("databasefake: %s: %w", NodeName(i), &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})
}
