package database

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// node is one server with its pool and last probe result.
type node struct {
	name string // host:port
	host string
	pool *pgxpool.Pool

	mu    sync.Mutex
	st    NodeStatus
	addrs []string // last resolved addresses of host

	// live is cancelled when the node is marked down, which abandons the
	// read attempts running on it; abandon installs a fresh one.
	live atomic.Pointer[liveness]
	// rywStalled is 1 + the replay LSN a session's read-your-writes wait
	// saw when it ran out on this node, 0 when none did; until a probe
	// shows replay past it, session reads skip the wait.
	rywStalled atomic.Uint64
}

type liveness struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
}

func newLiveness() *liveness {
	ctx, cancel := context.WithCancelCause(context.Background())
	return &liveness{ctx: ctx, cancel: cancel}
}

// abandon cancels every read attempt running on n with cause.
func (n *node) abandon(cause error) {
	n.live.Swap(newLiveness()).cancel(cause)
}

func newNode(ctx context.Context, dsn string, primary bool, resolver Resolver, configure func(*pgxpool.Config, bool)) (*node, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, redact(err)
	}
	cc := cfg.ConnConfig
	// target_session_attrs: a primary pool refuses to hand out a connection
	// to a node that has been demoted; replica pools accept any role so a
	// promoted replica is still reached and recognised as the new primary.
	if primary {
		if _, set := cc.RuntimeParams["target_session_attrs"]; !set && cc.ValidateConnect == nil {
			cc.ValidateConnect = validateReadWrite
		}
	}
	// Dial through the same resolver the re-resolution loop watches.
	cc.LookupFunc = resolver.LookupHost
	if configure != nil {
		configure(cfg, primary)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, redact(err)
	}
	n := &node{
		name: net.JoinHostPort(cc.Host, strconv.Itoa(int(cc.Port))),
		host: cc.Host,
		pool: pool,
		st:   NodeStatus{Node: net.JoinHostPort(cc.Host, strconv.Itoa(int(cc.Port)))},
	}
	n.live.Store(newLiveness())
	return n, nil
}

func (n *node) status() NodeStatus {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.st
}

// redact drops the parse error's text, which can quote the DSN.
func redact(err error) error {
	var ce interface{ Unwrap() error }
	if errors.As(err, &ce) && ce.Unwrap() != nil {
		return errors.New("cannot parse connection string: " + ce.Unwrap().Error())
	}
	return errors.New("cannot parse connection string")
}

func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

const probeSQL = `SELECT pg_is_in_recovery(),
  pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, '0/0')::int8,
  COALESCE(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::int8, 0),
  pg_last_xact_replay_timestamp() IS NOT NULL,
  COALESCE(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)::float8`

func (n *node) probe(ctx context.Context) Probe {
	var p Probe
	var lsn, recv int64
	var age float64
	err := n.pool.QueryRow(ctx, probeSQL).Scan(&p.InRecovery, &lsn, &recv, &p.HasReplay, &age)
	if err != nil {
		p.Err = err
		return p
	}
	p.Reachable = true
	p.LSN, p.ReceiveLSN = uint64(lsn), uint64(recv)
	p.ReplayAge = time.Duration(age * float64(time.Second))
	return p
}
