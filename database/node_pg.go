package database

import (
	"context"
	"errors"
	"net"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgNode is a Node over one pgxpool.
type pgNode struct {
	name string // host:port
	host string
	pool *pgxpool.Pool
}

var _ Node = (*pgNode)(nil)

// dialNode parses dsn and opens its pool (connections are made lazily).
func dialNode(ctx context.Context, dsn string, primary bool, resolver Resolver, tlsConf *TLSConfig, configure func(*pgxpool.Config, bool)) (*pgNode, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, redact(err)
	}
	cc := cfg.ConnConfig
	if tlsConf != nil {
		if err := ApplyTLS(&cc.Config, tlsConf); err != nil {
			return nil, err
		}
	}
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
	return &pgNode{name: net.JoinHostPort(cc.Host, strconv.Itoa(int(cc.Port))), host: cc.Host, pool: pool}, nil
}

func validateReadWrite(ctx context.Context, c *pgconn.PgConn) error {
	return pgconn.ValidateConnectTargetSessionAttrsReadWrite(ctx, c)
}

// redact drops the parse error's text, which can quote the DSN.
func redact(err error) error {
	var ce interface{ Unwrap() error }
	if errors.As(err, &ce) && ce.Unwrap() != nil {
		return errors.New("cannot parse connection string: " + ce.Unwrap().Error())
	}
	return errors.New("cannot parse connection string")
}

func (n *pgNode) Name() string     { return n.name }
func (n *pgNode) Querier() Querier { return n.pool }
func (n *pgNode) Reset()           { n.pool.Reset() }

func (n *pgNode) Close() error {
	n.pool.Close()
	return nil
}

const probeSQL = `SELECT pg_is_in_recovery(),
  pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, '0/0')::int8,
  COALESCE(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::int8, 0),
  pg_last_xact_replay_timestamp() IS NOT NULL,
  COALESCE(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)::float8`

func (n *pgNode) Probe(ctx context.Context) Probe {
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

// insertLSNSQL reads the WAL insert position: after an asynchronous commit
// (synchronous_commit=off) the commit record may not have been written
// yet, so pg_current_wal_lsn(), the write position, can be behind it.
const insertLSNSQL = "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::int8"

func (n *pgNode) InsertLSN(ctx context.Context) (uint64, error) {
	var lsn int64
	err := n.pool.QueryRow(ctx, insertLSNSQL).Scan(&lsn)
	return uint64(lsn), err
}

const replayLSNSQL = "SELECT COALESCE(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0'), 0)::int8"

func (n *pgNode) ReplayLSN(ctx context.Context) (uint64, error) {
	var lsn int64
	err := n.pool.QueryRow(ctx, replayLSNSQL).Scan(&lsn)
	return uint64(lsn), err
}
